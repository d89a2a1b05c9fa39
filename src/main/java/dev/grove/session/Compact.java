package dev.grove.session;

/**
 * Whether the text of a JSON value is already in the compact form that grove's JSON printer (and so
 * every grove writer) gives it: no space between tokens, strings escaped only where they must be
 * ({@code \" \\ \b \f \n \r \t}, other control characters as <code>&#92;u00XX</code>), integers in
 * their shortest form, no repeated field names. Such text is kept as it is; any other is
 * re-printed. Fractions and exponents count as not compact: how a printer writes a double is its
 * own affair.
 */
final class Compact {
  /** Objects with more fields than this are not checked for repeated names: re-printed instead. */
  private static final int MAX_FIELDS = 32;

  private static final int MAX_DIGITS = 18;

  private final byte[] b;
  private final int end;
  private int i;

  private Compact(byte[] b, int from, int to) {
    this.b = b;
    this.i = from;
    this.end = to;
  }

  /** {@code b[from, to)} holds one JSON value, already checked to be valid. */
  static boolean check(byte[] b, int from, int to) {
    Compact c = new Compact(b, from, to);
    return c.value() && c.i == to;
  }

  private boolean value() {
    if (i >= end) {
      return false;
    }
    return switch (b[i]) {
      case '{' -> object();
      case '[' -> array();
      case '"' -> string() >= 0;
      case 't' -> literal("true");
      case 'f' -> literal("false");
      case 'n' -> literal("null");
      default -> integer();
    };
  }

  private boolean object() {
    i++;
    if (i < end && b[i] == '}') {
      i++;
      return true;
    }
    int[] names = new int[8];
    int count = 0;
    while (true) {
      int name = i;
      int nameEnd = string();
      if (nameEnd < 0 || count == MAX_FIELDS) {
        return false;
      }
      for (int k = 0; k < count * 2; k += 2) {
        if (java.util.Arrays.equals(b, names[k], names[k + 1], b, name, nameEnd)) {
          return false; // a repeated name: the printer keeps only the last
        }
      }
      if (count * 2 == names.length) {
        names = java.util.Arrays.copyOf(names, names.length * 2);
      }
      names[count * 2] = name;
      names[count * 2 + 1] = nameEnd;
      count++;
      if (i >= end || b[i] != ':') {
        return false;
      }
      i++;
      if (!value() || i >= end) {
        return false;
      }
      if (b[i] == ',') {
        i++;
      } else if (b[i] == '}') {
        i++;
        return true;
      } else {
        return false;
      }
    }
  }

  private boolean array() {
    i++;
    if (i < end && b[i] == ']') {
      i++;
      return true;
    }
    while (true) {
      if (!value() || i >= end) {
        return false;
      }
      if (b[i] == ',') {
        i++;
      } else if (b[i] == ']') {
        i++;
        return true;
      } else {
        return false;
      }
    }
  }

  /** Checks the string at {@code i}; returns where it ends, or -1 if it is not compact. */
  private int string() {
    if (b[i] != '"') {
      return -1;
    }
    i++;
    while (i < end) {
      byte c = b[i];
      if (c == '"') {
        return ++i;
      }
      if (c != '\\') {
        i++;
        continue;
      }
      if (i + 1 >= end) {
        return -1;
      }
      switch (b[i + 1]) {
        case '"', '\\', 'b', 'f', 'n', 'r', 't' -> i += 2;
        case 'u' -> {
          // only the control characters without a short escape, in upper-case hex
          if (i + 6 > end || b[i + 2] != '0' || b[i + 3] != '0') {
            return -1;
          }
          int hi = b[i + 4];
          int lo = b[i + 5];
          boolean hexUpper = lo >= '0' && lo <= '9' || lo >= 'A' && lo <= 'F';
          if (!(hi == '0' || hi == '1') || !hexUpper) {
            return -1;
          }
          int ch = (hi - '0') << 4 | EntryDecoder.hex((byte) lo);
          if (ch == '\b' || ch == '\t' || ch == '\n' || ch == '\f' || ch == '\r') {
            return -1;
          }
          i += 6;
        }
        default -> {
          return -1; // \/ and other escapes the printer does not write
        }
      }
    }
    return -1;
  }

  private boolean literal(String word) {
    if (i + word.length() > end) {
      return false;
    }
    for (int k = 0; k < word.length(); k++) {
      if (b[i + k] != word.charAt(k)) {
        return false;
      }
    }
    i += word.length();
    return true;
  }

  private boolean integer() {
    int s = i;
    if (b[i] == '-') {
      i++;
    }
    int digits = i;
    while (i < end && b[i] >= '0' && b[i] <= '9') {
      i++;
    }
    int n = i - digits;
    if (n == 0 || n > MAX_DIGITS || (n > 1 && b[digits] == '0')) {
      return false;
    }
    if (b[s] == '-' && n == 1 && b[digits] == '0') {
      return false; // -0 is printed as 0
    }
    return i >= end || (b[i] != '.' && b[i] != 'e' && b[i] != 'E');
  }
}
