package dev.grove.session.catalog;

import java.util.Locale;

/** Message text made fit for one line of a listing. */
final class Text {
  private Text() {}

  /**
   * {@code s} on one line (runs of whitespace made one space), cut to {@code max} with an ellipsis.
   */
  static String oneLine(String s, int max) {
    StringBuilder b = new StringBuilder(Math.min(s.length(), max + 1));
    boolean space = false;
    for (int i = 0; i < s.length() && b.length() <= max; i++) {
      char c = s.charAt(i);
      if (Character.isWhitespace(c) || Character.isISOControl(c)) {
        space = b.length() > 0;
      } else {
        if (space) {
          b.append(' ');
          space = false;
        }
        b.append(c);
      }
    }
    if (b.length() > max) {
      b.setLength(max - 1);
      b.append('…');
    }
    return b.toString();
  }

  /**
   * The words around the first place {@code lower} (lowercased) is in {@code text}, on one line,
   * about {@code width} characters; null when it is not there.
   */
  static String snippet(String text, String lower, int width) {
    String hay = text.toLowerCase(Locale.ROOT);
    int at = hay.indexOf(lower);
    if (at < 0) {
      return null;
    }
    if (hay.length() != text.length()) {
      text = hay; // lowercasing changed lengths (rare letters): show the lowercased text
    }
    int from = Math.max(0, at - (width - lower.length()) / 2);
    int to = Math.min(text.length(), Math.max(at + lower.length(), from + width));
    String s = oneLine(text.substring(from, to), width + 2);
    return (from > 0 ? "…" : "") + s + (to < text.length() ? "…" : "");
  }
}
