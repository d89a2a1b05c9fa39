package dev.grove.git;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * git's ignore rules (gitignore(5)) as {@code git ls-files --others --exclude-standard} applies
 * them, over paths as UTF-8 bytes: a file of patterns is parsed as git parses it (comments, blank
 * lines, {@code \r\n}, trailing spaces unless escaped, a leading byte-order mark, {@code !} to
 * re-include, a trailing {@code /} for directories only, a pattern with no other {@code /} matching
 * a name at any depth) and a pattern matched as git's {@code wildmatch} matches it ({@code *},
 * {@code ?}, {@code [...]} with ranges and {@code [:class:]}, {@code **} between slashes, {@code \}
 * escapes), including where git splits a pattern at its first wildcard.
 *
 * <p>Matching is a table over pattern and name, so a hostile pattern costs at most their product
 * (git's own matcher backtracks). Only reads what it is given: reading the files is {@link
 * Untracked}'s.
 */
final class Ignores {
  private static final int NEGATIVE = 1;
  private static final int MUST_BE_DIR = 2;
  private static final int NO_DIR = 4;

  private Ignores() {}

  /** What a file of patterns says of a path: the next file down the list decides if undecided. */
  enum Verdict {
    EXCLUDED,
    INCLUDED,
    UNDECIDED
  }

  /** One pattern of an ignore file. */
  private record Rule(int flags, byte[] literal, Token[] rest, byte[] base) {
    /**
     * Whether this pattern matches {@code path} (a directory when {@code dir}); {@code nameAt} is
     * where its last component starts.
     */
    boolean matches(byte[] path, int nameAt, boolean dir) {
      if ((flags & MUST_BE_DIR) != 0 && !dir) {
        return false;
      }
      if ((flags & NO_DIR) != 0) {
        return rest == null
            ? Arrays.equals(path, nameAt, path.length, literal, 0, literal.length)
            : wild(rest, path, nameAt, path.length, false);
      }
      return matchesPath(path, path.length);
    }

    /** The pattern against {@code path[0, length)} relative to the pattern's own directory. */
    private boolean matchesPath(byte[] path, int length) {
      int at = 0;
      if (base.length > 0) {
        if (length < base.length || !Arrays.equals(path, 0, base.length, base, 0, base.length)) {
          return false;
        }
        at = base.length; // base ends with '/'
      }
      if (literal.length > 0) {
        if (length - at < literal.length
            || !Arrays.equals(path, at, at + literal.length, literal, 0, literal.length)) {
          return false;
        }
        at += literal.length;
        if (rest == null) {
          return at == length;
        }
      }
      return rest != null && wild(rest, path, at, length, true);
    }
  }

  /** The patterns of one file, in its order: the last that matches a path decides. */
  static final class Rules {
    private final List<Rule> rules;

    private Rules(List<Rule> rules) {
      this.rules = List.copyOf(rules);
    }

    static final Rules NONE = new Rules(List.of());

    boolean isEmpty() {
      return rules.isEmpty();
    }

    /**
     * What the last pattern matching {@code path} (a directory when {@code dir}) says of it; {@code
     * nameAt} is where its last component starts.
     */
    Verdict judge(byte[] path, int nameAt, boolean dir) {
      for (int i = rules.size() - 1; i >= 0; i--) {
        Rule r = rules.get(i);
        if (r.matches(path, nameAt, dir)) {
          return (r.flags & NEGATIVE) == 0 ? Verdict.EXCLUDED : Verdict.INCLUDED;
        }
      }
      return Verdict.UNDECIDED;
    }
  }

  /**
   * The patterns of an ignore file's bytes, for paths under {@code base} ("" for the top, else a
   * directory with a trailing {@code /}).
   */
  static Rules parse(byte[] text, byte[] base) {
    List<Rule> rules = new ArrayList<>();
    int from = 0;
    if (text.length >= 3
        && (text[0] & 0xff) == 0xef
        && (text[1] & 0xff) == 0xbb
        && (text[2] & 0xff) == 0xbf) {
      from = 3;
    }
    int start = from;
    for (int i = from; i <= text.length; i++) {
      if (i < text.length && text[i] != '\n') {
        continue;
      }
      // git adds a newline to a last line without one; an empty line and a comment are skipped
      if (i > start && text[start] != '#') {
        int end = i > start && text[i - 1] == '\r' ? i - 1 : i;
        for (int k = start; k < end; k++) {
          if (text[k] == 0) {
            end = k; // git reads each line as a C string
            break;
          }
        }
        Rule r = rule(text, start, trimTrailingSpaces(text, start, end), base);
        if (r != null) {
          rules.add(r);
        }
      }
      start = i + 1;
    }
    return new Rules(rules);
  }

  /** Where a line ends without its trailing spaces, unless the first of them is escaped. */
  private static int trimTrailingSpaces(byte[] b, int from, int to) {
    int lastSpace = -1;
    for (int p = from; p < to; p++) {
      if (b[p] == ' ') {
        if (lastSpace < 0) {
          lastSpace = p;
        }
      } else if (b[p] == '\\') {
        p++;
        if (p >= to) {
          return to;
        }
        lastSpace = -1;
      } else {
        lastSpace = -1;
      }
    }
    return lastSpace < 0 ? to : lastSpace;
  }

  private static Rule rule(byte[] b, int from, int to, byte[] base) {
    int flags = 0;
    if (from < to && b[from] == '!') {
      flags |= NEGATIVE;
      from++;
    }
    int len = to - from;
    if (len > 0 && b[to - 1] == '/') {
      len--;
      flags |= MUST_BE_DIR;
    }
    byte[] p = Arrays.copyOfRange(b, from, from + len);
    boolean slash = false;
    for (byte c : p) {
      slash |= c == '/';
    }
    int literalLength = Math.min(simpleLength(b, from, to), len);
    if (!slash) {
      flags |= NO_DIR;
      // a pattern with no wildcard is compared as it is; "*.log" and the rest go to wildmatch whole
      return literalLength == len
          ? new Rule(flags, p, null, base)
          : new Rule(flags, new byte[0], compile(p, 0, p.length, false), base);
    }
    int at = 0;
    if (p.length > 0 && p[0] == '/') {
      at = 1;
      literalLength--;
    }
    byte[] literal = Arrays.copyOfRange(p, at, at + literalLength);
    Token[] rest =
        at + literalLength == p.length ? null : compile(p, at + literalLength, p.length, true);
    return new Rule(flags, literal, rest, base);
  }

  /** How many bytes from {@code from} hold no wildcard ({@code * ? [ \}). */
  private static int simpleLength(byte[] b, int from, int to) {
    int i = from;
    while (i < to && b[i] != '*' && b[i] != '?' && b[i] != '[' && b[i] != '\\') {
      i++;
    }
    return i - from;
  }

  // ---- wildmatch

  /** One step of a compiled pattern. */
  private sealed interface Token {}

  /** One given byte. */
  private record Literal(byte b) implements Token {}

  /** {@code ?}: any one byte but a slash (in a path). */
  private record AnyByte() implements Token {}

  /** {@code [...]}: one byte of the set, never a slash in a path. */
  private record AnyOf(boolean[] set) implements Token {}

  /** {@code *}: any run of bytes, no slash among them (in a path). */
  private record Star() implements Token {}

  /** A {@code **} between slashes or at an end: any run of bytes, slashes too. */
  private record Stars() implements Token {}

  /** {@code **}/ at a boundary: nothing, or any run of bytes ending in a slash. */
  private record Dirs() implements Token {}

  /**
   * A pattern that can never match (an unclosed {@code [}, an unknown class, a trailing {@code \}).
   */
  private record Never() implements Token {}

  /**
   * {@code p[from, to)} as tokens, reading it as git's wildmatch does; {@code from} counts as the
   * start of a pattern (for where a {@code **} stands).
   */
  private static Token[] compile(byte[] p, int from, int to, boolean path) {
    List<Token> tokens = new ArrayList<>();
    int i = from;
    while (i < to) {
      byte c = p[i];
      switch (c) {
        case '\\' -> {
          if (i + 1 >= to) {
            return new Token[] {new Never()};
          }
          tokens.add(new Literal(p[i + 1]));
          i += 2;
        }
        case '?' -> {
          tokens.add(new AnyByte());
          i++;
        }
        case '*' -> {
          int stars = i;
          while (i < to && p[i] == '*') {
            i++;
          }
          boolean atStart = stars == from || p[stars - 1] == '/';
          if (!path) {
            tokens.add(new Stars()); // without a path's rules, '*' takes slashes too
          } else if (i - stars == 1 || !atStart) {
            tokens.add(new Star());
          } else if (i < to && p[i] == '/') {
            tokens.add(new Dirs());
            i++;
          } else if (i == to || p[i] == '\\' && i + 1 < to && p[i + 1] == '/') {
            tokens.add(new Stars());
          } else {
            tokens.add(new Star());
          }
        }
        case '[' -> {
          int[] end = new int[1];
          boolean[] set = charClass(p, i, to, end);
          if (set == null) {
            return new Token[] {new Never()};
          }
          tokens.add(new AnyOf(set));
          i = end[0];
        }
        default -> {
          tokens.add(new Literal(c));
          i++;
        }
      }
    }
    return tokens.toArray(new Token[0]);
  }

  /**
   * The bytes a bracket expression at {@code p[open]} takes, and where it ends ({@code end[0]},
   * past its {@code ]}); null when it is not closed or names an unknown class (git then matches
   * nothing).
   */
  private static boolean[] charClass(byte[] p, int open, int to, int[] end) {
    boolean[] set = new boolean[256];
    int i = open + 1;
    boolean negated = i < to && (p[i] == '!' || p[i] == '^');
    if (negated) {
      i++;
    }
    int prev = 0;
    boolean first = true;
    while (true) {
      if (i >= to) {
        return null;
      }
      int c = p[i] & 0xff;
      if (c == ']' && !first) {
        break;
      }
      first = false;
      if (c == '\\') {
        if (++i >= to) {
          return null;
        }
        c = p[i] & 0xff;
        set[c] = true;
      } else if (c == '-' && prev != 0 && i + 1 < to && p[i + 1] != ']') {
        int hi = p[++i] & 0xff;
        if (hi == '\\') {
          if (++i >= to) {
            return null;
          }
          hi = p[i] & 0xff;
        }
        for (int x = prev; x <= hi; x++) {
          set[x] = true;
        }
        c = 0; // a range's end starts no range
      } else if (c == '[' && i + 1 < to && p[i + 1] == ':') {
        int s = i + 2;
        int close = s;
        while (close < to && p[close] != ']') {
          close++;
        }
        if (close >= to) {
          return null;
        }
        if (close - s - 1 < 0 || p[close - 1] != ':') {
          set['['] = true; // no ":]": a plain '[', and what follows is read as members
          prev = '[';
          i++;
          continue;
        }
        String name = new String(p, s, close - s - 1, java.nio.charset.StandardCharsets.US_ASCII);
        if (!named(name, set)) {
          return null;
        }
        i = close;
        c = 0;
      } else {
        set[c] = true;
      }
      prev = c;
      i++;
    }
    end[0] = i + 1;
    if (negated) {
      for (int x = 0; x < 256; x++) {
        set[x] = !set[x];
      }
    }
    return set;
  }

  /** Adds a {@code [:name:]} class's bytes (ASCII, as git's ctype has them); false if unknown. */
  private static boolean named(String name, boolean[] set) {
    java.util.function.IntPredicate in =
        switch (name) {
          case "alnum" -> c -> Character.isLetterOrDigit(c);
          case "alpha" -> c -> Character.isLetter(c);
          case "blank" -> c -> c == ' ' || c == '\t';
          case "cntrl" -> c -> c < 0x20 || c == 0x7f;
          case "digit" -> c -> c >= '0' && c <= '9';
          case "graph" -> c -> c > 0x20 && c < 0x7f;
          case "lower" -> c -> c >= 'a' && c <= 'z';
          case "print" -> c -> c >= 0x20 && c < 0x7f;
          case "punct" -> c -> c > 0x20 && c < 0x7f && !Character.isLetterOrDigit(c);
          case "space" -> c -> c == ' ' || c == '\t' || c == '\n' || c == '\r';
          case "upper" -> c -> c >= 'A' && c <= 'Z';
          case "xdigit" ->
              c -> c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F';
          default -> null;
        };
    if (in == null) {
      return false;
    }
    for (int c = 0; c < 128; c++) {
      set[c] |= in.test(c);
    }
    return true;
  }

  /**
   * Whether {@code tokens} match {@code s[from, m)} exactly; in a path ({@code path}) {@code *},
   * {@code ?} and {@code [...]} never match a slash. A table from the end: row i says which
   * suffixes of {@code s} tokens[i..] match.
   */
  private static boolean wild(Token[] tokens, byte[] s, int from, int m, boolean path) {
    boolean[] next = new boolean[m + 2];
    boolean[] cur = new boolean[m + 2];
    next[m] = true; // no tokens left: matches only the empty rest
    for (int t = tokens.length - 1; t >= 0; t--) {
      Token token = tokens[t];
      boolean dirsTail = false;
      for (int j = m; j >= from; j--) {
        boolean more = j < m;
        int c = more ? s[j] & 0xff : -1;
        boolean slash = c == '/';
        cur[j] =
            switch (token) {
              case Literal b -> more && c == (b.b() & 0xff) && next[j + 1];
              case AnyByte a -> more && !(path && slash) && next[j + 1];
              case AnyOf a -> more && a.set()[c] && !(path && slash) && next[j + 1];
              case Star st -> next[j] || more && !(path && slash) && cur[j + 1];
              case Stars st -> next[j] || more && cur[j + 1];
              case Dirs d -> {
                // dirsTail: some k >= j with s[k] == '/' and the rest matching s[k+1..]
                dirsTail = more && (slash && next[j + 1] || dirsTail);
                yield next[j] || dirsTail;
              }
              case Never n -> false;
            };
      }
      boolean[] swap = next;
      next = cur;
      cur = swap;
      Arrays.fill(cur, false);
    }
    return next[from];
  }
}
