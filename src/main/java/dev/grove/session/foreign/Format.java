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

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * The format of a session file, from its first line: grove's header carries {@code "version"} and
   * a time-ordered {@code id} with {@code createdAt}; pi's header carries {@code timestamp}; a
   * Codex rollout starts with a {@code session_meta} line; a Claude Code transcript has no header,
   * and its records carry {@code sessionId}, {@code uuid} or (a {@code summary}) {@code leafUuid}.
   *
   * @throws UnknownFormat when the first line is no header either tool writes
   */
  public static Format detect(Path file) throws IOException {
    try (Lines r = new Lines(Files.newInputStream(file))) {
      String first = r.next();
      if (first == null || first.isBlank()) {
        throw new UnknownFormat(file, "it is empty");
      }
      JsonNode n;
      try {
        n = JSON.readTree(first);
      } catch (IOException e) {
        return GROVE; // grove's own reader says what is wrong with the header, with its line
      }
      String type = n == null ? null : n.path("type").asText(null);
      if ("session".equals(type)) {
        return n.has("createdAt") || !n.has("timestamp") ? GROVE : PI;
      }
      if ("session_meta".equals(type) && n.path("payload").isObject()) {
        return CODEX;
      }
      if (type != null
          && (n.has("sessionId")
              || n.has("leafUuid")
              || n.has("parentUuid")
              || "file-history-snapshot".equals(type))) {
        return CLAUDE;
      }
      return GROVE;
    } catch (Lines.NotUtf8 e) {
      return GROVE; // grove's own reader says what is wrong with the header, with its line
    }
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
