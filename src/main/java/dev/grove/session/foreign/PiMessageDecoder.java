package dev.grove.session.foreign;

import dev.grove.session.Body;
import dev.grove.session.Entry;
import dev.grove.session.JsonBytes;
import dev.grove.session.Role;
import dev.grove.session.ToolCall;
import dev.grove.session.Usage;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * pi's common line — a {@code message} entry whose message is a user, assistant or tool-result
 * message — decoded straight from its bytes into the entry {@link PiConverter} makes of it, without
 * a JSON tree or a grove line in between.
 *
 * <p>The converter is the reference: for every line this decoder accepts it gives exactly the entry
 * the converter's grove line decodes to, and it accepts only what it can be sure of. Anything
 * unusual — another entry type or role, a field of an unexpected JSON kind, a repeated field it
 * reads, an escaped field name, a lone surrogate, a time not in the usual form, an exponent too
 * large for a double, tool-call arguments that are not an object — gives null, and the converter
 * reads the line (and says what is wrong with a bad one).
 *
 * <p>Not thread-safe: one per thread ({@link #decode}).
 */
final class PiMessageDecoder extends JsonBytes {
  private static final ThreadLocal<PiMessageDecoder> PER_THREAD =
      ThreadLocal.withInitial(PiMessageDecoder::new);

  /** What a repeated field is told by: one bit per field read, per object. */
  private static final int TYPE = 1;

  private static final int ID = 2;
  private static final int PARENT = 4;
  private static final int TIME = 8;
  private static final int MESSAGE = 16;
  private static final int ROLE = 1;
  private static final int CONTENT = 2;
  private static final int MODEL = 4;
  private static final int PROVIDER = 8;
  private static final int USAGE = 16;
  private static final int CALL_ID = 32;
  private static final int IS_ERROR = 64;
  private static final int TEXT = 1 << 7;
  private static final int NAME = 1 << 8;
  private static final int ARGUMENTS = 1 << 9;
  private static final int INPUT = 1 << 10;
  private static final int OUTPUT = 1 << 11;
  private static final int COST = 1 << 12;
  private static final int TOTAL = 1 << 13;

  private PiMessageDecoder() {}

  /**
   * The entry of line {@code lineNo}, {@code b[from, to)}, of a pi file read in place, or null to
   * leave it to {@code pi}'s conversion.
   */
  static Entry decode(PiConverter pi, byte[] b, int from, int to, int lineNo) {
    // a line no longer than the longest string grove reads holds no text grove could not read
    if (lineNo < 2 || pi.version() < 2 || to - from > MAX_STRING_BYTES) {
      return null;
    }
    PiMessageDecoder d = PER_THREAD.get();
    try {
      return d.at(b, from, to).entry(pi, lineNo);
    } catch (Unhandled | IllegalArgumentException e) {
      return null;
    } finally {
      d.b = null;
      d.calls = null;
    }
  }

  // the line's fields
  private String type;
  private String id;
  private String parentId;
  private Instant ts;
  private boolean hasMessage;
  private String role;
  private String text; // the text blocks joined, or the content string; null without content
  private List<ToolCall> calls;
  private String model;
  private String provider;
  private Usage usage;
  private String toolCallId;
  private boolean isError;

  private PiMessageDecoder at(byte[] bytes, int from, int to) {
    reset(bytes, from, to);
    type = id = parentId = role = text = model = provider = toolCallId = null;
    ts = null;
    hasMessage = isError = false;
    calls = null;
    usage = null;
    return this;
  }

  private Entry entry(PiConverter pi, int lineNo) throws Unhandled {
    int p = ws(start);
    if (p >= end || b[p] != '{') {
      throw UNHANDLED;
    }
    int seen = 0;
    int i = ws(p + 1);
    while (true) {
      i = fieldValue(i);
      if (key("type")) {
        seen = once(seen, TYPE);
        type = string(i);
        if (!type.equals("message")) {
          throw UNHANDLED; // pi writes the type first: other entries are left at once
        }
        i = pos;
      } else if (key("id")) {
        seen = once(seen, ID);
        id = string(i);
        i = pos;
      } else if (key("parentId")) {
        seen = once(seen, PARENT);
        parentId = optString(i);
        i = pos;
      } else if (key("timestamp")) {
        seen = once(seen, TIME);
        i = timestamp(i);
      } else if (key("message")) {
        seen = once(seen, MESSAGE);
        i = message(i);
      } else {
        i = skip(i, 1);
      }
      i = nextField(i);
      if (i < 0) {
        break;
      }
    }
    if (ws(pos) != end || largeExponent || !hasMessage || !"message".equals(type)) {
      throw UNHANDLED;
    }
    if (id == null || id.isEmpty() || role == null) {
      throw UNHANDLED;
    }
    Body.Message body =
        switch (role) {
          case "user" -> Body.Message.of(Role.USER, text == null ? "" : text);
          case "assistant" -> assistant();
          case "toolResult" ->
              Body.Message.toolResult(
                  toolCallId == null ? "" : toolCallId, text == null ? "" : text, isError);
          default -> throw UNHANDLED;
        };
    return new Entry(id, pi.resolve(parentId), ts, PiConverter.LANE, false, body, lineNo);
  }

  private Body.Message assistant() {
    List<ToolCall> made = calls == null ? List.of() : calls;
    String said = text == null ? "" : text;
    String fullModel = model != null && provider != null ? provider + ":" + model : model;
    return new Body.Message(
        Role.ASSISTANT,
        made.isEmpty() || !said.isEmpty() ? said : null,
        made,
        null,
        false,
        fullModel,
        usage,
        null);
  }

  private static int once(int seen, int field) throws Unhandled {
    if ((seen & field) != 0) {
      throw UNHANDLED; // a repeated field: the last one counts, which the converter knows
    }
    return seen | field;
  }

  /** The entry's time: an ISO-8601 instant in the usual form, or null. */
  private int timestamp(int p) throws Unhandled {
    if (isLiteral(p, "null")) {
      return p + 4;
    }
    if (b[p] != '"') {
      throw UNHANDLED; // milliseconds, or not a time at all
    }
    int after = scanString(p, 64);
    if (escaped) {
      throw UNHANDLED;
    }
    ts = instant(b, p + 1, after - 1);
    if (ts == null) {
      throw UNHANDLED; // the converter says what is wrong with it
    }
    return after;
  }

  /** The {@code message} object. */
  private int message(int p) throws Unhandled {
    if (b[p] != '{') {
      throw UNHANDLED;
    }
    hasMessage = true;
    int seen = 0;
    int i = ws(p + 1);
    if (i < end && b[i] == '}') {
      return i + 1;
    }
    while (true) {
      i = fieldValue(i);
      if (key("role")) {
        seen = once(seen, ROLE);
        role = string(i);
        i = pos;
      } else if (key("content")) {
        seen = once(seen, CONTENT);
        i = content(i);
      } else if (key("model")) {
        seen = once(seen, MODEL);
        model = optString(i);
        i = pos;
      } else if (key("provider")) {
        seen = once(seen, PROVIDER);
        provider = optString(i);
        i = pos;
      } else if (key("usage")) {
        seen = once(seen, USAGE);
        i = usage(i);
      } else if (key("toolCallId")) {
        seen = once(seen, CALL_ID);
        toolCallId = optString(i);
        i = pos;
      } else if (key("isError")) {
        seen = once(seen, IS_ERROR);
        if (isLiteral(i, "null")) {
          isError = false;
          i += 4;
        } else {
          isError = bool(i);
          i = pos;
        }
      } else {
        i = skip(i, 2);
      }
      i = nextField(i);
      if (i < 0) {
        return pos;
      }
    }
  }

  /** A message's content: a string, or blocks (text and tool calls read, others checked). */
  private int content(int p) throws Unhandled {
    if (isLiteral(p, "null")) {
      text = null;
      return p + 4;
    }
    if (b[p] == '"') {
      text = string(p);
      return pos;
    }
    if (b[p] != '[') {
      throw UNHANDLED;
    }
    StringBuilder joined = null;
    String only = null; // the one text block, while there is one: most messages have one
    calls = null;
    int i = ws(p + 1);
    if (i < end && b[i] == ']') {
      text = "";
      return i + 1;
    }
    while (true) {
      if (i >= end) {
        throw UNHANDLED;
      }
      if (b[i] == '{') {
        i = block(i);
        // joined as pi's converter joins them: a newline before a text once there is text
        if (blockText != null) {
          if (joined != null) {
            if (!joined.isEmpty()) {
              joined.append('\n');
            }
            joined.append(blockText);
          } else if (only == null || only.isEmpty()) {
            only = blockText;
          } else {
            joined = new StringBuilder(only).append('\n').append(blockText);
          }
        }
      } else {
        i = skip(i, 3); // not a block: pi's converter passes it by
      }
      i = ws(i);
      if (i < end && b[i] == ',') {
        i = ws(i + 1);
        continue;
      }
      if (i < end && b[i] == ']') {
        text = joined != null ? joined.toString() : only != null ? only : "";
        return i + 1;
      }
      throw UNHANDLED;
    }
  }

  /** The text of the block {@link #block} last read, when it is a text block. */
  private String blockText;

  /** One content block: a text block's text goes to {@link #blockText}, a tool call to calls. */
  private int block(int p) throws Unhandled {
    String blockType = null;
    String blockTextValue = null;
    String callId = null;
    String name = null;
    String arguments = null;
    int seen = 0;
    blockText = null;
    int i = ws(p + 1);
    if (i < end && b[i] == '}') {
      return i + 1;
    }
    while (true) {
      i = fieldValue(i);
      if (key("type")) {
        seen = once(seen, TYPE);
        blockType = string(i);
        i = pos;
      } else if (key("text")) {
        seen = once(seen, TEXT);
        blockTextValue = optString(i);
        i = pos;
      } else if (key("id")) {
        seen = once(seen, ID);
        callId = optString(i);
        i = pos;
      } else if (key("name")) {
        seen = once(seen, NAME);
        name = optString(i);
        i = pos;
      } else if (key("arguments")) {
        seen = once(seen, ARGUMENTS);
        arguments = arguments(i);
        i = pos;
      } else {
        i = skip(i, 4);
      }
      i = nextField(i);
      if (i < 0) {
        break;
      }
    }
    if ("text".equals(blockType)) {
      blockText = blockTextValue == null ? "" : blockTextValue;
    } else if ("toolCall".equals(blockType)) {
      if (name == null || name.isBlank()) {
        throw UNHANDLED; // the converter says a call has no name
      }
      if (calls == null) {
        calls = new ArrayList<>(2);
      }
      calls.add(new ToolCall(callId == null ? "" : callId, name, arguments));
    }
    return pos;
  }

  /**
   * A call's arguments as the converter's grove line gives them: an object as grove prints it, null
   * as {@code {}}; anything else is left to the converter.
   */
  private String arguments(int p) throws Unhandled {
    if (isLiteral(p, "null")) {
      pos = p + 4;
      return "{}";
    }
    if (b[p] != '{') {
      throw UNHANDLED;
    }
    int e = skip(p, 4);
    String text = new String(b, p, e - p, StandardCharsets.UTF_8);
    pos = e;
    if (isCompact(p, e)) {
      return text; // no escaped surrogate in it: a compact text escapes only control characters
    }
    String printed = reprint(text);
    if (hasLoneSurrogate(printed)) {
      throw UNHANDLED; // the converter's grove line has '?' for it
    }
    return printed;
  }

  private static boolean hasLoneSurrogate(String s) {
    for (int k = 0; k < s.length(); k++) {
      char c = s.charAt(k);
      if (Character.isHighSurrogate(c)
          && k + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(k + 1))) {
        k++;
      } else if (Character.isSurrogate(c)) {
        return true;
      }
    }
    return false;
  }

  /** {@code usage}: input and output tokens and {@code cost.total}, clamped at 0 as pi's are. */
  private int usage(int p) throws Unhandled {
    if (isLiteral(p, "null")) {
      usage = null;
      return p + 4;
    }
    if (b[p] != '{') {
      throw UNHANDLED;
    }
    long in = 0;
    long out = 0;
    double total = 0;
    int seen = 0;
    int i = ws(p + 1);
    if (i < end && b[i] == '}') {
      usage = Usage.ZERO;
      return i + 1;
    }
    while (true) {
      i = fieldValue(i);
      if (key("input")) {
        seen = once(seen, INPUT);
        in = tokens(i);
        i = pos;
      } else if (key("output")) {
        seen = once(seen, OUTPUT);
        out = tokens(i);
        i = pos;
      } else if (key("cost")) {
        seen = once(seen, COST);
        total = costTotal(i);
        i = pos;
      } else {
        i = skip(i, 3);
      }
      i = nextField(i);
      if (i < 0) {
        usage = new Usage(Math.max(0, in), Math.max(0, out), Math.max(0, total));
        return pos;
      }
    }
  }

  /** {@code cost}: its {@code total}, or 0 for none. */
  private double costTotal(int p) throws Unhandled {
    if (isLiteral(p, "null")) {
      pos = p + 4;
      return 0;
    }
    if (b[p] != '{') {
      throw UNHANDLED;
    }
    double total = 0;
    int seen = 0;
    int i = ws(p + 1);
    if (i < end && b[i] == '}') {
      pos = i + 1;
      return 0;
    }
    while (true) {
      i = fieldValue(i);
      if (key("total")) {
        seen = once(seen, TOTAL);
        total = amount(i);
        i = pos;
      } else {
        i = skip(i, 4);
      }
      i = nextField(i);
      if (i < 0) {
        return total;
      }
    }
  }

  /** A token count: an integer, or null for none. */
  private long tokens(int p) throws Unhandled {
    if (isLiteral(p, "null")) {
      pos = p + 4;
      return 0;
    }
    return integer(p);
  }

  /** An amount: any number a double holds (finite), or null for none. */
  private double amount(int p) throws Unhandled {
    if (isLiteral(p, "null")) {
      pos = p + 4;
      return 0;
    }
    byte c = b[p];
    if (c != '-' && (c < '0' || c > '9')) {
      throw UNHANDLED;
    }
    int e = number(p);
    double v = Double.parseDouble(new String(b, p, e - p, StandardCharsets.ISO_8859_1));
    if (Double.isInfinite(v)) {
      throw UNHANDLED;
    }
    pos = e;
    return v;
  }
}
