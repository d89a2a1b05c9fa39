package dev.grove.session;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The lean decoder: turns one line's bytes straight into an {@link Entry}, without a JSON tree,
 * checking on the way that the whole line is JSON a strict parser accepts (every value, the fields
 * it does not know included; strict UTF-8; no control characters in strings).
 *
 * <p>It handles what grove and well-behaved tools write, and leaves everything else to the full
 * parser ({@link EntryCodec#decodeFully}) by throwing {@link Unhandled}: a line that is not valid
 * JSON or not a valid entry, an escaped field name, a value of an unexpected JSON type, very deep
 * nesting or very long values, events (whose {@code data} is a JSON tree). So the full parser alone
 * says why a line is bad, and for every line this decoder accepts it gives exactly the entry the
 * full parser would. Tool-call arguments are kept as the text of the object when that text is
 * already in the compact form the full parser would print, and re-printed by it otherwise.
 *
 * <p>Not thread-safe; cheap to make (one per read).
 */
final class EntryDecoder extends JsonBytes {

  EntryDecoder() {}

  private EntryDecoder at(byte[] bytes, int from, int to) {
    reset(bytes, from, to);
    type = id = parentId = lane = role = content = toolCallId = model = checkpoint = null;
    targetId = label = kind = fromId = toId = summary = null;
    hasParent = contextRoot = isError = false;
    ts = null;
    toolCalls = null;
    usage = null;
    return this;
  }

  // ---------------------------------------------------------------- entries

  /**
   * Decodes {@code b[from, to)}, one line without its newline. A decoder may be reused for many
   * lines (it keeps a buffer for unescaping).
   */
  Entry decode(byte[] bytes, int from, int to, int lineNo) throws Unhandled {
    try {
      return at(bytes, from, to).entry(lineNo);
    } catch (IllegalArgumentException e) {
      throw UNHANDLED; // a value an entry's records refuse: the full parser words the problem
    } finally {
      b = null;
    }
  }

  // the fields of the entry being read; the last of duplicates wins, as in the full parser
  private String type;
  private String id;
  private String parentId;
  private boolean hasParent;
  private Instant ts;
  private String lane;
  private boolean contextRoot;
  private String role;
  private String content;
  private List<ToolCall> toolCalls;
  private String toolCallId;
  private boolean isError;
  private String model;
  private Usage usage;
  private String checkpoint;
  private String targetId;
  private String label;
  private String kind;
  private String fromId;
  private String toId;
  private String summary;

  private Entry entry(int lineNo) throws Unhandled {
    int p = ws(start);
    if (p >= end || b[p] != '{') {
      throw UNHANDLED;
    }
    p = ws(p + 1);
    while (true) {
      // an empty object has no type; an escaped name may spell a field grove reads
      p = fieldValue(p);
      p = ws(field(keyStart, keyLength, p));
      if (p < end && b[p] == ',') {
        p = ws(p + 1);
        continue;
      }
      if (p < end && b[p] == '}') {
        break;
      }
      throw UNHANDLED;
    }
    if (ws(p + 1) != end) {
      throw UNHANDLED;
    }
    if (type == null || id == null || id.isEmpty() || !hasParent) {
      throw UNHANDLED;
    }
    if (lane != null && EntryCodec.laneProblem(lane) != null) {
      throw UNHANDLED; // the full parser words the problem
    }
    Body body = body();
    return new Entry(id, parentId, ts, lane == null ? "" : lane, contextRoot, body, lineNo);
  }

  /**
   * Reads the value at {@code p} of the field whose name is {@code b[s, s + len)}; returns where
   * the value ends.
   */
  private int field(int s, int len, int p) throws Unhandled {
    switch (len) {
      case 2 -> {
        if (is(s, "id")) {
          id = optString(p);
          return pos;
        }
        if (is(s, "ts")) {
          if (b[p] == '"') {
            int after = scanString(p, MAX_STRING_BYTES);
            ts = escaped ? instant(string(p)) : instant(b, p + 1, after - 1);
            return after;
          }
          ts = null; // the full parser ignores a time that is not a string
          return skip(p, 0);
        }
      }
      case 4 -> {
        if (is(s, "type")) {
          type = optString(p);
          return pos;
        }
        if (is(s, "lane")) {
          lane = optString(p);
          return pos;
        }
        if (is(s, "role")) {
          role = optString(p);
          return pos;
        }
        if (is(s, "toId")) {
          toId = optString(p);
          return pos;
        }
        if (is(s, "kind")) {
          kind = optString(p);
          return pos;
        }
      }
      case 5 -> {
        if (is(s, "model")) {
          model = optString(p);
          return pos;
        }
        if (is(s, "usage")) {
          usage = usage(p);
          return pos;
        }
        if (is(s, "label")) {
          label = optString(p);
          return pos;
        }
      }
      case 6 -> {
        if (is(s, "fromId")) {
          fromId = optString(p);
          return pos;
        }
      }
      case 7 -> {
        if (is(s, "content")) {
          content = optString(p);
          return pos;
        }
        if (is(s, "isError")) {
          isError = bool(p);
          return pos;
        }
        if (is(s, "summary")) {
          summary = optString(p);
          return pos;
        }
      }
      case 8 -> {
        if (is(s, "parentId")) {
          hasParent = true;
          parentId = optString(p);
          return pos;
        }
        if (is(s, "targetId")) {
          targetId = optString(p);
          return pos;
        }
      }
      case 9 -> {
        if (is(s, "toolCalls")) {
          toolCalls = toolCalls(p);
          return pos;
        }
      }
      case 10 -> {
        if (is(s, "toolCallId")) {
          toolCallId = optString(p);
          return pos;
        }
        if (is(s, "checkpoint")) {
          checkpoint = optString(p);
          return pos;
        }
      }
      case 11 -> {
        if (is(s, "contextRoot")) {
          contextRoot = bool(p);
          return pos;
        }
      }
      default -> {}
    }
    return skip(p, 0);
  }

  private Body body() throws Unhandled {
    try {
      return switch (type) {
        case "message" -> {
          if (role == null) {
            throw UNHANDLED;
          }
          Role r = role(role);
          if (r == null) {
            // a role from a newer format: kept, left out of context
            yield new Body.Unknown(type, line());
          }
          yield new Body.Message(
              r,
              content,
              toolCalls == null ? List.of() : toolCalls,
              toolCallId,
              isError,
              model,
              usage,
              checkpoint);
        }
        case "label" -> new Body.Label(required(targetId), label);
        case "head" -> new Body.Head(required(targetId));
        case "summary" ->
            new Body.Summary(
                Body.SummaryKind.parse(required(kind)),
                required(fromId),
                required(toId),
                required(summary));
        case "event" -> throw UNHANDLED; // its data is a JSON tree: the full parser makes it
        default -> new Body.Unknown(type, line());
      };
    } catch (IllegalArgumentException e) {
      throw UNHANDLED; // the full parser words the problem
    }
  }

  private static Role role(String wire) {
    return switch (wire) {
      case "system" -> Role.SYSTEM;
      case "user" -> Role.USER;
      case "assistant" -> Role.ASSISTANT;
      case "tool" -> Role.TOOL;
      default -> null;
    };
  }

  private static String required(String value) throws Unhandled {
    if (value == null) {
      throw UNHANDLED;
    }
    return value;
  }

  private String line() {
    return new String(b, start, end - start, StandardCharsets.UTF_8);
  }

  /** {@code "usage": {"inputTokens": n, "outputTokens": n, "cost": x}} or null. */
  private Usage usage(int p) throws Unhandled {
    if (isLiteral(p, "null")) {
      pos = p + 4;
      return null;
    }
    if (b[p] != '{') {
      throw UNHANDLED;
    }
    long in = 0;
    long out = 0;
    double cost = 0;
    int i = ws(p + 1);
    if (i < end && b[i] == '}') {
      pos = i + 1;
      return new Usage(0, 0, 0);
    }
    while (true) {
      i = fieldValue(i);
      if (key("inputTokens")) {
        in = integer(i);
        i = pos;
      } else if (key("outputTokens")) {
        out = integer(i);
        i = pos;
      } else if (key("cost")) {
        int e = number(i);
        cost = Double.parseDouble(new String(b, i, e - i, StandardCharsets.ISO_8859_1));
        i = e;
      } else {
        i = skip(i, 1);
      }
      i = nextField(i);
      if (i < 0) {
        return new Usage(in, out, cost);
      }
    }
  }

  /** {@code "toolCalls": [{"id", "name", "arguments"}, …]} or null. */
  private List<ToolCall> toolCalls(int p) throws Unhandled {
    if (isLiteral(p, "null")) {
      pos = p + 4;
      return List.of();
    }
    if (b[p] != '[') {
      throw UNHANDLED;
    }
    List<ToolCall> calls = new ArrayList<>(2);
    int i = ws(p + 1);
    if (i < end && b[i] == ']') {
      pos = i + 1;
      return calls;
    }
    while (true) {
      if (i >= end || b[i] != '{') {
        throw UNHANDLED;
      }
      calls.add(toolCall(i));
      i = ws(pos);
      if (i < end && b[i] == ',') {
        i = ws(i + 1);
        continue;
      }
      if (i < end && b[i] == ']') {
        pos = i + 1;
        return calls;
      }
      throw UNHANDLED;
    }
  }

  private ToolCall toolCall(int p) throws Unhandled {
    String callId = "";
    String name = "";
    String arguments = "{}";
    int i = ws(p + 1);
    if (i < end && b[i] == '}') {
      throw UNHANDLED; // no name: the full parser says so
    }
    while (true) {
      i = fieldValue(i);
      if (key("id")) {
        callId = string(i);
        i = pos;
      } else if (key("name")) {
        name = string(i);
        i = pos;
      } else if (key("arguments")) {
        arguments = arguments(i);
        i = pos;
      } else {
        i = skip(i, 2);
      }
      i = nextField(i);
      if (i < 0) {
        return new ToolCall(callId, name, arguments);
      }
    }
  }

  /**
   * A call's arguments: an object as its compact text, a string as itself, null as {@code {}}. An
   * object not already in the compact form the full parser prints is printed by it.
   */
  private String arguments(int p) throws Unhandled {
    byte c = b[p];
    if (c == '"') {
      return string(p);
    }
    if (isLiteral(p, "null")) {
      pos = p + 4;
      return "{}";
    }
    if (c != '{') {
      throw UNHANDLED;
    }
    int e = skip(p, 2);
    pos = e;
    return compactObject(p, e);
  }

  // ---------------------------------------------------------------- the header

  /** Decodes a header line, {@code b[from, to)} without its newline. */
  static SessionHeader header(byte[] b, int from, int to) throws Unhandled {
    return new EntryDecoder().at(b, from, to).header();
  }

  private SessionHeader header() throws Unhandled {
    String headerType = null;
    int version = -1;
    String sessionId = null;
    Instant createdAt = null;
    String cwd = null;
    SessionHeader.ForkedFrom forkedFrom = null;
    int p = ws(start);
    if (p >= end || b[p] != '{') {
      throw UNHANDLED;
    }
    p = ws(p + 1);
    while (true) {
      p = fieldValue(p);
      if (key("type")) {
        headerType = string(p);
        p = pos;
      } else if (key("version")) {
        long v = integer(p);
        if (v < 1 || v > Integer.MAX_VALUE) {
          throw UNHANDLED;
        }
        version = (int) v;
        p = pos;
      } else if (key("id")) {
        sessionId = string(p);
        p = pos;
      } else if (key("createdAt")) {
        int after = b[p] == '"' ? scanString(p, MAX_STRING_BYTES) : -1;
        if (after < 0) {
          throw UNHANDLED;
        }
        createdAt = escaped ? instant(string(p)) : instant(b, p + 1, after - 1);
        p = after;
      } else if (key("cwd")) {
        cwd = optString(p);
        p = pos;
      } else if (key("forkedFrom")) {
        forkedFrom = forkedFrom(p);
        p = pos;
      } else {
        p = skip(p, 0);
      }
      p = ws(p);
      if (p < end && b[p] == ',') {
        p = ws(p + 1);
        continue;
      }
      if (p < end && b[p] == '}') {
        break;
      }
      throw UNHANDLED;
    }
    if (ws(p + 1) != end
        || !"session".equals(headerType)
        || version < 0
        || sessionId == null
        || sessionId.isBlank()) {
      throw UNHANDLED;
    }
    try {
      return new SessionHeader(version, sessionId, createdAt, cwd, forkedFrom);
    } catch (IllegalArgumentException e) {
      throw UNHANDLED;
    }
  }

  private SessionHeader.ForkedFrom forkedFrom(int p) throws Unhandled {
    if (isLiteral(p, "null")) {
      pos = p + 4;
      return null;
    }
    if (b[p] != '{') {
      throw UNHANDLED;
    }
    String file = null;
    String session = "";
    String entry = "";
    int i = ws(p + 1);
    if (i < end && b[i] == '}') {
      pos = i + 1;
      return new SessionHeader.ForkedFrom(null, "", "");
    }
    while (true) {
      i = fieldValue(i);
      if (key("file")) {
        file = string(i);
        i = pos;
      } else if (key("session")) {
        session = string(i);
        i = pos;
      } else if (key("entry")) {
        entry = string(i);
        i = pos;
      } else {
        i = skip(i, 1);
      }
      i = nextField(i);
      if (i < 0) {
        return new SessionHeader.ForkedFrom(file, session, entry);
      }
    }
  }
}
