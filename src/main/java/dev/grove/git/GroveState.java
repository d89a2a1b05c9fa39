package dev.grove.git;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * What shipping never commits: grove's own state at the top of a worktree ({@code .grove} in any
 * case and any file type, {@code .groveinclude}), and a root {@code .gitignore} that would let it
 * in.
 */
final class GroveState {
  static final String DIRECTORY = ".grove";
  static final String INCLUDE = Includes.FILE;

  private GroveState() {}

  /**
   * True for {@code .grove}, anything under it, and {@code .groveinclude}, compared
   * case-insensitively.
   */
  static boolean contains(String path) {
    int slash = path.indexOf('/');
    String top = (slash < 0 ? path : path.substring(0, slash)).toLowerCase(Locale.ROOT);
    return top.equals(DIRECTORY) || slash < 0 && top.equals(INCLUDE);
  }

  /**
   * The top entry a grove-state path belongs to ({@code .GROVE/} for {@code .GROVE/x/y}), for
   * reports.
   */
  static String topEntry(String path) {
    int slash = path.indexOf('/');
    return slash < 0 ? path : path.substring(0, slash + 1);
  }

  /**
   * True if a root {@code .gitignore} with this text has a negation ({@code !pattern}) that matches
   * {@code .grove} or {@code .groveinclude}: it would take precedence over {@code info/exclude} and
   * let grove's state be committed. Conservative: patterns are matched case-insensitively, and a
   * directory-only pattern counts for {@code .groveinclude} too. A negation of something under
   * {@code .grove/} alone cannot re-include it (git never re-includes a file whose directory is
   * excluded).
   */
  static boolean reincludedBy(String gitignore) {
    for (String raw : gitignore.split("\n", -1)) {
      String line = raw.endsWith("\r") ? raw.substring(0, raw.length() - 1) : raw;
      if (!line.startsWith("!")) {
        continue;
      }
      String pattern = stripTrailingSpaces(line.substring(1));
      if (pattern.endsWith("/")) {
        pattern = pattern.substring(0, pattern.length() - 1);
      }
      if (pattern.startsWith("/")) {
        pattern = pattern.substring(1);
      }
      if (pattern.isEmpty()) {
        continue;
      }
      Pattern p = Pattern.compile(regex(pattern), Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
      if (p.matcher(DIRECTORY).matches() || p.matcher(INCLUDE).matches()) {
        return true;
      }
    }
    return false;
  }

  /** Trailing spaces are dropped unless escaped with a backslash (gitignore(5)). */
  private static String stripTrailingSpaces(String s) {
    int end = s.length();
    while (end > 0 && s.charAt(end - 1) == ' ' && (end < 2 || s.charAt(end - 2) != '\\')) {
      end--;
    }
    return s.substring(0, end);
  }

  /** A gitignore glob as a regular expression over a path relative to the top. */
  static String regex(String glob) {
    StringBuilder re = new StringBuilder();
    int i = 0;
    while (i < glob.length()) {
      char c = glob.charAt(i);
      if (glob.startsWith("**/", i) && (i == 0 || glob.charAt(i - 1) == '/')) {
        re.append("(?:.*/)?");
        i += 3;
      } else if (glob.startsWith("/**", i) && i + 3 == glob.length()) {
        re.append("(?:/.*)?");
        i += 3;
      } else if (glob.startsWith("**", i)) {
        re.append(".*");
        i += 2;
      } else if (c == '*') {
        re.append("[^/]*");
        i++;
      } else if (c == '?') {
        re.append("[^/]");
        i++;
      } else if (c == '[') {
        int close = glob.indexOf(']', i + 2);
        if (close < 0) {
          re.append("\\[");
          i++;
          continue;
        }
        String body = glob.substring(i + 1, close);
        if (body.startsWith("!") || body.startsWith("^")) {
          body = "^" + body.substring(1);
        }
        re.append('[')
            .append(body.replace("\\", "\\\\").replace("[", "\\[").replace("&", "\\&"))
            .append(']');
        i = close + 1;
      } else if (c == '\\' && i + 1 < glob.length()) {
        re.append(Pattern.quote(String.valueOf(glob.charAt(i + 1))));
        i += 2;
      } else {
        re.append(Pattern.quote(String.valueOf(c)));
        i++;
      }
    }
    return re.toString();
  }
}
