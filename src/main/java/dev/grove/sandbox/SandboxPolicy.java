package dev.grove.sandbox;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a sandbox lets commands see and use, the same for every command it runs. What depends on the
 * command (its worktree, network, timeout) is in the {@link CommandRequest}.
 *
 * <p>Inside, with every backend that confines: the host's files read-only; the worktree read-write;
 * a private, empty {@code /tmp} and home directory; the worktree's git metadata read-only (or
 * hidden); the repository's main working tree (with its {@code .grove}) hidden; the {@link #hidden}
 * paths hidden; the {@link #readOnly} paths visible read-only even where they lie inside a hidden
 * one.
 *
 * @param home the host user's home directory: inside, an empty private directory takes its place
 *     and {@code HOME} points to it, so keys and tokens kept there (~/.ssh, ~/.config/gh, ~/.aws)
 *     are not visible
 * @param hidden paths that are invisible inside (an empty directory, or an empty file, in their
 *     place): GROVE_HOME with every agent's worktree, session and config
 * @param readOnly paths that are visible read-only, e.g. ~/.m2 so offline builds work
 * @param git whether the worktree's git metadata is visible (read-only) or hidden
 * @param passEnv the variables copied from grove's environment: names, or prefixes ending in {@code
 *     *}. Everything else is removed, API keys and tokens included
 * @param limits processes, memory and output
 */
public record SandboxPolicy(
    Path home,
    List<Path> hidden,
    List<Path> readOnly,
    GitAccess git,
    List<String> passEnv,
    Limits limits) {

  /** The variables passed through by default: none of them carries a secret. */
  public static final List<String> DEFAULT_PASS_ENV =
      List.of("PATH", "LANG", "LANGUAGE", "LC_*", "TERM", "TZ", "USER", "LOGNAME", "JAVA_HOME");

  private static final Pattern ENV_PATTERN = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*\\*?");

  /** How much of the worktree's git metadata a command sees. */
  public enum GitAccess {
    /**
     * The worktree's {@code .git} and the repository's git directory are readable, so {@code git
     * status}, {@code git diff} and {@code git log} work; nothing in them can be written (refs,
     * config, hooks).
     */
    READ_ONLY,
    /** Neither is visible: git does not work inside. */
    HIDDEN
  }

  /**
   * How much a command may use. Processes and memory are enforced per command where the kernel lets
   * grove do so ({@code grove doctor} says how); output is always capped.
   *
   * @param maxProcesses processes and threads, all of the command's together
   * @param maxMemoryBytes memory of all the command's processes together (with cgroups), or of each
   *     process (with rlimits); also the size of its private /tmp and home
   * @param maxOutputBytes bytes kept of each of stdout and stderr: the first half and the last half
   */
  public record Limits(int maxProcesses, long maxMemoryBytes, int maxOutputBytes) {
    public static final Limits DEFAULTS = new Limits(1024, 4L << 30, 256 << 10);

    private static final Pattern SIZE =
        Pattern.compile("(\\d+)\\s*([kmgt]?)i?b?", Pattern.CASE_INSENSITIVE);

    public Limits {
      if (maxProcesses < 1) {
        throw new IllegalArgumentException("maxProcesses must be at least 1, got " + maxProcesses);
      }
      if (maxMemoryBytes < 16L << 20) {
        throw new IllegalArgumentException(
            "maxMemoryBytes must be at least 16 MiB, got " + maxMemoryBytes);
      }
      if (maxOutputBytes < 2) {
        throw new IllegalArgumentException(
            "maxOutputBytes must be at least 2, got " + maxOutputBytes);
      }
    }

    public Limits withMaxProcesses(int n) {
      return new Limits(n, maxMemoryBytes, maxOutputBytes);
    }

    public Limits withMaxMemoryBytes(long bytes) {
      return new Limits(maxProcesses, bytes, maxOutputBytes);
    }

    public Limits withMaxOutputBytes(int bytes) {
      return new Limits(maxProcesses, maxMemoryBytes, bytes);
    }

    /** Parses a size: a number of bytes, optionally followed by k, m, g or t (powers of 1024). */
    public static long parseSize(String text) {
      Matcher m = SIZE.matcher(text.strip());
      if (!m.matches()) {
        throw new IllegalArgumentException(
            "not a size: '" + text + "' (examples: 65536, 256k, 4g)");
      }
      int shift =
          switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "k" -> 10;
            case "m" -> 20;
            case "g" -> 30;
            case "t" -> 40;
            default -> 0;
          };
      long n = Long.parseLong(m.group(1));
      if (n > Long.MAX_VALUE >> shift) {
        throw new IllegalArgumentException("size too large: '" + text + "'");
      }
      return n << shift;
    }
  }

  public SandboxPolicy {
    Objects.requireNonNull(home, "home");
    Objects.requireNonNull(git, "git");
    Objects.requireNonNull(limits, "limits");
    home = checked("home", home);
    hidden = hidden.stream().map(p -> checked("a hidden path", p)).toList();
    readOnly = readOnly.stream().map(p -> checked("a read-only path", p)).toList();
    for (String pattern : passEnv) {
      if (!ENV_PATTERN.matcher(pattern).matches()) {
        throw new IllegalArgumentException(
            "not a variable name or NAME* prefix: '" + pattern + "'");
      }
    }
    passEnv = List.copyOf(passEnv);
  }

  private static Path checked(String what, Path p) {
    if (!p.isAbsolute()) {
      throw new IllegalArgumentException(what + " must be an absolute path, got " + p);
    }
    Path n = p.normalize();
    if (n.getNameCount() == 0) {
      throw new IllegalArgumentException(what + " cannot be /");
    }
    return n;
  }

  /**
   * The policy grove uses for commands run under {@code dir}: {@link #standard}, with the home of
   * the environment hidden too when it differs from the user's (under {@code sudo -E}, say), and
   * tightened by the project's settings ({@code <repo>/.grove/sandbox.properties}, see {@link
   * ProjectSettings#apply}).
   *
   * @param envHome the {@code HOME} of the environment grove was started with, or null
   * @param warnings gets one line for each project setting ignored, for the user to see
   */
  public static SandboxPolicy forDirectory(
      Path dir, Path home, Path groveHome, String envHome, Consumer<String> warnings) {
    SandboxPolicy policy = standard(home, groveHome);
    if (envHome != null
        && envHome.startsWith("/")
        && !Path.of(envHome).equals(home)
        && !envHome.equals("/")) {
      policy = policy.withHidden(List.of(Path.of(envHome)));
    }
    SandboxPolicy base = policy;
    return ProjectSettings.locate(dir)
        .map(f -> ProjectSettings.apply(f, home, base, warnings))
        .orElse(base);
  }

  /**
   * The policy for agents' commands: a private home in place of {@code home}, {@code groveHome}
   * hidden (sessions, config and other agents' worktrees; the command's own worktree stays
   * visible), git read-only, the default environment allowlist and limits.
   */
  public static SandboxPolicy standard(Path home, Path groveHome) {
    return new SandboxPolicy(
        home,
        List.of(groveHome),
        List.of(),
        GitAccess.READ_ONLY,
        DEFAULT_PASS_ENV,
        Limits.DEFAULTS);
  }

  public SandboxPolicy withHidden(List<Path> more) {
    return new SandboxPolicy(home, concat(hidden, more), readOnly, git, passEnv, limits);
  }

  public SandboxPolicy withReadOnly(List<Path> more) {
    return new SandboxPolicy(home, hidden, concat(readOnly, more), git, passEnv, limits);
  }

  public SandboxPolicy withGit(GitAccess access) {
    return new SandboxPolicy(home, hidden, readOnly, access, passEnv, limits);
  }

  public SandboxPolicy withPassEnv(List<String> patterns) {
    return new SandboxPolicy(home, hidden, readOnly, git, patterns, limits);
  }

  public SandboxPolicy withLimits(Limits newLimits) {
    return new SandboxPolicy(home, hidden, readOnly, git, passEnv, newLimits);
  }

  /** Whether grove's variable {@code name} is passed to commands. */
  public boolean passes(String name) {
    for (String pattern : passEnv) {
      if (pattern.endsWith("*")
          ? name.startsWith(pattern.substring(0, pattern.length() - 1))
          : name.equals(pattern)) {
        return true;
      }
    }
    return false;
  }

  /** The variables of {@code host} that pass the allowlist. */
  Map<String, String> passedFrom(Map<String, String> host) {
    Map<String, String> passed = new TreeMap<>();
    host.forEach(
        (name, value) -> {
          if (passes(name)) {
            passed.put(name, value);
          }
        });
    return passed;
  }

  private static List<Path> concat(List<Path> a, List<Path> b) {
    List<Path> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }
}
