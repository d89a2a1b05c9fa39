package dev.grove.session;

/**
 * What makes a line a valid entry, in one place (docs/session-format.md, "Valid lines"). Every
 * reader applies it — the index-only scan of {@code open}, {@code leaves} and {@code show} through
 * the {@link LineScanner}, the decoders behind {@code tree}, {@code context} and {@code validate}
 * through {@link EntryCodec} — and the writer checks each line against it before the line reaches
 * the disk, so grove never writes what it would refuse to read.
 *
 * <ul>
 *   <li>the line is UTF-8: no overlong forms, no surrogates, nothing above U+10FFFF;
 *   <li>it is one JSON object (RFC 8259): no raw control characters in strings, valid escapes,
 *       literals and numbers as the grammar says, nested at most {@link #MAX_DEPTH} levels;
 *   <li>no string is longer than {@link #MAX_STRING} characters;
 *   <li>the fields grove knows hold values of their kind (id a non-empty string, lane a lane name,
 *       content a string or null, …); see {@link EntryCodec#decodeFully}.
 * </ul>
 */
final class EntryRules {
  private EntryRules() {}

  /** The deepest nesting of objects and arrays a line may have, the line's own object included. */
  static final int MAX_DEPTH = 500;

  /** The longest string value, in UTF-16 characters (what Java and JavaScript strings count). */
  static final int MAX_STRING = 20_000_000;

  /**
   * The length of the UTF-8 sequence starting at {@code b[p]} (a byte of 0x80 or more), or 0 when
   * it is not well-formed UTF-8 (RFC 3629): a stray continuation byte, an overlong form, a
   * surrogate, a code point above U+10FFFF, or a sequence cut short.
   */
  static int utf8Length(byte[] b, int p, int end) {
    int c = b[p] & 0xff;
    int n;
    int lo = 0x80;
    int hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) {
      n = 2;
    } else if (c >= 0xe0 && c <= 0xef) {
      n = 3;
      if (c == 0xe0) {
        lo = 0xa0; // below is overlong
      } else if (c == 0xed) {
        hi = 0x9f; // above are surrogates
      }
    } else if (c >= 0xf0 && c <= 0xf4) {
      n = 4;
      if (c == 0xf0) {
        lo = 0x90; // below is overlong
      } else if (c == 0xf4) {
        hi = 0x8f; // above is past U+10FFFF
      }
    } else {
      return 0;
    }
    if (p + n > end) {
      return 0;
    }
    int second = b[p + 1] & 0xff;
    if (second < lo || second > hi) {
      return 0;
    }
    for (int k = p + 2; k < p + n; k++) {
      int d = b[k] & 0xff;
      if (d < 0x80 || d > 0xbf) {
        return 0;
      }
    }
    return n;
  }

  /** Whether {@code b[from, to)} is a JSON literal: true, false, null or a number. */
  static boolean isLiteral(byte[] b, int from, int to) {
    int len = to - from;
    if (is(b, from, len, "true") || is(b, from, len, "false") || is(b, from, len, "null")) {
      return true;
    }
    int i = from;
    if (i < to && b[i] == '-') {
      i++;
    }
    if (i >= to) {
      return false;
    }
    if (b[i] == '0') {
      i++;
    } else if (b[i] >= '1' && b[i] <= '9') {
      while (i < to && b[i] >= '0' && b[i] <= '9') {
        i++;
      }
    } else {
      return false;
    }
    if (i < to && b[i] == '.') {
      int digits = ++i;
      while (i < to && b[i] >= '0' && b[i] <= '9') {
        i++;
      }
      if (i == digits) {
        return false;
      }
    }
    if (i < to && (b[i] == 'e' || b[i] == 'E')) {
      i++;
      if (i < to && (b[i] == '+' || b[i] == '-')) {
        i++;
      }
      int digits = i;
      while (i < to && b[i] >= '0' && b[i] <= '9') {
        i++;
      }
      if (i == digits) {
        return false;
      }
    }
    return i == to;
  }

  /**
   * Whether {@code b[key, key + len)} names a field grove reads whose value, starting with the byte
   * {@code first}, is of the wrong kind (a number for content, a string for isError, …).
   */
  static boolean typedField(byte[] b, int key, int len, byte first) {
    boolean isNull = first == 'n';
    return switch (len) {
      case 2 -> is(b, key, len, "ts") && first != '"';
      case 4 -> is(b, key, len, "kind") && first != '"' || is(b, key, len, "toId") && first != '"';
      case 5 ->
          is(b, key, len, "model") && first != '"'
              || is(b, key, len, "label") && first != '"' && !isNull
              || is(b, key, len, "usage") && first != '{' && !isNull;
      case 6 -> is(b, key, len, "fromId") && first != '"';
      case 7 ->
          is(b, key, len, "content") && first != '"' && !isNull
              || is(b, key, len, "isError") && first != 't' && first != 'f'
              || is(b, key, len, "summary") && first != '"';
      case 8 -> is(b, key, len, "targetId") && first != '"';
      case 9 -> is(b, key, len, "toolCalls") && first != '[' && !isNull;
      case 10 ->
          is(b, key, len, "toolCallId") && first != '"'
              || is(b, key, len, "checkpoint") && first != '"';
      case 11 -> is(b, key, len, "contextRoot") && first != 't' && first != 'f';
      default -> false;
    };
  }

  private static boolean is(byte[] b, int at, int len, String ascii) {
    if (len != ascii.length()) {
      return false;
    }
    for (int i = 0; i < len; i++) {
      if (b[at + i] != ascii.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Checks a line the writer is about to append ({@code line} ends with its newline) against the
   * rules, exactly as a reader will: scanned, then decoded in full.
   *
   * @throws SessionException.InvalidAppend saying what is wrong
   */
  static void checkForWriting(byte[] line, String what) {
    int to = line.length - 1;
    String error = new LineScanner().scan(line, 0, to);
    if (error == null) {
      try {
        EntryCodec.decode(line, 0, to, 0);
        return;
      } catch (EntryCodec.BadLine bad) {
        error = bad.getMessage();
      }
    }
    throw new SessionException.InvalidAppend(
        "cannot append "
            + what
            + ": grove could not read it back ("
            + error
            + "); nothing was written");
  }
}
