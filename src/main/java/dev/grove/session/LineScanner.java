package dev.grove.session;

/**
 * Scans one line of a session file without building it: checks that it is a single JSON object and
 * finds the few top-level string fields the index needs (type, id, parentId, lane, role) as byte
 * ranges, skipping every other value. It allocates nothing; string contents are skipped eight bytes
 * at a time. Escape sequences in a wanted field, rare in practice, are reported so the caller can
 * take the slow path and let a real JSON parser decode the line.
 *
 * <p>It checks everything {@link EntryRules} asks of a line's JSON (UTF-8, syntax, nesting depth),
 * so a line it accepts is one the decoders accept too, unless it sets {@link #needsFullParse}: then
 * a field it cannot judge alone (an escape in a wanted field or a field name, a known field holding
 * a value of the wrong kind, a very long string) is left to the decoder.
 */
final class LineScanner {

  private static final byte[] K_TYPE = ascii("type");
  private static final byte[] K_ID = ascii("id");
  private static final byte[] K_PARENT = ascii("parentId");
  private static final byte[] K_LANE = ascii("lane");
  private static final byte[] K_ROLE = ascii("role");
  private static final byte[] K_CONTEXT_ROOT = ascii("contextRoot");

  // Results of the last scan: [start, end) byte ranges, start = -1 when absent.
  int typeStart,
      typeEnd,
      idStart,
      idEnd,
      parentStart,
      parentEnd,
      laneStart,
      laneEnd,
      roleStart,
      roleEnd;

  /**
   * One more top-level field to find, set by a {@link Dialect}'s loader (pi's {@code message}):
   * where its value starts, or -1.
   */
  private byte[] extraKey;

  int extraStart;

  /** parentId was present with the value null (a root). */
  boolean parentNull;

  boolean contextRoot;

  /**
   * A wanted field held an escape sequence or a non-string value: decode the line with a real
   * parser.
   */
  boolean needsFullParse;

  /** A string longer than {@link EntryRules#MAX_STRING} bytes was skipped. */
  private boolean longString;

  /** Where the error of the last failed scan was found, as an offset into the line. */
  int errorAt;

  private byte[] b;
  private int end;

  /**
   * Scans {@code b[from, to)}, one line without its newline. Returns null when it is a well-formed
   * object, else what is wrong with it.
   */
  String scan(byte[] bytes, int from, int to) {
    b = bytes;
    end = to;
    typeStart = idStart = parentStart = laneStart = roleStart = extraStart = -1;
    parentNull = contextRoot = needsFullParse = longString = false;
    int start = from;
    int p = skipWs(from);
    if (p >= end || b[p] != '{') {
      errorAt = p - start;
      return p >= end ? "empty line" : "not a JSON object";
    }
    p = skipWs(p + 1);
    if (p < end && b[p] == '}') {
      p++;
    } else {
      while (true) {
        if (p >= end || b[p] != '"') {
          return fail(p, start, "expected a field name");
        }
        int keyStart = p + 1;
        int keyEnd = skipString(keyStart);
        if (keyEnd == INVALID) {
          return fail(invalidAt, start, invalid);
        }
        if (keyEnd < 0) {
          return fail(end, start, "ends inside a field name (truncated line?)");
        }
        p = skipWs(keyEnd);
        if (p >= end || b[p] != ':') {
          return fail(p, start, "expected ':' after a field name");
        }
        p = skipWs(p + 1);
        if (p >= end) {
          return fail(p, start, "ends before a value (truncated line?)");
        }
        int valueStart = p;
        p = skipValue(p);
        if (p == INVALID) {
          return fail(invalidAt, start, invalid);
        }
        if (p < 0) {
          return fail(end, start, "ends inside a value (truncated line?)");
        }
        record(keyStart, keyEnd - 1, valueStart, p);
        p = skipWs(p);
        if (p >= end) {
          return fail(p, start, "ends before '}' (truncated line?)");
        }
        if (b[p] == ',') {
          p = skipWs(p + 1);
          continue;
        }
        if (b[p] == '}') {
          p++;
          break;
        }
        return fail(p, start, "expected ',' or '}'");
      }
    }
    p = skipWs(p);
    if (p != end) {
      return fail(p, start, "unexpected text after the object");
    }
    if (longString) {
      needsFullParse = true; // whether it is too long is counted in characters, by the decoder
    }
    return null;
  }

  /** How many ints {@link #save} writes for one line. */
  static final int SAVED = 13;

  private static final int PARENT_NULL = 1, CONTEXT_ROOT = 2, NEEDS_FULL_PARSE = 4;

  /**
   * Writes what the last scan found to {@code to[at, at + SAVED)}, so that another scanner can
   * {@link #restore} it: a line scanned on one thread and indexed on another.
   */
  void save(int[] to, int at) {
    to[at] = typeStart;
    to[at + 1] = typeEnd;
    to[at + 2] = idStart;
    to[at + 3] = idEnd;
    to[at + 4] = parentStart;
    to[at + 5] = parentEnd;
    to[at + 6] = laneStart;
    to[at + 7] = laneEnd;
    to[at + 8] = roleStart;
    to[at + 9] = roleEnd;
    to[at + 10] = extraStart;
    to[at + 11] = errorAt;
    to[at + 12] =
        (parentNull ? PARENT_NULL : 0)
            | (contextRoot ? CONTEXT_ROOT : 0)
            | (needsFullParse ? NEEDS_FULL_PARSE : 0);
  }

  /** Takes the results of a scan {@link #save}d by another scanner, as if this one had made it. */
  void restore(int[] from, int at) {
    typeStart = from[at];
    typeEnd = from[at + 1];
    idStart = from[at + 2];
    idEnd = from[at + 3];
    parentStart = from[at + 4];
    parentEnd = from[at + 5];
    laneStart = from[at + 6];
    laneEnd = from[at + 7];
    roleStart = from[at + 8];
    roleEnd = from[at + 9];
    extraStart = from[at + 10];
    errorAt = from[at + 11];
    int flags = from[at + 12];
    parentNull = (flags & PARENT_NULL) != 0;
    contextRoot = (flags & CONTEXT_ROOT) != 0;
    needsFullParse = (flags & NEEDS_FULL_PARSE) != 0;
  }

  /** Also finds the top-level field {@code name} (ASCII): see {@link #extraStart}. */
  void alsoFind(String name) {
    extraKey = ascii(name);
  }

  private String fail(int at, int start, String message) {
    errorAt = at - start;
    return message;
  }

  private void record(int keyStart, int keyEnd, int valueStart, int valueEnd) {
    int len = keyEnd - keyStart;
    boolean isString = b[valueStart] == '"';
    checkEscapes(keyStart, keyEnd); // an escaped name ("\u0069d") is read by the decoder
    if (len > 0 && EntryRules.typedField(b, keyStart, len, b[valueStart])) {
      needsFullParse = true; // a known field with a value of the wrong kind: the decoder words it
    }
    if (is(K_ID, keyStart, len)) {
      wanted(isString);
      idStart = valueStart + 1;
      idEnd = valueEnd - 1;
    } else if (is(K_PARENT, keyStart, len)) {
      if (isString) {
        parentStart = valueStart + 1;
        parentEnd = valueEnd - 1;
        parentNull = false;
        checkEscapes(parentStart, parentEnd);
      } else if (isLiteral(valueStart, valueEnd, "null")) {
        parentStart = -1;
        parentNull = true;
      } else {
        needsFullParse = true;
      }
      return;
    } else if (is(K_TYPE, keyStart, len)) {
      wanted(isString);
      typeStart = valueStart + 1;
      typeEnd = valueEnd - 1;
    } else if (is(K_LANE, keyStart, len)) {
      wanted(isString);
      laneStart = valueStart + 1;
      laneEnd = valueEnd - 1;
    } else if (is(K_ROLE, keyStart, len)) {
      wanted(isString);
      roleStart = valueStart + 1;
      roleEnd = valueEnd - 1;
    } else if (is(K_CONTEXT_ROOT, keyStart, len)) {
      contextRoot = isLiteral(valueStart, valueEnd, "true");
      return;
    } else {
      if (extraKey != null && is(extraKey, keyStart, len)) {
        extraStart = valueStart;
      }
      return;
    }
    if (isString) {
      checkEscapes(valueStart + 1, valueEnd - 1);
    }
  }

  private void wanted(boolean isString) {
    if (!isString) {
      needsFullParse = true;
    }
  }

  private void checkEscapes(int from, int to) {
    for (int i = from; i < to; i++) {
      if (b[i] == '\\') {
        needsFullParse = true;
        return;
      }
    }
  }

  private boolean is(byte[] key, int at, int len) {
    if (key.length != len) {
      return false;
    }
    for (int i = 0; i < len; i++) {
      if (b[at + i] != key[i]) {
        return false;
      }
    }
    return true;
  }

  private boolean isLiteral(int from, int to, String literal) {
    if (to - from != literal.length()) {
      return false;
    }
    for (int i = 0; i < literal.length(); i++) {
      if (b[from + i] != literal.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  private int skipWs(int p) {
    return JsonBytes.ws(b, p, end);
  }

  /** Returned by the skip methods for a value that is not valid JSON; {@link #invalid} says why. */
  private static final int INVALID = -2;

  /** Why the last skip returned {@link #INVALID}, and where. */
  private String invalid;

  private int invalidAt;

  private int invalid(int at, String why) {
    invalid = why;
    invalidAt = at;
    return INVALID;
  }

  /**
   * Skips one value starting at p, checking it is valid JSON as {@link EntryRules} defines it;
   * returns the position after it, -1 if the line ends first, or {@link #INVALID}.
   */
  private int skipValue(int p) {
    return value(p, 1);
  }

  private int value(int p, int depth) {
    byte c = b[p];
    if (c == '"') {
      return skipString(p + 1);
    }
    if (c == '{' || c == '[') {
      if (depth >= EntryRules.MAX_DEPTH) {
        return invalid(p, "nested deeper than " + EntryRules.MAX_DEPTH + " levels");
      }
      return c == '{' ? object(p, depth + 1) : array(p, depth + 1);
    }
    int q = p;
    while (q < end) {
      byte d = b[q];
      if (d == ',' || d == '}' || d == ']' || d == ' ' || d == '\t' || d == '\r') {
        break;
      }
      q++;
    }
    if (q == p) {
      return -1;
    }
    if (!EntryRules.isLiteral(b, p, q)) {
      return invalid(p, "not a JSON value");
    }
    return q;
  }

  private int object(int p, int depth) {
    p = skipWs(p + 1);
    if (p < end && b[p] == '}') {
      return p + 1;
    }
    while (true) {
      if (p >= end) {
        return -1;
      }
      if (b[p] != '"') {
        return invalid(p, "expected a field name");
      }
      p = skipString(p + 1);
      if (p < 0) {
        return p;
      }
      p = skipWs(p);
      if (p >= end) {
        return -1;
      }
      if (b[p] != ':') {
        return invalid(p, "expected ':' after a field name");
      }
      p = skipWs(p + 1);
      if (p >= end) {
        return -1;
      }
      p = value(p, depth);
      if (p < 0) {
        return p;
      }
      p = skipWs(p);
      if (p >= end) {
        return -1;
      }
      if (b[p] == '}') {
        return p + 1;
      }
      if (b[p] != ',') {
        return invalid(p, "expected ',' or '}'");
      }
      p = skipWs(p + 1);
    }
  }

  private int array(int p, int depth) {
    p = skipWs(p + 1);
    if (p < end && b[p] == ']') {
      return p + 1;
    }
    while (true) {
      if (p >= end) {
        return -1;
      }
      p = value(p, depth);
      if (p < 0) {
        return p;
      }
      p = skipWs(p);
      if (p >= end) {
        return -1;
      }
      if (b[p] == ']') {
        return p + 1;
      }
      if (b[p] != ',') {
        return invalid(p, "expected ',' or ']'");
      }
      p = skipWs(p + 1);
    }
  }

  /**
   * From just inside an opening quote, returns the position after the closing quote, -1 if the line
   * ends first, or {@link #INVALID} for a control character, a bad escape or bytes that are not
   * UTF-8. Plain text is skipped eight bytes at a time.
   */
  private int skipString(int p) {
    int from = p;
    while (true) {
      p = Swar.skipPlain(b, p, end);
      if (p >= end) {
        return -1;
      }
      int c = b[p] & 0xff;
      if (c == '"') {
        if (p - from > EntryRules.MAX_STRING) {
          longString = true;
        }
        return p + 1;
      } else if (c == '\\') {
        if (p + 1 >= end) {
          return -1;
        }
        int e = b[p + 1];
        if (e == 'u') {
          if (p + 6 > end) {
            return -1;
          }
          for (int k = p + 2; k < p + 6; k++) {
            if (Character.digit(b[k], 16) < 0) {
              return invalid(p, "a bad \\u escape in a string");
            }
          }
          p += 6;
        } else if (e == '"' || e == '\\' || e == '/' || e == 'b' || e == 'f' || e == 'n' || e == 'r'
            || e == 't') {
          p += 2;
        } else {
          return invalid(p, "a bad escape in a string");
        }
      } else if (c < 0x20) {
        return invalid(
            p, String.format("a control character (U+%04X) in a string; it must be escaped", c));
      } else if (c >= 0x80) {
        int n = EntryRules.utf8Length(b, p, end);
        if (n <= 0) {
          return invalid(p, "bytes that are not UTF-8 (or an overlong or surrogate form)");
        }
        p += n;
      } else {
        p++;
      }
    }
  }

  /** The position of the first {@code '\n'} in {@code b[from, to)}, or -1. */
  static int indexOfNewline(byte[] b, int from, int to) {
    final long pattern = Swar.ONES * '\n';
    int i = from;
    for (; i + 8 <= to; i += 8) {
      long x = (long) Swar.LONGS.get(b, i) ^ pattern;
      long t = (x - Swar.ONES) & ~x & Swar.HIGHS;
      if (t != 0) {
        return i + (Long.numberOfTrailingZeros(t) >>> 3);
      }
    }
    for (; i < to; i++) {
      if (b[i] == '\n') {
        return i;
      }
    }
    return -1;
  }

  private static byte[] ascii(String s) {
    return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  }
}
