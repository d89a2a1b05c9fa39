package dev.grove.sandbox;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * A project's sandbox settings: {@code <repo>/.grove/sandbox.properties}. It may tighten the
 * sandbox, never loosen it: a merged branch or a cloned repository can bring one, so grove does not
 * trust it further than that. Hidden paths are added; limits are taken only where they are lower
 * than the policy's; read-only paths are taken only where they show nothing the sandbox hides (see
 * {@link #apply}). What is ignored is reported as a warning naming the file.
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

  private static final Set<String> KEYS =
      Set.of("read-only", "hidden", "max-processes", "max-memory", "max-output");

  /**
   * Places in the home directory that hold keys and tokens: never shown, even where the rest of it
   * may be.
   */
  static final List<String> HOME_SECRETS =
      List.of(
          ".ssh",
          ".aws",
          ".gnupg",
          ".config/gh",
          ".docker",
          ".kube",
          ".netrc",
          ".git-credentials",
          ".grove");

  private ProjectSettings() {}

  /** The settings file of the repository {@code worktree} belongs to, if it exists. */
  public static Optional<Path> locate(Path worktree) {
    Path real;
    try {
      real = worktree.toRealPath();
    } catch (IOException e) {
      return Optional.empty();
    }
    return GitLayout.of(real)
        .mainWorktree()
        .map(main -> main.resolve(FILE))
        .filter(Files::isRegularFile);
  }

  /**
   * {@code policy} tightened by the file at {@code file} (in {@code <repo>/.grove/}): its hidden
   * paths added; its limits where they are lower than the policy's; its read-only paths (symbolic
   * links resolved) except those equal to, above or inside what the sandbox must keep out of sight:
   * a path the policy hides (GROVE_HOME), the repository's main checkout, its git directory and its
   * other worktrees, /run, /proc, /sys, /dev, the places {@link #HOME_SECRETS} in the home
   * directory, and the home directory itself (a path strictly inside it, such as {@code ~/.m2}, is
   * fine).
   *
   * @param home what {@code ~} stands for
   * @param warnings gets one line, naming the file, for each setting ignored
   * @throws IllegalArgumentException naming the file, for unknown keys and values that do not parse
   */
  public static SandboxPolicy apply(
      Path file, Path home, SandboxPolicy policy, Consumer<String> warnings) {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(r);
    } catch (IOException e) {
      throw new SandboxException.SetupFailed("cannot read " + file + ": " + e.getMessage(), e);
    }
    Set<String> unknown = new TreeSet<>(p.stringPropertyNames());
    unknown.removeAll(KEYS);
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException(
          file
              + ": unknown setting "
              + String.join(", ", unknown)
              + " (known: "
              + String.join(", ", new TreeSet<>(KEYS))
              + ")");
    }
    Consumer<String> warn = w -> warnings.accept(file + ": " + w);
    try {
      SandboxPolicy.Limits limits = policy.limits();
      if (p.containsKey("max-processes")) {
        int n = Integer.parseInt(p.getProperty("max-processes").strip());
        limits =
            lower(warn, "max-processes", n, limits.maxProcesses())
                ? limits.withMaxProcesses(n)
                : limits;
      }
      if (p.containsKey("max-memory")) {
        long n = SandboxPolicy.Limits.parseSize(p.getProperty("max-memory"));
        limits =
            lower(warn, "max-memory", n, limits.maxMemoryBytes())
                ? limits.withMaxMemoryBytes(n)
                : limits;
      }
      if (p.containsKey("max-output")) {
        long n = SandboxPolicy.Limits.parseSize(p.getProperty("max-output"));
        limits =
            lower(warn, "max-output", n, limits.maxOutputBytes())
                ? limits.withMaxOutputBytes((int) n)
                : limits;
      }
      List<Path> readOnly = new ArrayList<>();
      Protected keep = Protected.of(file, home, policy);
      for (Path ro : paths(p.getProperty("read-only", ""), home)) {
        keep.exposedBy(ro)
            .ifPresentOrElse(
                what ->
                    warn.accept(
                        "read-only "
                            + ro
                            + " ignored: it would show "
                            + what
                            + ", which the sandbox hides"),
                () -> readOnly.add(real(ro)));
      }
      return policy
          .withReadOnly(readOnly)
          .withHidden(paths(p.getProperty("hidden", ""), home))
          .withLimits(limits);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Whether {@code value} may replace {@code current}: only if it is lower (a warning says so
   * otherwise).
   */
  private static boolean lower(Consumer<String> warn, String key, long value, long current) {
    if (value > current) {
      warn.accept(
          key
              + " = "
              + value
              + " ignored: a project file can only lower a limit (it stays "
              + current
              + ")");
      return false;
    }
    return true;
  }

  /**
   * What a read-only path from the file must not show, each under two names where symbolic links
   * make them differ (the path as written and the real one).
   */
  private record Protected(Path home, Map<Path, String> places) {
    static Protected of(Path file, Path home, SandboxPolicy policy) {
      Map<Path, String> places = new LinkedHashMap<>();
      policy.hidden().forEach(h -> put(places, h, h.toString()));
      for (String s : HOME_SECRETS) {
        put(places, home.resolve(s), "~/" + s);
      }
      Path main = file.toAbsolutePath().normalize().getParent().getParent();
      put(places, main, "the repository's checkout " + main);
      GitLayout layout = GitLayout.of(real(main));
      if (layout instanceof GitLayout.Checkout c) {
        put(places, c.gitDir(), "the repository's git directory");
      }
      layout.otherWorktrees().forEach(w -> put(places, w, "the repository's worktree " + w));
      for (String s : List.of("/run", "/proc", "/sys", "/dev")) {
        put(places, Path.of(s), s);
      }
      return new Protected(home, places);
    }

    private static void put(Map<Path, String> places, Path p, String what) {
      places.putIfAbsent(p.normalize(), what);
      places.putIfAbsent(real(p), what);
    }

    /** What {@code p} would show of the protected places, if anything. */
    Optional<String> exposedBy(Path p) {
      for (Path candidate : new LinkedHashSet<>(List.of(p.normalize(), real(p)))) {
        for (Path h : List.of(home.normalize(), real(home))) {
          if (h.startsWith(candidate)) {
            return Optional.of("your home directory " + home);
          }
        }
        for (Map.Entry<Path, String> place : places.entrySet()) {
          if (place.getKey().startsWith(candidate) || candidate.startsWith(place.getKey())) {
            return Optional.of(place.getValue());
          }
        }
      }
      return Optional.empty();
    }
  }

  /** {@code p} with symbolic links resolved, or as given where it does not exist. */
  private static Path real(Path p) {
    try {
      return p.toRealPath();
    } catch (IOException e) {
      return p.normalize();
    }
  }

  private static List<Path> paths(String list, Path home) {
    List<Path> paths = new ArrayList<>();
    for (String item : list.split(",")) {
      String s = item.strip();
      if (s.isEmpty()) {
        continue;
      }
      Path p =
          s.equals("~") ? home : s.startsWith("~/") ? home.resolve(s.substring(2)) : Path.of(s);
      if (!p.isAbsolute()) {
        throw new IllegalArgumentException("not an absolute path (nor ~/…): " + s);
      }
      paths.add(p);
    }
    return paths;
  }
}
