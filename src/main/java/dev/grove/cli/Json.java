package dev.grove.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.grove.session.Entry;
import dev.grove.session.Node;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;

/** JSON output for {@code --json}: one mapper, and the shapes of session values. */
final class Json {
  static final ObjectMapper MAPPER =
      new ObjectMapper()
          .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
          .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);

  static {
    // JSON escapes the C0 controls itself; escaping the rest a terminal acts on (C1, bidi
    // overrides) too keeps
    // --json output exact when it goes through the terminal's filter (TerminalWriter)
    MAPPER
        .getFactory()
        .setCharacterEscapes(
            new com.fasterxml.jackson.core.io.CharacterEscapes() {
              private final int[] ascii = withDel(standardAsciiEscapesForJSON());

              private static int[] withDel(int[] table) {
                table[0x7f] = ESCAPE_STANDARD;
                return table;
              }

              @Override
              public int[] getEscapeCodesForAscii() {
                return ascii;
              }

              @Override
              public com.fasterxml.jackson.core.SerializableString getEscapeSequence(int ch) {
                return ch < 0x10000 && TerminalWriter.unsafe((char) ch)
                    ? new com.fasterxml.jackson.core.io.SerializedString(
                        String.format("\\u%04x", ch))
                    : null;
              }
            });
  }

  private Json() {}

  static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  static ArrayNode array() {
    return MAPPER.createArrayNode();
  }

  static void print(PrintWriter out, Object value) {
    try {
      out.println(MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(value));
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A node of a session tree, in the vocabulary of docs/json.md. */
  static ObjectNode node(Node n) {
    return dev.grove.orchestrator.RunJson.node(n);
  }

  /** Tool-call arguments as the session file stores them: an object when they parse as one. */
  static JsonNode argumentsObject(String arguments) {
    try {
      JsonNode n = MAPPER.readTree(arguments);
      return n != null && n.isObject() ? n : null;
    } catch (IOException notJson) {
      return null; // kept as the model's text
    }
  }

  /** An entry as JSON: its line in the file, plus the line number. */
  static ObjectNode entry(Entry e) {
    return dev.grove.orchestrator.RunJson.entry(e);
  }
}
