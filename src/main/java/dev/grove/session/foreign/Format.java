package dev.grove.session.foreign;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The tools whose session files grove reads, told apart by the first lines of a file. */
public enum Format {
  GROVE("grove"),
  PI("pi"),
  CLAUDE("claude"),
  CODEX("codex");

  private final String tool;

  Format(String tool) {
    this.tool = tool;
  }

  /** The tool's name as grove prints it. */
  public String tool() {
    return tool;
  }

  /** Made only for lines the plain scan leaves to it. */
  private static final class Full {
    static final ObjectMapper JSON = new ObjectMapper();
  }

  /**
   * The format of a session file, from its first lines: grove's header carries {@code "version"}
   * and a time-ordered {@code id} with {@code createdAt}; pi's header carries {@code timestamp}; a
   * Codex rollout starts with a {@code session_meta} line; a Claude Code transcript has no header,
   * and its records carry {@code sessionId}, {@code parentUuid} or (a {@code summary}) {@code
   * leafUuid} — when its first line is damaged, the next few lines tell.
   *
   * @throws UnknownFormat when the first line is no header either tool writes
   */
  public static Format detect(Path file) throws IOException {
    dev.grove.fs.RegularFile.require(file);
    try (Lines r = new Lines(Files.newInputStream(file))) {
      String first;
      try {
        first = r.next();
      } catch (Lines.NotUtf8 e) {
        return claudeBelow(r) ? CLAUDE : GROVE;
      }
      if (first == null || first.isBlank()) {
        throw new UnknownFormat(file, "it is empty");
      }
      Format plain = plainHeader(first);
      if (plain != null) {
        return plain;
      }
      JsonNode n = object(first);
      if (n == null) {
        // a damaged first line: a Claude Code transcript (no header) if the next lines are its
        // records; else grove's own reader says what is wrong with the header, with its line
        return claudeBelow(r) ? CLAUDE : GROVE;
      }
      String type = n.path("type").asText(null);
      if ("session".equals(type)) {
        return n.has("createdAt") || !n.has("timestamp") ? GROVE : PI;
      }
      if ("session_meta".equals(type) && n.path("payload").isObject()) {
        return CODEX;
      }
      return claudeRecord(n) ? CLAUDE : GROVE;
    }
  }

  private static final int LOOKAHEAD = 4;

  /** Whether one of the next few lines is a Claude Code record. */
  private static boolean claudeBelow(Lines r) throws IOException {
    for (int i = 0; i < LOOKAHEAD; i++) {
      String line;
      try {
        line = r.next();
      } catch (Lines.NotUtf8 e) {
        continue;
      }
      if (line == null) {
        return false;
      }
      JsonNode n = object(line);
      if (n != null) {
        return claudeRecord(n);
      }
    }
    return false;
  }

  private static boolean claudeRecord(JsonNode n) {
    return n.hasNonNull("type")
        && (n.has("sessionId")
            || n.has("leafUuid")
            || n.has("parentUuid")
            || "file-history-snapshot".equals(n.path("type").asText()));
  }

  private static JsonNode object(String line) {
    try {
      JsonNode n = Full.JSON.readTree(line);
      return n != null && n.isObject() ? n : null;
    } catch (IOException e) {
      return null;
    }
  }

  /**
   * The format read from a header line's top-level keys without a JSON library (a cold {@code grove
   * session …} on grove's own file must not load one): grove's or pi's header; null for anything
   * else (another tool's records, an escape in a key, not an object), left to the full parser.
   */
  static Format plainHeader(String line) {
    String s = line.strip();
    if (s.isEmpty() || s.charAt(0) != '{') {
      return null;
    }
    boolean session = false;
    boolean createdAt = false;
    boolean timestamp = false;
    int depth = 0;
    String key = null;
    boolean expectKey = false;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"') {
        int end = i + 1;
        while (end < s.length() && s.charAt(end) != '"') {
          if (s.charAt(end) == '\\') {
            if (depth == 1 && expectKey) {
              return null; // an escaped key: the full parser says what it is
            }
            end++;
          }
          end++;
        }
        if (end >= s.length()) {
          return null;
        }
        String text = s.substring(i + 1, end);
        if (depth == 1 && expectKey) {
          key = text;
          createdAt |= text.equals("createdAt");
          timestamp |= text.equals("timestamp");
          expectKey = false;
        } else if (depth == 1 && "type".equals(key)) {
          session = text.equals("session");
          key = null;
        }
        i = end;
      } else if (c == '{' || c == '[') {
        depth++;
        expectKey = depth == 1 && c == '{';
      } else if (c == '}' || c == ']') {
        depth--;
      } else if (c == ',' && depth == 1) {
        expectKey = true;
        key = null;
      }
    }
    if (depth != 0) {
      return null;
    }
    return !session ? null : createdAt || !timestamp ? GROVE : PI;
  }

  /** A file whose first lines match no format grove reads. */
  public static final class UnknownFormat extends dev.grove.session.SessionException {
    public UnknownFormat(Path file, String why) {
      super(
          "session file "
              + file
              + " is in no format grove reads ("
              + why
              + "); grove reads its own sessions, pi's, Claude Code's"
              + " and Codex CLI's");
    }
  }
}
