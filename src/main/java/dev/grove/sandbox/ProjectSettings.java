package dev.grove.sandbox;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * A project's sandbox settings: {@code <repo>/.grove/sandbox.properties}. It is written by the people
 * who run grove, never by agents (.grove is hidden from sandboxed commands and never committed).
 *
 * <pre>
 * # paths commands may read (never write), comma-separated; ~ is your home directory
 * read-only = ~/.m2, ~/.gradle/caches
 * # more paths commands must not see
 * hidden = /srv/secrets
 * max-processes = 1024
 * max-memory = 4g
 * max-output = 256k
 * </pre>
 */
public final class ProjectSettings {
  /** Where the file is, relative to the repository's main working tree. */
  public static final Path FILE = Path.of(".grove", "sandbox.properties");
  private static final Set<String> KEYS = Set.of("read-only", "hidden", "max-processes", "max-memory", "max-output");

  private ProjectSettings() {}

  /** The settings file of the repository {@code worktree} belongs to, if it exists. */
  public static Optional<Path> locate(Path worktree) {
    Path real;
    try {
      real = worktree.toRealPath();
    } catch (IOException e) {
      return Optional.empty();
    }
    return GitLayout.of(real).mainWorktree().map(main -> main.resolve(FILE)).filter(Files::isRegularFile);
  }

  /**
   * {@code policy} with the file's settings added: its read-only and hidden paths, and its limits in
   * place of the policy's.
   *
   * @param home what {@code ~} stands for
   * @throws IllegalArgumentException naming the file, for unknown keys and values that do not parse
   */
  public static SandboxPolicy apply(Path file, Path home, SandboxPolicy policy) {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(r);
    } catch (IOException e) {
      throw new SandboxException.SetupFailed("cannot read " + file + ": " + e.getMessage(), e);
    }
    Set<String> unknown = new TreeSet<>(p.stringPropertyNames());
    unknown.removeAll(KEYS);
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException(file + ": unknown setting " + String.join(", ", unknown)
          + " (known: " + String.join(", ", new TreeSet<>(KEYS)) + ")");
    }
    try {
      SandboxPolicy.Limits limits = policy.limits();
      if (p.containsKey("max-processes")) {
        limits = limits.withMaxProcesses(Integer.parseInt(p.getProperty("max-processes").strip()));
      }
      if (p.containsKey("max-memory")) {
        limits = limits.withMaxMemoryBytes(SandboxPolicy.Limits.parseSize(p.getProperty("max-memory")));
      }
      if (p.containsKey("max-output")) {
        limits = limits.withMaxOutputBytes(Math.toIntExact(SandboxPolicy.Limits.parseSize(p.getProperty("max-output"))));
      }
      return policy.withReadOnly(paths(p.getProperty("read-only", ""), home))
          .withHidden(paths(p.getProperty("hidden", ""), home)).withLimits(limits);
    } catch (IllegalArgumentException | ArithmeticException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
    }
  }

  private static List<Path> paths(String list, Path home) {
    List<Path> paths = new ArrayList<>();
    for (String item : list.split(",")) {
      String s = item.strip();
      if (s.isEmpty()) {
        continue;
      }
      Path p = s.equals("~") ? home : s.startsWith("~/") ? home.resolve(s.substring(2)) : Path.of(s);
      if (!p.isAbsolute()) {
        throw new IllegalArgumentException("not an absolute path (nor ~/…): " + s);
      }
      paths.add(p);
    }
    return paths;
  }
}
