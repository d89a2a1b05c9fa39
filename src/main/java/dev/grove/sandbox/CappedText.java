package dev.grove.sandbox;

import java.util.Locale;
import java.util.Objects;

/**
 * One output stream of a command, capped: its first and last bytes kept, the middle cut, and how
 * many bytes were cut. When nothing was cut {@code head} holds the whole text and {@code tail} is
 * empty. Invalid UTF-8 is replaced, and no character is split at either edge of the cut.
 *
 * @param head the beginning of the output
 * @param cutBytes how many bytes of the middle were dropped (0 when nothing was)
 * @param tail the end of the output (empty when nothing was cut)
 */
public record CappedText(String head, long cutBytes, String tail) {
  public CappedText {
    Objects.requireNonNull(head, "head");
    Objects.requireNonNull(tail, "tail");
    if (cutBytes < 0) {
      throw new IllegalArgumentException("cutBytes must not be negative, got " + cutBytes);
    }
    if (cutBytes == 0 && !tail.isEmpty()) {
      throw new IllegalArgumentException("a tail without a cut: put the whole text in head");
    }
  }

  /** Text that was not cut. */
  public static CappedText of(String text) {
    return new CappedText(text, 0, "");
  }

  public boolean truncated() {
    return cutBytes > 0;
  }

  /** The output as one string; where bytes were cut, a line that says how many. */
  public String text() {
    if (!truncated()) {
      return head;
    }
    String gap = head.isEmpty() || head.endsWith("\n") ? "" : "\n";
    return head + gap + String.format(Locale.ROOT, "[… %,d bytes cut …]%n", cutBytes) + tail;
  }
}
