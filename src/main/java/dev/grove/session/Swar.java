package dev.grove.session;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Byte searches eight bytes at a time (SIMD within a register), shared by the readers of a line:
 * the index scan ({@link LineScanner}) and the lean decoder ({@link EntryDecoder}).
 */
final class Swar {
  static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  static final long ONES = 0x0101010101010101L;
  static final long HIGHS = 0x8080808080808080L;
  private static final long QUOTES = ONES * '"';
  private static final long BACKSLASHES = ONES * '\\';
  private static final long SPACES = ONES * 0x20;

  private Swar() {}

  /**
   * Inside a JSON string, skips plain text eight bytes at a time: returns the position of the first
   * byte in the first word that holds a quote, a backslash, a control character or a byte of 0x80
   * and above; or, when no whole word before {@code end} holds one, where the last whole word ended
   * (the caller goes on a byte at a time from there).
   */
  static int skipPlain(byte[] b, int i, int end) {
    while (i + 8 <= end) {
      long w = (long) LONGS.get(b, i);
      long q = w ^ QUOTES;
      long s = w ^ BACKSLASHES;
      long special = ((q - ONES) & ~q | (s - ONES) & ~s | (w - SPACES) & ~w | w) & HIGHS;
      if (special != 0) {
        return i + (Long.numberOfTrailingZeros(special) >>> 3);
      }
      i += 8;
    }
    return i;
  }
}
