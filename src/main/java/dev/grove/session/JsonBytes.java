package dev.grove.session;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * Strict JSON read straight from a line's bytes, without a tree: the pieces of grove's lean decoder
 * ({@code EntryDecoder}) that another decoder of JSON lines can build on (a dialect's decoder of
 * another tool's messages, {@link Dialect#decode}). Every value read is checked as a strict parser
 * checks it (strict UTF-8, no control characters in strings, JSON's number grammar), and anything
 * unusual — an escaped field name, a lone surrogate, very deep nesting, a very long string or
 * number — throws {@link Unhandled}, so the caller leaves the line to its full parser.
 *
 * <p>A subclass reads one line at a time ({@link #reset}); not thread-safe.
 */
public abstract class JsonBytes {

  /** Nesting deeper than this is left to the full parser (which allows 1,000). */
  private static final int MAX_DEPTH = 200;

  /** Longer strings are left to the full parser (which allows 20,000,000 characters). */
  protected static final int MAX_STRING_BYTES = EntryRules.MAX_STRING;

  /** Longer field names are left to the full parser (which allows 50,000 characters). */
  private static final int MAX_NAME_BYTES = 50_000;

  /** Longer numbers are left to the full parser (which allows 1,000 digits). */
  private static final int MAX_NUMBER = 100;

  /** The line holds something this decoder leaves to the full parser. Carries no stack. */
  public static final class Unhandled extends Exception {
    private static final Unhandled INSTANCE = new Unhandled();

    private Unhandled() {
      super("left to the full parser", null, false, false);
    }
  }

  protected static final Unhandled UNHANDLED = Unhandled.INSTANCE;

  /** The line being read is {@code b[start, end)}. */
  protected byte[] b;

  protected int start;
  protected int end;

  /** Where the last value read ended. */
  protected int pos;

  /** Whether the last string scanned held an escape. */
  protected boolean escaped;

  /** The key of the member {@link #fieldValue} last read: where it starts, and its length. */
  protected int keyStart;

  protected int keyLength;

  /**
   * Whether a number read since {@link #reset} had an exponent of three digits or more: one a
   * double may not hold (another parser reads it as infinity).
   */
  protected boolean largeExponent;

  private byte[] scratch;

  protected JsonBytes() {}

  /** Starts reading the line {@code bytes[from, to)}. */
  protected final void reset(byte[] bytes, int from, int to) {
    b = bytes;
    start = from;
    end = to;
    largeExponent = false;
  }

  /**
   * The JSON object at {@code p} (already checked, ending at {@code e}) as grove's JSON printer
   * prints it: its own text when that is already compact, else re-printed.
   */
  protected final String compactObject(int p, int e) {
    String text = new String(b, p, e - p, StandardCharsets.UTF_8);
    return isCompact(p, e) ? text : reprint(text);
  }

  /**
   * Whether the JSON value at {@code p} (already checked, ending at {@code e}) is already as
   * grove's JSON printer prints it.
   */
  protected final boolean isCompact(int p, int e) {
    return Compact.check(b, p, e);
  }

  /** A JSON value's text (already checked) as grove's JSON printer prints it. */
  protected static String reprint(String json) {
    return EntryCodec.reprint(json);
  }

  /** An integer in its shortest form that fits a long comfortably; else left to the full parser. */
  protected final long integer(int p) throws Unhandled {
    int e = number(p);
    int i = p;
    boolean negative = b[i] == '-';
    if (negative) {
      i++;
    }
    if (e - i > 18) {
      throw UNHANDLED;
    }
    long v = 0;
    for (int k = i; k < e; k++) {
      int d = b[k] - '0';
      if (d < 0 || d > 9) {
        throw UNHANDLED; // a fraction or an exponent
      }
      v = v * 10 + d;
    }
    pos = e;
    return negative ? -v : v;
  }

  // ---------------------------------------------------------------- values

  /** A string, or null for JSON null; anything else is left to the full parser. */
  protected final String optString(int p) throws Unhandled {
    if (b[p] == '"') {
      return string(p);
    }
    if (isLiteral(p, "null")) {
      pos = p + 4;
      return null;
    }
    throw UNHANDLED;
  }

  /**
   * A string value; anything else is left to the full parser. Checked and unescaped in one pass:
   * plain runs are found eight bytes at a time and copied whole; once an escape is met, the text is
   * built in a buffer kept for the next string.
   */
  protected final String string(int p) throws Unhandled {
    if (b[p] != '"') {
      throw UNHANDLED;
    }
    int i = p + 1;
    int run = i; // start of the plain bytes not yet copied
    byte[] out = null; // the unescaped text, once there is an escape
    int n = 0;
    boolean high = false;
    while (true) {
      i = Swar.skipPlain(b, i, end);
      if (i >= end) {
        throw UNHANDLED;
      }
      int c = b[i] & 0xff;
      if (c == '"') {
        pos = i + 1;
        if (i - p - 1 > MAX_STRING_BYTES) {
          throw UNHANDLED;
        }
        java.nio.charset.Charset cs = high ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1;
        if (out == null) {
          return new String(b, p + 1, i - p - 1, cs);
        }
        System.arraycopy(b, run, out, n, i - run);
        n += i - run;
        return new String(out, 0, n, cs);
      } else if (c == '\\') {
        if (out == null) {
          out = scratch;
          if (out == null || out.length < end - p) {
            out = scratch = new byte[Math.max(256, end - p)]; // unescaping never lengthens
          }
        }
        System.arraycopy(b, run, out, n, i - run);
        n += i - run;
        if (i + 1 >= end) {
          throw UNHANDLED;
        }
        byte x = b[i + 1];
        i += 2;
        switch (x) {
          case 'n' -> out[n++] = '\n';
          case 't' -> out[n++] = '\t';
          case '"', '\\', '/' -> out[n++] = x;
          case 'r' -> out[n++] = '\r';
          case 'b' -> out[n++] = '\b';
          case 'f' -> out[n++] = '\f';
          case 'u' -> {
            int cp = hex4(i);
            i += 4;
            if (Character.isSurrogate((char) cp)) {
              // a pair becomes one code point; a lone surrogate has no UTF-8 form
              if (!Character.isHighSurrogate((char) cp)
                  || i + 6 > end
                  || b[i] != '\\'
                  || b[i + 1] != 'u') {
                throw UNHANDLED;
              }
              int low = hex4(i + 2);
              if (!Character.isLowSurrogate((char) low)) {
                throw UNHANDLED;
              }
              cp = Character.toCodePoint((char) cp, (char) low);
              i += 6;
            }
            high |= cp >= 0x80;
            n = putUtf8(out, n, cp);
          }
          default -> throw UNHANDLED;
        }
        run = i;
      } else if (c < 0x20) {
        throw UNHANDLED;
      } else if (c >= 0x80) {
        high = true;
        i = utf8(i, c);
      } else {
        i++;
      }
    }
  }

  /** {@code true} or {@code false}; anything else is left to the full parser. */
  protected final boolean bool(int p) throws Unhandled {
    if (isLiteral(p, "true")) {
      pos = p + 4;
      return true;
    }
    if (isLiteral(p, "false")) {
      pos = p + 5;
      return false;
    }
    throw UNHANDLED;
  }

  /** Checks the value at {@code p}, whatever it is; returns where it ends. */
  protected final int skip(int p, int depth) throws Unhandled {
    switch (b[p]) {
      case '"' -> {
        return scanString(p, MAX_STRING_BYTES);
      }
      case '{' -> {
        if (depth >= MAX_DEPTH) {
          throw UNHANDLED;
        }
        int i = ws(p + 1);
        if (i < end && b[i] == '}') {
          return i + 1;
        }
        while (true) {
          if (i >= end || b[i] != '"') {
            throw UNHANDLED;
          }
          i = ws(scanString(i, MAX_NAME_BYTES));
          if (i >= end || b[i] != ':') {
            throw UNHANDLED;
          }
          i = ws(i + 1);
          if (i >= end) {
            throw UNHANDLED;
          }
          i = ws(skip(i, depth + 1));
          if (i < end && b[i] == ',') {
            i = ws(i + 1);
            continue;
          }
          if (i < end && b[i] == '}') {
            return i + 1;
          }
          throw UNHANDLED;
        }
      }
      case '[' -> {
        if (depth >= MAX_DEPTH) {
          throw UNHANDLED;
        }
        int i = ws(p + 1);
        if (i < end && b[i] == ']') {
          return i + 1;
        }
        while (true) {
          if (i >= end) {
            throw UNHANDLED;
          }
          i = ws(skip(i, depth + 1));
          if (i < end && b[i] == ',') {
            i = ws(i + 1);
            continue;
          }
          if (i < end && b[i] == ']') {
            return i + 1;
          }
          throw UNHANDLED;
        }
      }
      case 't' -> {
        return literal(p, "true");
      }
      case 'f' -> {
        return literal(p, "false");
      }
      case 'n' -> {
        return literal(p, "null");
      }
      default -> {
        return number(p);
      }
    }
  }

  protected final int literal(int p, String word) throws Unhandled {
    if (!isLiteral(p, word)) {
      throw UNHANDLED;
    }
    return p + word.length();
  }

  /**
   * A number in JSON's grammar ({@code -?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?}); returns its end.
   */
  protected final int number(int p) throws Unhandled {
    int i = p;
    if (i < end && b[i] == '-') {
      i++;
    }
    if (i >= end) {
      throw UNHANDLED;
    }
    if (b[i] == '0') {
      i++;
    } else if (b[i] >= '1' && b[i] <= '9') {
      i = digits(i);
    } else {
      throw UNHANDLED;
    }
    if (i < end && b[i] == '.') {
      int d = digits(i + 1);
      if (d == i + 1) {
        throw UNHANDLED;
      }
      i = d;
    }
    if (i < end && (b[i] == 'e' || b[i] == 'E')) {
      i++;
      if (i < end && (b[i] == '+' || b[i] == '-')) {
        i++;
      }
      int d = digits(i);
      if (d == i) {
        throw UNHANDLED;
      }
      largeExponent |= d - i > 2;
      i = d;
    }
    if (i - p > MAX_NUMBER) {
      throw UNHANDLED;
    }
    return i;
  }

  private int digits(int i) {
    while (i < end && b[i] >= '0' && b[i] <= '9') {
      i++;
    }
    return i;
  }

  // ---------------------------------------------------------------- strings

  /**
   * Checks the string whose opening quote is at {@code p} and returns the position after its
   * closing quote; sets {@link #escaped}. Eight bytes at a time while they are plain printable
   * ASCII.
   */
  protected final int scanString(int p, int maxBytes) throws Unhandled {
    int i = p + 1;
    boolean esc = false;
    while (true) {
      i = Swar.skipPlain(b, i, end);
      if (i >= end) {
        throw UNHANDLED; // the line ends inside the string
      }
      int c = b[i] & 0xff;
      if (c == '"') {
        if (i - p - 1 > maxBytes) {
          throw UNHANDLED;
        }
        escaped = esc;
        return i + 1;
      } else if (c == '\\') {
        esc = true;
        i = escape(i + 1);
      } else if (c < 0x20) {
        throw UNHANDLED; // a raw control character
      } else if (c >= 0x80) {
        i = utf8(i, c);
      } else {
        i++;
      }
    }
  }

  /** Checks the escape whose letter is at {@code i}; returns the position after it. */
  private int escape(int i) throws Unhandled {
    if (i >= end) {
      throw UNHANDLED;
    }
    switch (b[i]) {
      case '"', '\\', '/', 'b', 'f', 'n', 'r', 't' -> {
        return i + 1;
      }
      case 'u' -> {
        if (i + 5 > end) {
          throw UNHANDLED;
        }
        for (int k = i + 1; k < i + 5; k++) {
          if (hex(b[k]) < 0) {
            throw UNHANDLED;
          }
        }
        return i + 5;
      }
      default -> throw UNHANDLED;
    }
  }

  /** Checks one strict UTF-8 sequence that starts with byte {@code c} at {@code i}. */
  private int utf8(int i, int c) throws Unhandled {
    int n;
    int lo = 0x80;
    int hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) {
      n = 1;
    } else if (c >= 0xe0 && c <= 0xef) {
      n = 2;
      if (c == 0xe0) {
        lo = 0xa0; // no overlong forms
      } else if (c == 0xed) {
        hi = 0x9f; // no surrogates
      }
    } else if (c >= 0xf0 && c <= 0xf4) {
      n = 3;
      if (c == 0xf0) {
        lo = 0x90;
      } else if (c == 0xf4) {
        hi = 0x8f; // nothing above U+10FFFF
      }
    } else {
      throw UNHANDLED;
    }
    if (i + n >= end) {
      throw UNHANDLED;
    }
    int c1 = b[i + 1] & 0xff;
    if (c1 < lo || c1 > hi) {
      throw UNHANDLED;
    }
    for (int k = 2; k <= n; k++) {
      int ck = b[i + k] & 0xff;
      if (ck < 0x80 || ck > 0xbf) {
        throw UNHANDLED;
      }
    }
    return i + n + 1;
  }

  private static int putUtf8(byte[] out, int n, int cp) {
    if (cp < 0x80) {
      out[n++] = (byte) cp;
    } else if (cp < 0x800) {
      out[n++] = (byte) (0xc0 | cp >> 6);
      out[n++] = (byte) (0x80 | cp & 0x3f);
    } else if (cp < 0x10000) {
      out[n++] = (byte) (0xe0 | cp >> 12);
      out[n++] = (byte) (0x80 | cp >> 6 & 0x3f);
      out[n++] = (byte) (0x80 | cp & 0x3f);
    } else {
      out[n++] = (byte) (0xf0 | cp >> 18);
      out[n++] = (byte) (0x80 | cp >> 12 & 0x3f);
      out[n++] = (byte) (0x80 | cp >> 6 & 0x3f);
      out[n++] = (byte) (0x80 | cp & 0x3f);
    }
    return n;
  }

  /** The four hex digits at {@code i}. */
  private int hex4(int i) throws Unhandled {
    if (i + 4 > end) {
      throw UNHANDLED;
    }
    int v = hex(b[i]) << 12 | hex(b[i + 1]) << 8 | hex(b[i + 2]) << 4 | hex(b[i + 3]);
    if (v < 0) {
      throw UNHANDLED; // a digit that is not hex (hex() gave -1, which makes v negative)
    }
    return v;
  }

  static int hex(byte c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  }

  // ---------------------------------------------------------------- helpers

  protected final int ws(int p) {
    return ws(b, p, end);
  }

  /** Where {@code b[p, end)} stops being JSON white space within a line (no newline in it). */
  static int ws(byte[] b, int p, int end) {
    while (p < end) {
      byte c = b[p];
      if (c != ' ' && c != '\t' && c != '\r') {
        return p;
      }
      p++;
    }
    return p;
  }

  /**
   * At an object's member ({@code "key": value}): notes the key (see {@link #key}) and returns
   * where its value starts; anything unusual (an escaped key, no colon) is left to the full parser.
   */
  protected final int fieldValue(int i) throws Unhandled {
    if (i >= end || b[i] != '"') {
      throw UNHANDLED;
    }
    int keyEnd = scanString(i, MAX_NAME_BYTES);
    if (escaped) {
      throw UNHANDLED;
    }
    keyStart = i + 1;
    keyLength = keyEnd - 1 - keyStart;
    i = ws(keyEnd);
    if (i >= end || b[i] != ':') {
      throw UNHANDLED;
    }
    i = ws(i + 1);
    if (i >= end) {
      throw UNHANDLED;
    }
    return i;
  }

  /** Whether the member {@link #fieldValue} is at has the key {@code ascii}. */
  protected final boolean key(String ascii) {
    return keyLength == ascii.length() && is(keyStart, ascii);
  }

  /**
   * After a member's value: the next member's start, or -1 at the object's end (with {@code pos}
   * just after it).
   */
  protected final int nextField(int i) throws Unhandled {
    i = ws(i);
    if (i < end && b[i] == ',') {
      return ws(i + 1);
    }
    if (i < end && b[i] == '}') {
      pos = i + 1;
      return -1;
    }
    throw UNHANDLED;
  }

  protected final boolean is(int at, String ascii) {
    for (int i = 0; i < ascii.length(); i++) {
      if (b[at + i] != ascii.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  protected final boolean isLiteral(int p, String word) {
    return p + word.length() <= end && is(p, word);
  }

  // ---------------------------------------------------------------- times

  /** A time as {@link Instant#parse} reads it, or null when it reads none. */
  static Instant instant(String text) {
    byte[] ascii = text.getBytes(StandardCharsets.UTF_8);
    return instant(ascii, 0, ascii.length);
  }

  /**
   * The time in {@code b[s, e)}, as {@link Instant#parse} reads it, or null when it reads none. The
   * form grove and most tools write ({@code 2026-11-24T12:00:03.120Z}: seconds, up to nine digits
   * of fraction, UTC) is read here directly; any other goes to {@link Instant#parse}.
   */
  protected static Instant instant(byte[] b, int s, int e) {
    int len = e - s;
    if (len >= 20
        && len <= 30
        && b[s + 4] == '-'
        && b[s + 7] == '-'
        && b[s + 10] == 'T'
        && b[s + 13] == ':'
        && b[s + 16] == ':'
        && b[e - 1] == 'Z') {
      int year = decimal(b, s, 4);
      int month = decimal(b, s + 5, 2);
      int day = decimal(b, s + 8, 2);
      int hour = decimal(b, s + 11, 2);
      int minute = decimal(b, s + 14, 2);
      int second = decimal(b, s + 17, 2);
      int nanos = 0;
      boolean ok = year >= 0 && month >= 1 && month <= 12 && day >= 1;
      ok &= hour >= 0 && hour <= 23 && minute >= 0 && minute <= 59 && second >= 0 && second <= 59;
      if (ok && len > 20) {
        int fraction = len - 21; // "….f…fZ"
        ok = b[s + 19] == '.' && fraction >= 1 && fraction <= 9;
        if (ok) {
          nanos = decimal(b, s + 20, fraction);
          ok = nanos >= 0;
          for (int k = fraction; k < 9; k++) {
            nanos *= 10;
          }
        }
      }
      if (ok && day <= lengthOfMonth(year, month)) {
        long days = epochDay(year, month, day);
        return Instant.ofEpochSecond(days * 86_400 + hour * 3600L + minute * 60L + second, nanos);
      }
    }
    try {
      return Instant.parse(new String(b, s, len, StandardCharsets.UTF_8));
    } catch (DateTimeParseException ex) {
      return null;
    }
  }

  /** The decimal number in {@code b[s, s + n)}, or -1 if a byte is not a digit. */
  private static int decimal(byte[] b, int s, int n) {
    int v = 0;
    for (int i = s; i < s + n; i++) {
      int d = b[i] - '0';
      if (d < 0 || d > 9) {
        return -1;
      }
      v = v * 10 + d;
    }
    return v;
  }

  private static int lengthOfMonth(int year, int month) {
    return switch (month) {
      case 2 -> (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28;
      case 4, 6, 9, 11 -> 30;
      default -> 31;
    };
  }

  /** Days since 1970-01-01 of a proleptic Gregorian date (as {@code LocalDate.toEpochDay}). */
  private static long epochDay(int year, int month, int day) {
    long y = year;
    long total = 365 * y;
    total += (y + 3) / 4 - (y + 99) / 100 + (y + 399) / 400;
    total += (367L * month - 362) / 12;
    total += day - 1;
    if (month > 2) {
      total--;
      if (!(year % 4 == 0 && (year % 100 != 0 || year % 400 == 0))) {
        total--;
      }
    }
    return total - 719_528; // days from 0000-01-01 to 1970-01-01
  }
}
