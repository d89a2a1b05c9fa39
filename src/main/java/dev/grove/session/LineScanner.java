package dev.grove.session;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Scans one line of a session file without building it: checks that it is a single JSON object and
 * finds the few top-level string fields the index needs (type, id, parentId, lane, role) as byte
 * ranges, skipping every other value. It allocates nothing; string contents are skipped eight bytes
 * at a time. Escape sequences in a wanted field, rare in practice, are reported so the caller can
 * take the slow path and let a real JSON parser decode the line.
 *
 * <p>It checks structure, not every detail of JSON (number syntax, escape validity, control
 * characters in strings); {@code grove session validate} parses every line fully for that.
 */
final class LineScanner {
  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long ONES = 0x0101010101010101L;
  private static final long HIGHS = 0x8080808080808080L;
  private static final long QUOTES = ONES * '"';
  private static final long BACKSLASHES = ONES * '\\';

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

  /** parentId was present with the value null (a root). */
  boolean parentNull;

  boolean contextRoot;

  /**
   * A wanted field held an escape sequence or a non-string value: decode the line with a real
   * parser.
   */
  boolean needsFullParse;

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
    typeStart = idStart = parentStart = laneStart = roleStart = -1;
    parentNull = contextRoot = needsFullParse = false;
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
    return null;
  }

  private String fail(int at, int start, String message) {
    errorAt = at - start;
    return message;
  }

  private void record(int keyStart, int keyEnd, int valueStart, int valueEnd) {
    int len = keyEnd - keyStart;
    boolean isString = b[valueStart] == '"';
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
    while (p < end) {
      byte c = b[p];
      if (c != ' ' && c != '\t' && c != '\r') {
        return p;
      }
      p++;
    }
    return p;
  }

  /** Skips one value starting at p; returns the position after it, or -1 if the line ends first. */
  private int skipValue(int p) {
    byte c = b[p];
    if (c == '"') {
      return skipString(p + 1);
    }
    if (c == '{' || c == '[') {
      return skipNested(p);
    }
    int q = p;
    while (q < end) {
      byte d = b[q];
      if (d == ',' || d == '}' || d == ']' || d == ' ' || d == '\t' || d == '\r') {
        break;
      }
      q++;
    }
    return q == p ? -1 : q;
  }

  private int skipNested(int p) {
    int depth = 0;
    while (p < end) {
      byte c = b[p];
      if (c == '"') {
        p = skipString(p + 1);
        if (p < 0) {
          return -1;
        }
        continue;
      }
      if (c == '{' || c == '[') {
        depth++;
      } else if (c == '}' || c == ']') {
        depth--;
        if (depth == 0) {
          return p + 1;
        }
      }
      p++;
    }
    return -1;
  }

  /** From just inside an opening quote, returns the position after the closing quote, or -1. */
  private int skipString(int p) {
    while (true) {
      while (p + 8 <= end) {
        long word = (long) LONGS.get(b, p);
        long q = word ^ QUOTES;
        long s = word ^ BACKSLASHES;
        long hit = ((q - ONES) & ~q | (s - ONES) & ~s) & HIGHS;
        if (hit != 0) {
          p += Long.numberOfTrailingZeros(hit) >>> 3;
          break;
        }
        p += 8;
      }
      while (p < end && b[p] != '"' && b[p] != '\\') {
        p++;
      }
      if (p >= end) {
        return -1;
      }
      if (b[p] == '"') {
        return p + 1;
      }
      p += 2; // a backslash and the character it escapes
      if (p > end) {
        return -1;
      }
    }
  }

  /** The position of the first {@code '\n'} in {@code b[from, to)}, or -1. */
  static int indexOfNewline(byte[] b, int from, int to) {
    final long pattern = ONES * '\n';
    int i = from;
    for (; i + 8 <= to; i += 8) {
      long x = (long) LONGS.get(b, i) ^ pattern;
      long t = (x - ONES) & ~x & HIGHS;
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
