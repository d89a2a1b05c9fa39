package dev.grove.session.foreign;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.grove.session.Problem;
import java.io.IOException;
import java.io.Writer;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;

/** What every converter does to another tool's lines: one grove line per line, problems kept. */
final class Convert {
  private Convert() {}

  static final ObjectMapper JSON = new ObjectMapper();

  /** A line that cannot be converted; it becomes an empty line and a problem with its number. */
  static final class Bad extends Exception {
    Bad(String message) {
      super(message, null, false, false);
    }
  }

  /** One source line (not blank) to its grove line. */
  @FunctionalInterface
  interface LineFn {
    String convert(String line, int lineNo) throws Bad;
  }

  /**
   * Writes one grove line to {@code out} for each line of {@code in}: blank for a blank, damaged or
   * unconvertible line, whose problem goes to {@code problems} with the line's number.
   *
   * @return how many lines {@code in} had
   */
  static int lines(Lines in, Writer out, List<Problem> problems, LineFn fn) throws IOException {
    int lineNo = 0;
    while (true) {
      lineNo++;
      String line;
      try {
        line = in.next();
      } catch (Lines.NotUtf8 e) {
        problems.add(new Problem(lineNo, e.getMessage()));
        out.write('\n');
        continue;
      }
      if (line == null) {
        return lineNo - 1;
      }
      String grove;
      try {
        grove = line.isBlank() ? "" : fn.convert(line, lineNo);
      } catch (Bad bad) {
        problems.add(new Problem(lineNo, bad.getMessage()));
        grove = "";
      }
      out.write(grove);
      out.write('\n');
    }
  }

  /** The line as a JSON object, or a problem naming {@code what} it should have been. */
  static JsonNode object(String line, String what) throws Bad {
    JsonNode n;
    try {
      n = JSON.readTree(line);
    } catch (IOException e) {
      String msg = e.getMessage() == null ? "" : e.getMessage().lines().findFirst().orElse("");
      throw new Bad("malformed " + what + ": not valid JSON (" + msg + ")");
    }
    if (n == null || !n.isObject()) {
      throw new Bad("malformed " + what + ": not a JSON object");
    }
    return n;
  }

  /** A grove line with an extra field {@code field} holding what grove has no field for. */
  static String withExtra(String json, String field, JsonNode extra) {
    if (extra == null || extra.isEmpty()) {
      return json;
    }
    return json.substring(0, json.length() - 1) + ",\"" + field + "\":" + extra + "}";
  }

  /** An ISO-8601 instant, or milliseconds since the epoch. */
  static Instant instant(JsonNode v, String what) throws Bad {
    if (v == null || v.isNull()) {
      throw new Bad(what + " has no timestamp");
    }
    if (v.isNumber()) {
      return Instant.ofEpochMilli(v.asLong());
    }
    try {
      return Instant.parse(v.asText());
    } catch (DateTimeParseException e) {
      throw new Bad(what + " has a timestamp that is not an ISO-8601 instant: " + v);
    }
  }
}
