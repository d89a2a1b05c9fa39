package dev.grove.sandbox;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Finds programs on a PATH that grove was given (never the JVM's own). */
final class Executables {
  private Executables() {}

  /**
   * {@code name} if it contains a slash, else the first executable file called {@code name} on
   * {@code path}.
   */
  static Optional<Path> find(String name, String path) {
    if (name.contains("/")) {
      Path p = Path.of(name);
      return Files.isRegularFile(p) && Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
    }
    if (path == null) {
      return Optional.empty();
    }
    for (String dir : path.split(File.pathSeparator)) {
      if (dir.isEmpty() || !dir.startsWith("/")) {
        continue; // a relative PATH entry would depend on the working directory: never trust it
      }
      Path candidate = Path.of(dir, name);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }
}
