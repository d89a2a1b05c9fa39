package dev.grove.session;

/** Lane names: what makes one valid. */
final class Lanes {
  private Lanes() {}

  static void check(String lane) {
    if (lane.isEmpty() || lane.length() > 100) {
      throw new IllegalArgumentException("lane name must be 1 to 100 characters: '" + lane + "'");
    }
    for (int i = 0; i < lane.length(); i++) {
      char c = lane.charAt(i);
      if (Character.isISOControl(c) || Character.isWhitespace(c)) {
        throw new IllegalArgumentException(
            "lane name must not contain spaces or control characters: '" + lane + "'");
      }
    }
  }
}
