package dev.grove.session;

import java.nio.charset.StandardCharsets;

/** Grove's own decoding of one line, for tests outside this package. */
public final class GroveLine {
  private GroveLine() {}

  /**
   * The entry grove reads from {@code line}.
   *
   * @throws IllegalArgumentException saying what is wrong with a bad line
   */
  public static Entry decode(String line, int lineNo) {
    byte[] b = line.getBytes(StandardCharsets.UTF_8);
    try {
      return EntryCodec.decode(b, 0, b.length, lineNo);
    } catch (EntryCodec.BadLine e) {
      throw new IllegalArgumentException(e.getMessage());
    }
  }
}
