package dev.grove.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.grove.session.Body;
import dev.grove.session.Entry;
import dev.grove.session.Node;
import dev.grove.session.ToolCall;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.Arrays;

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

  /**
   * An entry as {@link #entry(Entry)} gives it, written to {@code w} without building a tree: the
   * fields of a message are written straight from it (only an object of tool-call arguments goes
   * through a tree).
   */
  static void entry(Stream w, Entry e) {
    if (!(e.body() instanceof Body.Message m)) {
      w.tree(entry(e));
      return;
    }
    w.startObject();
    w.field("type", "message");
    w.field("id", e.id());
    w.name("parentId").string(e.parentId());
    if (e.ts() != null) {
      w.field("ts", e.ts().toString());
    }
    w.field("lane", e.lane());
    if (e.contextRoot()) {
      w.name("contextRoot").bool(true);
    }
    w.field("role", m.role().wireName());
    if (m.toolCallId() != null) {
      w.field("toolCallId", m.toolCallId());
    }
    if (m.isError()) {
      w.name("isError").bool(true);
    }
    if (m.model() != null) {
      w.field("model", m.model());
    }
    if (m.checkpoint() != null) {
      w.field("checkpoint", m.checkpoint());
    }
    if (m.usage() != null) {
      w.name("usage").startObject();
      w.name("inputTokens").number(m.usage().inputTokens());
      w.name("outputTokens").number(m.usage().outputTokens());
      w.name("cost").number(m.usage().cost());
      w.endObject();
    }
    w.name("content").string(m.content());
    if (!m.toolCalls().isEmpty()) {
      w.name("toolCalls").startArray();
      for (ToolCall c : m.toolCalls()) {
        w.startObject();
        w.field("id", c.id());
        w.field("name", c.name());
        JsonNode args = argumentsObject(c.arguments());
        if (args != null) {
          w.name("arguments").tree(args);
        } else {
          w.field("arguments", c.arguments());
        }
        w.endObject();
      }
      w.endArray();
    }
    w.name("line").number(e.line());
    w.endObject();
  }

  /** Tool-call arguments as the session file stores them: an object when they parse as one. */
  private static JsonNode argumentsObject(String arguments) {
    try {
      JsonNode n = MAPPER.readTree(arguments);
      return n != null && n.isObject() ? n : null;
    } catch (IOException notJson) {
      return null; // kept as the model's text
    }
  }

  /**
   * JSON written a value at a time, exactly as {@link #print} prints the same value (Jackson's
   * default pretty printer, {@link #MAPPER}'s escapes), so that output of any size takes constant
   * memory. Each value is escaped once, into a buffer of characters; what was collected is written
   * in one piece at {@link #flush}, so the terminal filter and redaction see whole values.
   */
  static final class Stream {
    private static final String EOL = System.lineSeparator();
    private static final char[] HEX_UPPER = "0123456789ABCDEF".toCharArray();
    private static final char[] HEX_LOWER = "0123456789abcdef".toCharArray();

    /** For each ASCII character: 0 when it stands for itself in a string, else its escape. */
    private static final char[] ASCII_ESCAPE = new char[128];

    static {
      for (char c = 0; c < 0x20; c++) {
        ASCII_ESCAPE[c] = 'u';
      }
      ASCII_ESCAPE['"'] = '"';
      ASCII_ESCAPE['\\'] = '\\';
      ASCII_ESCAPE['\b'] = 'b';
      ASCII_ESCAPE['\t'] = 't';
      ASCII_ESCAPE['\n'] = 'n';
      ASCII_ESCAPE['\f'] = 'f';
      ASCII_ESCAPE['\r'] = 'r';
      ASCII_ESCAPE[0x7f] = 'u';
    }

    private final PrintWriter out;
    private char[] buf = new char[1 << 14];
    private int len;
    private boolean[] isObject = new boolean[16];
    private int[] count = new int[16];
    private int level = -1; // the innermost open array or object
    private int objects; // open objects: their fields are indented
    private boolean afterName;

    Stream(PrintWriter out) {
      this.out = out;
    }

    Stream startObject() {
      beforeValue();
      append('{');
      push(true);
      objects++;
      return this;
    }

    Stream endObject() {
      objects--;
      if (count[level] > 0) {
        newline(objects);
      } else {
        append(' ');
      }
      append('}');
      level--;
      return this;
    }

    Stream startArray() {
      beforeValue();
      append('[');
      push(false);
      return this;
    }

    Stream endArray() {
      append(' ');
      append(']');
      level--;
      return this;
    }

    /** A field's name; its value comes next. */
    Stream name(String name) {
      if (count[level]++ > 0) {
        append(',');
      }
      newline(objects);
      quote(name);
      append(" : ");
      afterName = true;
      return this;
    }

    Stream field(String name, String value) {
      return name(name).string(value);
    }

    Stream string(String s) {
      beforeValue();
      if (s == null) {
        append("null");
      } else {
        quote(s);
      }
      return this;
    }

    Stream number(long n) {
      beforeValue();
      append(Long.toString(n));
      return this;
    }

    Stream number(double d) {
      beforeValue();
      if (Double.isFinite(d)) {
        append(Double.toString(d));
      } else {
        append('"');
        append(Double.toString(d));
        append('"');
      }
      return this;
    }

    Stream bool(boolean b) {
      beforeValue();
      append(b ? "true" : "false");
      return this;
    }

    /** A JSON tree, as Jackson prints it. */
    Stream tree(JsonNode n) {
      switch (n.getNodeType()) {
        case OBJECT -> {
          startObject();
          for (var it = n.properties().iterator(); it.hasNext(); ) {
            var f = it.next();
            name(f.getKey()).tree(f.getValue());
          }
          endObject();
        }
        case ARRAY -> {
          startArray();
          for (JsonNode v : n) {
            tree(v);
          }
          endArray();
        }
        case STRING -> string(n.textValue());
        case BOOLEAN -> bool(n.booleanValue());
        case NUMBER -> {
          if (n.isFloatingPointNumber() && !n.isBigDecimal()) {
            number(n.doubleValue());
          } else {
            beforeValue();
            append(n.asText());
          }
        }
        case NULL, MISSING -> string(null);
        case BINARY, POJO ->
            throw new IllegalArgumentException("not JSON text: " + n.getNodeType());
      }
      return this;
    }

    /**
     * Hands what was collected to the writer, in one piece; it reaches the output when the writer
     * is flushed ({@link #end}, or the writer's own buffer filling).
     */
    void flush() {
      out.write(buf, 0, len);
      len = 0;
    }

    /** Ends the output with a newline, as {@link #print} does, writes it and flushes the writer. */
    void end() {
      append(EOL);
      flush();
      out.flush();
    }

    private void push(boolean object) {
      if (++level == isObject.length) {
        isObject = Arrays.copyOf(isObject, level * 2);
        count = Arrays.copyOf(count, level * 2);
      }
      isObject[level] = object;
      count[level] = 0;
    }

    private void beforeValue() {
      if (afterName) {
        afterName = false;
      } else if (level >= 0 && !isObject[level]) {
        append(count[level]++ == 0 ? " " : ", ");
      }
    }

    private void newline(int indent) {
      room(EOL.length() + 2 * indent);
      append(EOL);
      for (int i = 0; i < indent; i++) {
        buf[len++] = ' ';
        buf[len++] = ' ';
      }
    }

    private void append(char c) {
      room(1);
      buf[len++] = c;
    }

    private void append(String s) {
      room(s.length());
      s.getChars(0, s.length(), buf, len);
      len += s.length();
    }

    /** Makes room for {@code n} more characters. */
    private void room(int n) {
      if (buf.length - len < n) {
        buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
      }
    }

    /**
     * A quoted string with {@link #MAPPER}'s escapes, in one pass: runs that stand for themselves
     * are copied whole.
     */
    private void quote(String s) {
      int n = s.length();
      room(n + 2);
      buf[len++] = '"';
      int run = 0;
      for (int i = 0; i < n; i++) {
        char c = s.charAt(i);
        char escape;
        if (c < 0x80) {
          escape = ASCII_ESCAPE[c];
          if (escape == 0) {
            continue;
          }
        } else if (TerminalWriter.unsafe(c)) {
          escape = 'x'; // what a terminal acts on: MAPPER's own escape, in lower case
        } else {
          continue;
        }
        room(i - run + 6 + (n - i)); // this run, the escape, and the rest unescaped
        s.getChars(run, i, buf, len);
        len += i - run;
        run = i + 1;
        buf[len++] = '\\';
        switch (escape) {
          case 'u' -> { // other controls and DEL: Jackson's standard escape
            buf[len++] = 'u';
            buf[len++] = '0';
            buf[len++] = '0';
            buf[len++] = HEX_UPPER[c >> 4];
            buf[len++] = HEX_UPPER[c & 0xf];
          }
          case 'x' -> {
            buf[len++] = 'u';
            buf[len++] = HEX_LOWER[c >> 12];
            buf[len++] = HEX_LOWER[c >> 8 & 0xf];
            buf[len++] = HEX_LOWER[c >> 4 & 0xf];
            buf[len++] = HEX_LOWER[c & 0xf];
          }
          default -> buf[len++] = escape;
        }
      }
      room(n - run + 1);
      s.getChars(run, n, buf, len);
      len += n - run;
      buf[len++] = '"';
    }
  }

  /** An entry as JSON: its line in the file, plus the line number. */
  static ObjectNode entry(Entry e) {
    return dev.grove.orchestrator.RunJson.entry(e);
  }
}
