package dev.grove.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Properties;

/** What {@code grove --version} prints: grove's version, baked in at build time, and the JVM's. */
final class Version {
  private Version() {}

  static List<String> lines() {
    return List.of(
        "grove " + grove(),
        "Java "
            + System.getProperty("java.runtime.version", "?")
            + " ("
            + System.getProperty("java.vendor", "?")
            + ")");
  }

  /**
   * From the jar's manifest, which the class loader has read already; else (when run from classes)
   * from a resource, which is read through a jar URL connection when in a jar: more than the rest
   * of {@code --version} costs.
   */
  private static String grove() {
    String version = Version.class.getPackage().getImplementationVersion();
    if (version != null) {
      return version;
    }
    Properties p = new Properties();
    try (InputStream in = Version.class.getResourceAsStream("version.properties")) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read grove's version: " + e.getMessage(), e);
    }
    return p.getProperty("version", "(unknown version)");
  }
}
