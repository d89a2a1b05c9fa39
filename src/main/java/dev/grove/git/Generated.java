package dev.grove.git;

import java.util.List;
import java.util.Objects;

/**
 * Which new, untracked files are build output rather than work: what tests and builds leave behind
 * in a worktree ({@code __pycache__/}, {@code *.pyc}, {@code node_modules/}, {@code target/}, …)
 * when the repository does not ignore it. Shipping leaves such files out (and says so) instead of
 * committing them; tracked files are never affected. Patterns are a small gitignore-like syntax:
 * {@code dir/} matches a directory of that name at any depth, {@code *.ext} a file name, anything
 * else with a {@code /} a path from the top, {@code name} a file or directory of that name
 * anywhere.
 */
public record Generated(List<String> patterns) {
  /** What builds and test runs of the common ecosystems leave behind. */
  public static final Generated DEFAULT =
      new Generated(
          List.of(
              "__pycache__/",
              "*.pyc",
              "*.pyo",
              ".pytest_cache/",
              ".mypy_cache/",
              ".ruff_cache/",
              ".tox/",
              ".nox/",
              "*.egg-info/",
              ".coverage",
              "htmlcov/",
              "node_modules/",
              ".nyc_output/",
              "coverage/",
              ".next/",
              ".turbo/",
              ".parcel-cache/",
              "target/",
              ".gradle/",
              "*.class",
              "*.o",
              "*.obj",
              "*.so",
              "*.dylib",
              "*.dll",
              ".cache/",
              ".DS_Store"));

  /** Nothing is taken for build output: every new file ships. */
  public static final Generated NONE = new Generated(List.of());

  public Generated {
    patterns = List.copyOf(patterns);
    for (String p : patterns) {
      Objects.requireNonNull(p, "pattern");
      if (p.isBlank() || p.startsWith("!") || p.contains("\n")) {
        throw new IllegalArgumentException("not a usable pattern for generated files: '" + p + "'");
      }
    }
  }

  /** Whether {@code path} (relative, with {@code /}) is build output by these patterns. */
  public boolean matches(String path) {
    String[] parts = path.split("/");
    for (String p : patterns) {
      if (p.endsWith("/")) {
        String dir = p.substring(0, p.length() - 1);
        for (int i = 0; i < parts.length - 1; i++) {
          if (glob(dir, parts[i])) {
            return true;
          }
        }
      } else if (p.contains("/")) {
        if (glob(p.startsWith("/") ? p.substring(1) : p, path)) {
          return true;
        }
      } else {
        for (String part : parts) {
          if (glob(p, part)) {
            return true;
          }
        }
      }
    }
    return false;
  }

  /**
   * {@code *} matches any run of characters but {@code /}, {@code ?} one character; nothing else is
   * special.
   */
  static boolean glob(String pattern, String text) {
    return glob(pattern, 0, text, 0);
  }

  private static boolean glob(String p, int pi, String t, int ti) {
    while (pi < p.length()) {
      char c = p.charAt(pi);
      if (c == '*') {
        for (int k = ti; k <= t.length(); k++) {
          if (glob(p, pi + 1, t, k)) {
            return true;
          }
          if (k < t.length() && t.charAt(k) == '/') {
            return false;
          }
        }
        return false;
      }
      if (ti >= t.length()
          || (c != '?' && c != t.charAt(ti))
          || (c == '?' && t.charAt(ti) == '/')) {
        return false;
      }
      pi++;
      ti++;
    }
    return ti == t.length();
  }
}
