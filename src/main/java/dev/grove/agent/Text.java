package dev.grove.agent;

/**
 * Caps text sent to a model: the head and the tail are kept, and the cut says how much is missing.
 */
final class Text {
  private Text() {}

  static String cap(String s, int max) {
    if (s.length() <= max) {
      return s;
    }
    int head = max * 2 / 3;
    int tail = max - head;
    // never between the two halves of a surrogate pair: a lone half cannot be written to the
    // session
    if (head > 0 && Character.isHighSurrogate(s.charAt(head - 1))) {
      head--;
    }
    if (tail > 0 && Character.isLowSurrogate(s.charAt(s.length() - tail))) {
      tail--;
    }
    long cut = (long) s.length() - head - tail;
    return s.substring(0, head)
        + "\n[… "
        + cut
        + " characters cut; showing the first "
        + head
        + " and the last "
        + tail
        + " …]\n"
        + s.substring(s.length() - tail);
  }
}
