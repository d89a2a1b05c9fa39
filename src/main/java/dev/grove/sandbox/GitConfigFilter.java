package dev.grove.sandbox;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.Set;

/**
 * What commands see of a repository's git config: only the settings git needs to read the
 * repository (the {@code extensions} section, and the {@code core} settings on {@link #CORE}),
 * written afresh. Remote URLs (which may carry a token), {@code http.*} (extra headers), {@code
 * credential.*}, {@code url.*}, includes, user identity and every command-valued setting are left
 * out.
 *
 * <p>The file is parsed the way git parses it (sections and subsections, a key and its value on the
 * line of its section header, quoted values, escapes, continued lines, comments), never by running
 * git. What does not parse ends the parse: the settings read so far are kept, nothing after them.
 */
final class GitConfigFilter {
  /**
   * The core settings kept: how the repository is laid out and read, none of them a command or a
   * path.
   */
  static final Set<String> CORE =
      Set.of(
          "repositoryformatversion",
          "bare",
          "filemode",
          "logallrefupdates",
          "ignorecase",
          "precomposeunicode",
          "protecthfs",
          "protectntfs",
          "symlinks",
          "autocrlf",
          "eol",
          "safecrlf",
          "checkroundtripencoding",
          "trustctime",
          "checkstat",
          "splitindex",
          "untrackedcache",
          "preloadindex",
          "abbrev",
          "compression",
          "loosecompression",
          "packedgitwindowsize",
          "packedgitlimit",
          "deltabasecachelimit",
          "bigfilethreshold",
          "multipackindex",
          "commitgraph",
          "sparsecheckout",
          "sparsecheckoutcone",
          "quotepath",
          "commentchar",
          "commentstring",
          "sharedrepository",
          "warnambiguousrefs",
          "whitespace");

  /** A config larger than this is not read: commands get only the minimal one. */
  static final int MAX_BYTES = 1 << 20;

  private static final String MINIMAL = "[core]\n\trepositoryformatversion = 0\n";

  private GitConfigFilter() {}

  /**
   * The filtered form of the config file at {@code file}: read without following a symbolic link,
   * and only if it is a regular file of at most {@link #MAX_BYTES} (otherwise the minimal config).
   */
  static String filter(Path file) {
    try {
      if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
        return MINIMAL;
      }
      byte[] bytes;
      try (InputStream in =
          Files.newInputStream(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
        bytes = in.readNBytes(MAX_BYTES + 1);
      }
      return bytes.length > MAX_BYTES ? MINIMAL : filter(new String(bytes, StandardCharsets.UTF_8));
    } catch (IOException e) {
      return MINIMAL;
    }
  }

  /** The kept settings of the config text {@code config}, as a config of their own. */
  static String filter(String config) {
    StringBuilder core = new StringBuilder();
    StringBuilder extensions = new StringBuilder();
    new Parser(config)
        .parse(
            (section, key, value) -> {
              StringBuilder into =
                  section.equals("core") && CORE.contains(key)
                      ? core
                      : section.equals("extensions") && key.matches("[a-z0-9-]+")
                          ? extensions
                          : null;
              if (into != null) {
                into.append('\t').append(key);
                if (value != null) {
                  into.append(" = ").append(quoted(value));
                }
                into.append('\n');
              }
            });
    String out =
        (core.isEmpty() ? "" : "[core]\n" + core)
            + (extensions.isEmpty() ? "" : "[extensions]\n" + extensions);
    return out.isEmpty() ? MINIMAL : out;
  }

  private static String quoted(String value) {
    StringBuilder q = new StringBuilder("\"");
    for (char c : value.toCharArray()) {
      switch (c) {
        case '\\' -> q.append("\\\\");
        case '"' -> q.append("\\\"");
        case '\n' -> q.append("\\n");
        case '\t' -> q.append("\\t");
        case '\b' -> q.append("\\b");
        default -> q.append(c);
      }
    }
    return q.append('"').toString();
  }

  interface Setting {
    /**
     * @param section the section, lower case, with its subsection after a dot as written (it is
     *     case-sensitive)
     * @param key the key, lower case
     * @param value the value, or null for a key without {@code =} (true)
     */
    void accept(String section, String key, String value);
  }

  /**
   * git's config syntax (config.c): enough to find every setting's section, key and value exactly.
   */
  private static final class Parser {
    private final String text;
    private int pos;

    Parser(String text) {
      this.text = text;
    }

    void parse(Setting settings) {
      String section = null;
      while (true) {
        int c = next();
        if (c == -1) {
          return;
        }
        if (c == '\n' || c == ' ' || c == '\t' || c == '\r') {
          continue;
        }
        if (c == '#' || c == ';') {
          skipLine();
          continue;
        }
        if (c == '[') {
          section = sectionHeader();
          if (section == null) {
            return;
          }
          continue;
        }
        if (section == null || !isAlpha(c)) {
          return;
        }
        StringBuilder key = new StringBuilder().append((char) c);
        while (peek() != -1 && (isAlnum(peek()) || peek() == '-')) {
          key.append((char) next());
        }
        skipBlanks();
        int after = peek();
        String value;
        if (after == -1 || after == '\n' || after == '\r' || after == '#' || after == ';') {
          value = null;
        } else if (after == '=') {
          next();
          value = value();
          if (value == null) {
            return;
          }
        } else {
          return;
        }
        settings.accept(section, key.toString().toLowerCase(Locale.ROOT), value);
      }
    }

    /**
     * After '[': {@code name]}, {@code name "sub"]} or the old {@code name.sub]}; null if
     * malformed.
     */
    private String sectionHeader() {
      StringBuilder name = new StringBuilder();
      while (true) {
        int c = next();
        if (c == ']') {
          return name.isEmpty() ? null : name.toString().toLowerCase(Locale.ROOT);
        }
        if (c == ' ' || c == '\t') {
          break;
        }
        if (c == -1 || !(isAlnum(c) || c == '-' || c == '.')) {
          return null;
        }
        name.append((char) c);
      }
      skipBlanks();
      if (next() != '"' || name.isEmpty()) {
        return null;
      }
      StringBuilder sub = new StringBuilder();
      while (true) {
        int c = next();
        if (c == -1 || c == '\n') {
          return null;
        }
        if (c == '"') {
          break;
        }
        if (c == '\\') {
          c = next();
          if (c == -1 || c == '\n') {
            return null;
          }
        }
        sub.append((char) c);
      }
      return next() == ']' ? name.toString().toLowerCase(Locale.ROOT) + "." + sub : null;
    }

    /**
     * After '=': the value up to the end of its line (continued lines included); null if malformed.
     */
    private String value() {
      StringBuilder v = new StringBuilder();
      boolean quoted = false;
      int trailing = 0; // unquoted blanks at the end, dropped unless more follows
      boolean started = false;
      while (true) {
        int c = next();
        if (c == -1 || c == '\n') {
          if (quoted) {
            return null;
          }
          v.setLength(v.length() - trailing);
          return v.toString();
        }
        if (c == '\r' && peek() == '\n') {
          continue;
        }
        if (!quoted && (c == ';' || c == '#')) {
          skipLine();
          v.setLength(v.length() - trailing);
          return v.toString();
        }
        if (!quoted && (c == ' ' || c == '\t')) {
          if (started) {
            v.append((char) c);
            trailing++;
          }
          continue;
        }
        started = true;
        trailing = 0;
        if (c == '\\') {
          int e = next();
          switch (e) {
            case '\n' -> {}
            case 'n' -> v.append('\n');
            case 't' -> v.append('\t');
            case 'b' -> v.append('\b');
            case '\\', '"' -> v.append((char) e);
            default -> {
              return null;
            }
          }
          continue;
        }
        if (c == '"') {
          quoted = !quoted;
          continue;
        }
        v.append((char) c);
      }
    }

    private int next() {
      return pos < text.length() ? text.charAt(pos++) : -1;
    }

    private int peek() {
      return pos < text.length() ? text.charAt(pos) : -1;
    }

    private void skipLine() {
      while (peek() != -1 && next() != '\n') {
        // to the end of the line
      }
    }

    private void skipBlanks() {
      while (peek() == ' ' || peek() == '\t') {
        next();
      }
    }

    private static boolean isAlpha(int c) {
      return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z';
    }

    private static boolean isAlnum(int c) {
      return isAlpha(c) || c >= '0' && c <= '9';
    }
  }
}
