package dev.grove.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.grove.session.Body;
import dev.grove.session.Entry;
import dev.grove.session.ToolCall;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * JSON written a value at a time, exactly as {@link Json#print} prints the same value (Jackson's
 * default pretty printer, {@link Json#MAPPER}'s escapes), so that output of any size takes constant
 * memory. Each value is escaped once, into a buffer of characters; what was collected is written in
 * one piece at {@link #flush}, so the terminal filter and redaction see whole values.
 */
final class JsonStream {
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
  private char[] rest = new char[1 << 10]; // what is left of a string being escaped
  private boolean[] isObject = new boolean[16];
  private int[] count = new int[16];
  private int level = -1; // the innermost open array or object
  private int objects; // open objects: their fields are indented
  private boolean afterName;

  JsonStream(PrintWriter out) {
    this.out = out;
  }

  JsonStream startObject() {
    beforeValue();
    append('{');
    push(true);
    objects++;
    return this;
  }

  JsonStream endObject() {
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

  JsonStream startArray() {
    beforeValue();
    append('[');
    push(false);
    return this;
  }

  JsonStream endArray() {
    append(' ');
    append(']');
    level--;
    return this;
  }

  /** A field's name; its value comes next. */
  JsonStream name(String name) {
    if (count[level]++ > 0) {
      append(',');
    }
    newline(objects);
    quote(name);
    append(" : ");
    afterName = true;
    return this;
  }

  JsonStream field(String name, String value) {
    return name(name).string(value);
  }

  JsonStream string(String s) {
    beforeValue();
    if (s == null) {
      append("null");
    } else {
      quote(s);
    }
    return this;
  }

  JsonStream number(long n) {
    beforeValue();
    append(Long.toString(n));
    return this;
  }

  JsonStream number(double d) {
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

  JsonStream bool(boolean b) {
    beforeValue();
    append(b ? "true" : "false");
    return this;
  }

  /**
   * An entry as {@link Json#entry(Entry)} gives it, written without building a tree: the fields of
   * a message straight from it, its tool calls' arguments re-printed from their text ({@link
   * #arguments}), and its time formatted as {@link Instant#toString} does ({@link #instant}). So
   * the command reading a context loads neither Jackson's object mapper nor the JDK's date
   * formatting.
   */
  JsonStream entry(Entry e) {
    if (!(e.body() instanceof Body.Message m)) {
      return tree(Json.entry(e));
    }
    startObject();
    field("type", "message");
    field("id", e.id());
    name("parentId").string(e.parentId());
    if (e.ts() != null) {
      name("ts");
      beforeValue();
      instant(e.ts());
    }
    field("lane", e.lane());
    if (e.contextRoot()) {
      name("contextRoot").bool(true);
    }
    field("role", m.role().wireName());
    if (m.toolCallId() != null) {
      field("toolCallId", m.toolCallId());
    }
    if (m.isError()) {
      name("isError").bool(true);
    }
    if (m.model() != null) {
      field("model", m.model());
    }
    if (m.checkpoint() != null) {
      field("checkpoint", m.checkpoint());
    }
    if (m.usage() != null) {
      name("usage").startObject();
      name("inputTokens").number(m.usage().inputTokens());
      name("outputTokens").number(m.usage().outputTokens());
      name("cost").number(m.usage().cost());
      endObject();
    }
    name("content").string(m.content());
    if (!m.toolCalls().isEmpty()) {
      name("toolCalls").startArray();
      for (ToolCall c : m.toolCalls()) {
        startObject();
        field("id", c.id());
        field("name", c.name());
        name("arguments");
        arguments(c.arguments());
        endObject();
      }
      endArray();
    }
    name("line").number(e.line());
    return endObject();
  }

  /**
   * Tool-call arguments as {@link Json#argumentsObject} and {@link #tree} print them: an object when
   * the text parses as one, else the text. Text whose first character (past white space) is not
   * {@code {} is no object whatever follows; an object of strings, integers, literals, arrays and
   * objects without a repeated name is re-printed here from its text; anything else (a fraction, a
   * repeated name, anything Jackson might read otherwise) goes to Jackson, as before.
   *
   * @return whether they were printed without Jackson
   */
  boolean arguments(String text) {
    int start = skipWhiteSpace(text, 0);
    if (start == text.length() || text.charAt(start) != '{') {
      string(text);
      return true;
    }
    int mark = len;
    int markLevel = level;
    int markObjects = objects;
    int markCount = level >= 0 ? count[level] : 0;
    boolean markAfterName = afterName;
    if (text.length() <= MAX_REPRINTED) {
      Reprint r = new Reprint(text);
      if (r.value(start, 0) && skipWhiteSpace(text, r.at) == text.length()) {
        return true;
      }
    }
    len = mark; // not read here: undone, and left to Jackson
    level = markLevel;
    objects = markObjects;
    if (level >= 0) {
      count[level] = markCount;
    }
    afterName = markAfterName;
    JsonNode object = Json.argumentsObject(text);
    if (object != null) {
      tree(object);
    } else {
      string(text);
    }
    return false;
  }

  /** Longer arguments go to Jackson (whose limits on a string's length are far above this). */
  private static final int MAX_REPRINTED = 1 << 20;

  /** Nesting deeper than this goes to Jackson. */
  private static final int MAX_DEPTH = 64;

  /** JSON white space as Jackson skips it. */
  private static int skipWhiteSpace(String s, int i) {
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
        break;
      }
      i++;
    }
    return i;
  }

  /** One re-printing of tool-call arguments: each method reads a value and prints it, or fails. */
  private final class Reprint {
    private final String text;
    private int at;
    private final StringBuilder sb = new StringBuilder();

    Reprint(String text) {
      this.text = text;
    }

    /** Reads and prints the value at {@code i}; false when it is not one read here. */
    boolean value(int i, int depth) {
      if (i >= text.length() || depth > MAX_DEPTH) {
        return false;
      }
      char c = text.charAt(i);
      return switch (c) {
        case '{' -> object(i + 1, depth);
        case '[' -> array(i + 1, depth);
        case '"' -> {
          String s = string(i + 1);
          if (s == null) {
            yield false;
          }
          JsonStream.this.string(s);
          yield true;
        }
        case 't' -> literal(i, "true");
        case 'f' -> literal(i, "false");
        case 'n' -> literal(i, "null");
        default -> integer(i);
      };
    }

    private boolean object(int i, int depth) {
      startObject();
      i = skipWhiteSpace(text, i);
      if (i < text.length() && text.charAt(i) == '}') {
        endObject();
        at = i + 1;
        return true;
      }
      List<String> names = new ArrayList<>();
      Set<String> many = null;
      while (true) {
        if (i >= text.length() || text.charAt(i) != '"') {
          return false;
        }
        String key = string(i + 1);
        if (key == null || key.length() > 50_000) {
          return false;
        }
        if (many == null) { // a repeated name: Jackson keeps the last value in the first place
          if (names.contains(key)) {
            return false;
          }
          names.add(key);
          if (names.size() > 16) {
            many = new HashSet<>(names);
          }
        } else if (!many.add(key)) {
          return false;
        }
        i = skipWhiteSpace(text, at);
        if (i >= text.length() || text.charAt(i) != ':') {
          return false;
        }
        name(key);
        if (!value(skipWhiteSpace(text, i + 1), depth + 1)) {
          return false;
        }
        i = skipWhiteSpace(text, at);
        if (i >= text.length()) {
          return false;
        }
        char c = text.charAt(i);
        if (c == '}') {
          endObject();
          at = i + 1;
          return true;
        }
        if (c != ',') {
          return false;
        }
        i = skipWhiteSpace(text, i + 1);
      }
    }

    private boolean array(int i, int depth) {
      startArray();
      i = skipWhiteSpace(text, i);
      if (i < text.length() && text.charAt(i) == ']') {
        endArray();
        at = i + 1;
        return true;
      }
      while (true) {
        if (!value(i, depth + 1)) {
          return false;
        }
        i = skipWhiteSpace(text, at);
        if (i >= text.length()) {
          return false;
        }
        char c = text.charAt(i);
        if (c == ']') {
          endArray();
          at = i + 1;
          return true;
        }
        if (c != ',') {
          return false;
        }
        i = skipWhiteSpace(text, i + 1);
      }
    }

    /** The string whose text starts at {@code i} (past its quote), or null; {@link #at} past it. */
    private String string(int i) {
      sb.setLength(0);
      int run = i;
      while (i < text.length()) {
        char c = text.charAt(i);
        if (c == '"') {
          sb.append(text, run, i);
          at = i + 1;
          return sb.toString();
        }
        if (c < 0x20) {
          return null; // Jackson refuses an unescaped control character
        }
        if (c != '\\') {
          i++;
          continue;
        }
        sb.append(text, run, i);
        if (i + 1 >= text.length()) {
          return null;
        }
        char e = text.charAt(i + 1);
        switch (e) {
          case '"', '\\', '/' -> sb.append(e);
          case 'b' -> sb.append('\b');
          case 'f' -> sb.append('\f');
          case 'n' -> sb.append('\n');
          case 'r' -> sb.append('\r');
          case 't' -> sb.append('\t');
          case 'u' -> {
            if (i + 6 > text.length()) {
              return null;
            }
            int v = 0;
            for (int k = i + 2; k < i + 6; k++) {
              int d = Character.digit(text.charAt(k), 16);
              if (d < 0 || text.charAt(k) >= 0x80) {
                return null;
              }
              v = v << 4 | d;
            }
            sb.append((char) v);
            i += 4;
          }
          default -> {
            return null;
          }
        }
        i += 2;
        run = i;
      }
      return null;
    }

    private boolean literal(int i, String word) {
      if (!text.startsWith(word, i) || !delimited(i + word.length())) {
        return false;
      }
      switch (word) {
        case "true" -> bool(true);
        case "false" -> bool(false);
        default -> JsonStream.this.string(null);
      }
      at = i + word.length();
      return true;
    }

    /**
     * An integer of at most 18 digits, without a leading zero, not {@code -0}: Jackson prints such
     * a number as it is written.
     */
    private boolean integer(int i) {
      int j = i;
      if (j < text.length() && text.charAt(j) == '-') {
        j++;
      }
      int digits = j;
      while (j < text.length() && text.charAt(j) >= '0' && text.charAt(j) <= '9') {
        j++;
      }
      int n = j - digits;
      if (n == 0 || n > 18 || text.charAt(digits) == '0' && (n > 1 || digits > i)) {
        return false;
      }
      if (!delimited(j)) {
        return false; // a fraction, an exponent, or no number
      }
      beforeValue();
      append(text, i, j);
      at = j;
      return true;
    }

    /** Whether a number or literal ending at {@code i} ends there for Jackson too. */
    private boolean delimited(int i) {
      if (i >= text.length()) {
        return false; // the root is an object: a value is never last
      }
      char c = text.charAt(i);
      return c == ',' || c == '}' || c == ']' || c == ' ' || c == '\n' || c == '\r' || c == '\t';
    }
  }

  /**
   * {@code t} as {@link Instant#toString} gives it (ISO-8601, seconds always, the fraction in
   * groups of three digits as needed), for years 0 to 9999; other years through the JDK.
   */
  void instant(Instant t) {
    long seconds = t.getEpochSecond();
    if (seconds < -62167219200L || seconds > 253402300799L) {
      append('"');
      append(t.toString());
      append('"');
      return;
    }
    LocalDateTime d = LocalDateTime.ofEpochSecond(seconds, 0, ZoneOffset.UTC);
    room(32);
    buf[len++] = '"';
    digits(d.getYear(), 4);
    buf[len++] = '-';
    digits(d.getMonthValue(), 2);
    buf[len++] = '-';
    digits(d.getDayOfMonth(), 2);
    buf[len++] = 'T';
    digits(d.getHour(), 2);
    buf[len++] = ':';
    digits(d.getMinute(), 2);
    buf[len++] = ':';
    digits(d.getSecond(), 2);
    int nano = t.getNano();
    if (nano != 0) {
      buf[len++] = '.';
      if (nano % 1_000_000 == 0) {
        digits(nano / 1_000_000, 3);
      } else if (nano % 1000 == 0) {
        digits(nano / 1000, 6);
      } else {
        digits(nano, 9);
      }
    }
    buf[len++] = 'Z';
    buf[len++] = '"';
  }

  private void digits(int v, int n) {
    for (int k = len + n - 1; k >= len; k--) {
      buf[k] = (char) ('0' + v % 10);
      v /= 10;
    }
    len += n;
  }

  /** A JSON tree, as Jackson prints it. */
  JsonStream tree(JsonNode n) {
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
      case BINARY, POJO -> throw new IllegalArgumentException("not JSON text: " + n.getNodeType());
    }
    return this;
  }

  /**
   * Hands what was collected to the writer, in one piece; it reaches the output when the writer is
   * flushed ({@link #end}, or the writer's own buffer filling).
   */
  void flush() {
    out.write(buf, 0, len);
    len = 0;
  }

  /**
   * Ends the output with a newline, as {@link Json#print} does, writes it and flushes the writer.
   */
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

  private void append(String s, int from, int to) {
    room(to - from);
    s.getChars(from, to, buf, len);
    len += to - from;
  }

  /** Makes room for {@code n} more characters. */
  private void room(int n) {
    if (buf.length - len < n) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
    }
  }

  /**
   * A quoted string with {@link Json#MAPPER}'s escapes. Its characters are copied whole into the
   * buffer (one bulk copy, not a call per character) and looked over there; at the first that needs
   * an escape, the rest is copied aside and escaped from that copy into the buffer.
   */
  private void quote(String s) {
    int n = s.length();
    room(n + 2);
    char[] b = buf;
    b[len++] = '"';
    int start = len;
    s.getChars(0, n, b, start);
    int end = start + n;
    for (int i = start; i < end; i++) {
      char c = b[i];
      if (c < 0x80 ? ASCII_ESCAPE[c] != 0 : TerminalWriter.unsafe(c)) {
        len = i;
        escapeFrom(s, i - start);
        return;
      }
    }
    len = end;
    b[len++] = '"';
  }

  /** The rest of a quoted string from {@code from}, its first character needing an escape. */
  private void escapeFrom(String s, int from) {
    int n = s.length() - from;
    if (rest.length < n) {
      rest = new char[Math.max(n, rest.length * 2)];
    }
    char[] r = rest;
    s.getChars(from, s.length(), r, 0);
    int run = 0;
    for (int i = 0; i < n; i++) {
      char c = r[i];
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
      char[] b = buf;
      System.arraycopy(r, run, b, len, i - run);
      len += i - run;
      run = i + 1;
      b[len++] = '\\';
      switch (escape) {
        case 'u' -> { // other controls and DEL: Jackson's standard escape
          b[len++] = 'u';
          b[len++] = '0';
          b[len++] = '0';
          b[len++] = HEX_UPPER[c >> 4];
          b[len++] = HEX_UPPER[c & 0xf];
        }
        case 'x' -> {
          b[len++] = 'u';
          b[len++] = HEX_LOWER[c >> 12];
          b[len++] = HEX_LOWER[c >> 8 & 0xf];
          b[len++] = HEX_LOWER[c >> 4 & 0xf];
          b[len++] = HEX_LOWER[c & 0xf];
        }
        default -> b[len++] = escape;
      }
    }
    room(n - run + 1);
    System.arraycopy(r, run, buf, len, n - run);
    len += n - run;
    buf[len++] = '"';
  }
}
