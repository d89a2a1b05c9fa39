package dev.grove.session;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns entries into lines and lines into entries. Lines are written with the envelope first
 * ({@code type, id, parentId, ts, lane}) and large fields last, so the {@link LineScanner} finds
 * what the index needs at the start of a line. Reading accepts any field order and ignores unknown
 * fields.
 */
final class EntryCodec {
  private EntryCodec() {}

  /**
   * Jackson, made on first use: reading with the {@link EntryDecoder} alone never loads it, which
   * keeps a fresh process that only reads a session quick to start.
   */
  private static final class Jackson {
    static final StreamReadConstraints LIMITS =
        StreamReadConstraints.builder()
            .maxNestingDepth(EntryRules.MAX_DEPTH)
            .maxStringLength(EntryRules.MAX_STRING)
            .build();
    static final ObjectMapper JSON =
        new ObjectMapper(JsonFactory.builder().streamReadConstraints(LIMITS).build());
    static final JsonFactory FACTORY =
        JsonFactory.builder()
            .enable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            .streamReadConstraints(LIMITS)
            .build();
  }

  /** A line that is not a valid entry; the message says why, without the line number. */
  static final class BadLine extends Exception {
    BadLine(String message) {
      super(message, null, false, false);
    }
  }

  // ---- writing ----

  static byte[] encode(Entry e) {
    return line(
        e.type(), e.id(), e.parentId(), e.ts(), e.lane(), fragment(e.body(), e.contextRoot()));
  }

  /**
   * A whole line: the envelope, written here by hand (it is all short strings), followed by a body
   * fragment from {@link #fragment}. Appends encode their fragment on the caller's thread; only
   * this cheap splice happens on the store's I/O thread.
   */
  static byte[] line(
      String type, String id, String parentId, Instant ts, String lane, byte[] fragment) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(96 + fragment.length);
    out.writeBytes(TYPE_KEY);
    quote(out, type);
    out.writeBytes(ID_KEY);
    quote(out, id);
    out.writeBytes(PARENT_KEY);
    if (parentId == null) {
      out.writeBytes(NULL);
    } else {
      quote(out, parentId);
    }
    if (ts != null) {
      out.writeBytes(TS_KEY);
      quote(out, ts.toString());
    }
    out.writeBytes(LANE_KEY);
    quote(out, lane);
    out.writeBytes(fragment);
    return out.toByteArray();
  }

  private static final byte[] TYPE_KEY = "{\"type\":".getBytes(StandardCharsets.UTF_8);
  private static final byte[] ID_KEY = ",\"id\":".getBytes(StandardCharsets.UTF_8);
  private static final byte[] PARENT_KEY = ",\"parentId\":".getBytes(StandardCharsets.UTF_8);
  private static final byte[] TS_KEY = ",\"ts\":".getBytes(StandardCharsets.UTF_8);
  private static final byte[] LANE_KEY = ",\"lane\":".getBytes(StandardCharsets.UTF_8);
  private static final byte[] NULL = "null".getBytes(StandardCharsets.UTF_8);

  private static void quote(ByteArrayOutputStream out, String s) {
    out.write('"');
    out.writeBytes(JsonStringEncoder.getInstance().quoteAsUTF8(s));
    out.write('"');
  }

  /**
   * The fields after the envelope, as {@code ,"role":…,"content":…}\n}: everything a line holds but
   * its type, id, parent, time and lane.
   */
  static byte[] fragment(Body body, boolean contextRoot) {
    ObjectNode o = Jackson.JSON.createObjectNode();
    if (contextRoot && !(body instanceof Body.Message)) {
      o.put("contextRoot", true);
    }
    switch (body) {
      case Body.Message m -> {
        return messageFragment(
            m, contextRoot); // most of what is appended: written by hand, no tree
      }
      case Body.Label l -> o.put("targetId", l.targetId()).put("label", l.label());
      case Body.Head h -> o.put("targetId", h.targetId());
      case Body.Summary su ->
          o.put("kind", su.kind().wireName())
              .put("fromId", su.fromId())
              .put("toId", su.toId())
              .put("summary", su.summary());
      case Body.Event ev -> o.put("kind", ev.kind()).set("data", ev.data());
      case Body.Unknown u -> throw new IllegalArgumentException("unknown entries are not written");
    }
    try {
      byte[] json = Jackson.JSON.writeValueAsBytes(o);
      byte[] b = java.util.Arrays.copyOf(json, json.length + 1);
      b[0] = ','; // every body has at least one field, so "{x…}" becomes ",x…}"
      b[json.length] = '\n';
      return b;
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
  }

  /** Messages are most of what is appended: written by hand, without a generator. */
  private static byte[] messageFragment(Body.Message m, boolean contextRoot) {
    int guess = 64 + (m.content() == null ? 0 : m.content().length() + m.content().length() / 8);
    ByteArrayOutputStream out = new ByteArrayOutputStream(guess);
    if (contextRoot) {
      out.writeBytes(CONTEXT_ROOT);
    }
    field(out, "role", m.role().wireName());
    if (m.toolCallId() != null) {
      field(out, "toolCallId", m.toolCallId());
    }
    if (m.isError()) {
      out.writeBytes(IS_ERROR);
    }
    if (m.model() != null) {
      field(out, "model", m.model());
    }
    if (m.checkpoint() != null) {
      field(out, "checkpoint", m.checkpoint());
    }
    if (m.usage() != null) {
      out.writeBytes(
          (","
                  + "\"usage\":{\"inputTokens\":"
                  + m.usage().inputTokens()
                  + ",\"outputTokens\":"
                  + m.usage().outputTokens()
                  + ",\"cost\":"
                  + m.usage().cost()
                  + "}")
              .getBytes(StandardCharsets.UTF_8));
    }
    if (m.content() == null) {
      out.writeBytes(NULL_CONTENT);
    } else {
      field(out, "content", m.content());
    }
    if (!m.toolCalls().isEmpty()) {
      out.writeBytes(TOOL_CALLS);
      boolean first = true;
      for (ToolCall c : m.toolCalls()) {
        if (!first) {
          out.write(',');
        }
        out.write('{');
        first = false;
        out.writeBytes(ID_FIELD);
        quote(out, c.id());
        field(out, "name", c.name());
        out.writeBytes(ARGUMENTS);
        JsonNode args = parseObject(c.arguments());
        if (args != null) {
          out.writeBytes(args.toString().getBytes(StandardCharsets.UTF_8));
        } else {
          quote(out, c.arguments());
        }
        out.write('}');
      }
      out.write(']');
    }
    out.write('}');
    out.write('\n');
    return out.toByteArray();
  }

  private static final byte[] CONTEXT_ROOT =
      ",\"contextRoot\":true".getBytes(StandardCharsets.UTF_8);
  private static final byte[] IS_ERROR = ",\"isError\":true".getBytes(StandardCharsets.UTF_8);
  private static final byte[] NULL_CONTENT = ",\"content\":null".getBytes(StandardCharsets.UTF_8);
  private static final byte[] TOOL_CALLS = ",\"toolCalls\":[".getBytes(StandardCharsets.UTF_8);
  private static final byte[] ID_FIELD = "\"id\":".getBytes(StandardCharsets.UTF_8);
  private static final byte[] ARGUMENTS = ",\"arguments\":".getBytes(StandardCharsets.UTF_8);

  /** Writes {@code ,"name":"value"}. */
  private static void field(ByteArrayOutputStream out, String name, String value) {
    out.write(',');
    out.write('"');
    out.writeBytes(name.getBytes(StandardCharsets.US_ASCII));
    out.write('"');
    out.write(':');
    quote(out, value);
  }

  /** A JSON value's text as Jackson prints it (compact). */
  static String reprint(String json) {
    try {
      return Jackson.JSON.readTree(json).toString();
    } catch (IOException e) {
      throw new UncheckedIOException("grove checked this JSON before re-printing it", e);
    }
  }

  private static JsonNode parseObject(String json) {
    try {
      JsonNode n = Jackson.JSON.readTree(json);
      return n != null && n.isObject() ? n : null;
    } catch (IOException e) {
      return null;
    }
  }

  static byte[] encodeHeader(SessionHeader h) {
    ObjectNode n = Jackson.JSON.createObjectNode();
    n.put("type", "session");
    n.put("version", h.version());
    n.put("id", h.id());
    n.put("createdAt", h.createdAt() == null ? null : h.createdAt().toString());
    n.put("cwd", h.cwd());
    if (h.forkedFrom() != null) {
      ObjectNode f = n.putObject("forkedFrom");
      f.put("file", h.forkedFrom().file());
      f.put("session", h.forkedFrom().session());
      f.put("entry", h.forkedFrom().entry());
    }
    try {
      byte[] json = Jackson.JSON.writeValueAsBytes(n);
      byte[] line = java.util.Arrays.copyOf(json, json.length + 1);
      line[json.length] = '\n';
      return line;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // ---- reading ----

  static SessionHeader decodeHeader(byte[] b, int from, int to) throws BadLine {
    try {
      return EntryDecoder.header(b, from, to);
    } catch (EntryDecoder.Unhandled unhandled) {
      return decodeHeaderFully(b, from, to);
    }
  }

  /** The header through Jackson: for what the {@link EntryDecoder} leaves, and the problems. */
  private static SessionHeader decodeHeaderFully(byte[] b, int from, int to) throws BadLine {
    JsonNode n;
    try {
      n = Jackson.JSON.readTree(new String(b, from, to - from, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new BadLine("the header is not valid JSON (" + firstLine(e.getMessage()) + ")");
    }
    if (n == null || !n.isObject()) {
      throw new BadLine("the header is not a JSON object");
    }
    if (!"session".equals(n.path("type").asText(null))) {
      throw new BadLine(
          "the first line is not a session header (its type is "
              + describe(n.get("type"))
              + ", expected \"session\"): is this a session file?");
    }
    JsonNode version = n.get("version");
    if (version == null || !version.canConvertToInt() || version.asInt() < 1) {
      throw new BadLine("the header has no valid version (found " + describe(version) + ")");
    }
    String id = n.path("id").asText(null);
    if (id == null || id.isBlank()) {
      throw new BadLine("the header has no session id");
    }
    SessionHeader.ForkedFrom forked = null;
    JsonNode f = n.get("forkedFrom");
    if (f != null && f.isObject()) {
      forked =
          new SessionHeader.ForkedFrom(
              f.path("file").asText(null),
              f.path("session").asText(""),
              f.path("entry").asText(""));
    }
    return new SessionHeader(
        version.asInt(), id, instant(n.get("createdAt")), n.path("cwd").asText(null), forked);
  }

  /** Parses a whole entry line; {@code lineNo} is stored in the entry. */
  static Entry decode(byte[] b, int from, int to, int lineNo) throws BadLine {
    return decode(new EntryDecoder(), b, from, to, lineNo);
  }

  /**
   * Decodes a line of a file in another tool's format: its grove form, made by {@code dialect}
   * (with {@code tree} while the file is indexed, null when the line is read again). A line read
   * again goes to the dialect's own decoder first ({@link Dialect#decode}).
   */
  static Entry decodeForeign(
      Dialect dialect,
      EntryDecoder decoder,
      byte[] b,
      int from,
      int to,
      int lineNo,
      Dialect.Tree tree)
      throws BadLine {
    if (tree == null) {
      Entry fast = dialect.decode(b, from, to, lineNo);
      if (fast != null) {
        return fast;
      }
    }
    String grove;
    try {
      grove = dialect.toGrove(new String(b, from, to - from, StandardCharsets.UTF_8), lineNo, tree);
    } catch (Dialect.Unreadable e) {
      throw new BadLine(e.getMessage());
    }
    byte[] line = grove.getBytes(StandardCharsets.UTF_8);
    return decode(decoder, line, 0, line.length, lineNo);
  }

  /** {@link #decode}, with a decoder to reuse for many lines. */
  static Entry decode(EntryDecoder decoder, byte[] b, int from, int to, int lineNo) throws BadLine {
    try {
      return decoder.decode(b, from, to, lineNo);
    } catch (EntryDecoder.Unhandled unhandled) {
      return decodeFully(b, from, to, lineNo);
    }
  }

  /**
   * Parses a whole entry line through Jackson: what the {@link EntryDecoder} leaves (events, and
   * anything unusual), and the one place that says what is wrong with a bad line.
   */
  static Entry decodeFully(byte[] b, int from, int to, int lineNo) throws BadLine {
    JsonNode n;
    try (JsonParser p = Jackson.FACTORY.createParser(b, from, to - from)) {
      n = Jackson.JSON.readTree(p);
      if (p.nextToken() != null) {
        throw new BadLine("unexpected text after the JSON object");
      }
    } catch (IOException e) {
      throw new BadLine("not valid JSON (" + firstLine(e.getMessage()) + ")");
    }
    if (n == null || !n.isObject()) {
      throw new BadLine("not a JSON object");
    }
    String type = text(n, "type");
    if (type == null) {
      throw new BadLine("the entry has no type");
    }
    String id = text(n, "id");
    if (id == null || id.isEmpty()) {
      throw new BadLine("the entry has no id");
    }
    JsonNode parentNode = n.get("parentId");
    if (parentNode == null) {
      throw new BadLine("entry " + id + " has no parentId (a root has \"parentId\":null)");
    }
    if (!parentNode.isNull() && !parentNode.isTextual()) {
      throw new BadLine("entry " + id + " has a parentId that is not a string or null");
    }
    String parentId = parentNode.isNull() ? null : parentNode.asText();
    String lane = text(n, "lane");
    if (lane != null && laneProblem(lane) != null) {
      throw new BadLine("entry " + id + ": " + laneProblem(lane));
    }
    Instant ts = instant(n.get("ts"));
    boolean contextRoot = bool(n, "contextRoot");
    Body body;
    try {
      body = body(type, n, b, from, to);
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new BadLine("entry " + id + ": " + e.getMessage());
    }
    return new Entry(id, parentId, ts, lane == null ? "" : lane, contextRoot, body, lineNo);
  }

  private static Body body(String type, JsonNode n, byte[] b, int from, int to) throws BadLine {
    return switch (type) {
      case "message" -> {
        String role = text(n, "role");
        if (role == null) {
          throw new BadLine("message " + text(n, "id") + " has no role");
        }
        Role r;
        try {
          r = Role.parse(role);
        } catch (IllegalArgumentException e) {
          // a role from a newer format: keep the entry, leave it out of context
          yield new Body.Unknown(type, new String(b, from, to - from, StandardCharsets.UTF_8));
        }
        yield new Body.Message(
            r,
            text(n, "content"),
            toolCalls(n.get("toolCalls")),
            text(n, "toolCallId"),
            bool(n, "isError"),
            text(n, "model"),
            usage(n.get("usage")),
            text(n, "checkpoint"));
      }
      case "label" -> new Body.Label(required(n, "targetId"), text(n, "label"));
      case "head" -> new Body.Head(required(n, "targetId"));
      case "summary" ->
          new Body.Summary(
              Body.SummaryKind.parse(required(n, "kind")),
              required(n, "fromId"),
              required(n, "toId"),
              required(n, "summary"));
      case "event" -> new Body.Event(required(n, "kind"), n.get("data"));
      default -> new Body.Unknown(type, new String(b, from, to - from, StandardCharsets.UTF_8));
    };
  }

  private static List<ToolCall> toolCalls(JsonNode calls) throws BadLine {
    if (calls == null || calls.isNull()) {
      return List.of();
    }
    if (!calls.isArray()) {
      throw new BadLine("toolCalls is not an array");
    }
    List<ToolCall> out = new ArrayList<>(calls.size());
    for (JsonNode c : calls) {
      JsonNode args = c.get("arguments");
      String argText =
          args == null || args.isNull() ? "{}" : args.isTextual() ? args.asText() : args.toString();
      out.add(new ToolCall(c.path("id").asText(""), c.path("name").asText(""), argText));
    }
    return out;
  }

  private static Usage usage(JsonNode u) throws BadLine {
    if (u == null || u.isNull()) {
      return null;
    }
    if (!u.isObject()) {
      throw new BadLine("usage is not an object");
    }
    return new Usage(
        u.path("inputTokens").asLong(0),
        u.path("outputTokens").asLong(0),
        u.path("cost").asDouble(0));
  }

  private static String required(JsonNode n, String field) throws BadLine {
    String v = text(n, field);
    if (v == null) {
      throw new BadLine(
          n.path("type").asText() + " entry " + n.path("id").asText() + " has no " + field);
    }
    return v;
  }

  /** A string field, or null when absent or null; any other value breaks the rules. */
  private static String text(JsonNode n, String field) throws BadLine {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual()) {
      throw new BadLine(field + " is " + describe(v) + ", not a string");
    }
    return v.asText();
  }

  private static boolean bool(JsonNode n, String field) throws BadLine {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      return false;
    }
    if (!v.isBoolean()) {
      throw new BadLine(field + " is " + describe(v) + ", not true or false");
    }
    return v.asBoolean();
  }

  /** What is wrong with a lane name read from a file, or null. */
  static String laneProblem(String lane) {
    try {
      Lanes.check(lane);
      return null;
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
  }

  private static Instant instant(JsonNode n) {
    if (n == null || !n.isTextual()) {
      return null;
    }
    try {
      return Instant.parse(n.asText());
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  private static String describe(JsonNode n) {
    return n == null ? "missing" : n.toString();
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "unreadable";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
