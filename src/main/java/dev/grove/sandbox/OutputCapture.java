package dev.grove.sandbox;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Keeps the first and the last bytes of a stream and counts the rest, in memory bounded by the cap
 * however much is written. Reading never stops early: a writer that is not drained would block on a
 * full pipe. Safe for one writer and any number of readers of {@link #text()}.
 */
final class OutputCapture {
  private final byte[] head;
  private final byte[] ring;
  private int headLength;

  /** Bytes that went past the head, all of them; the ring holds the last {@code ring.length}. */
  private long ringWritten;

  OutputCapture(int maxBytes) {
    if (maxBytes < 2) {
      throw new IllegalArgumentException("the cap must be at least 2 bytes, got " + maxBytes);
    }
    this.head = new byte[maxBytes - maxBytes / 2];
    this.ring = new byte[maxBytes / 2];
  }

  /** Reads {@code in} to its end. */
  void drain(InputStream in) throws IOException {
    byte[] buffer = new byte[64 << 10];
    int n;
    while ((n = in.read(buffer)) >= 0) {
      write(buffer, 0, n);
    }
  }

  synchronized void write(byte[] b, int off, int len) {
    int toHead = Math.min(len, head.length - headLength);
    System.arraycopy(b, off, head, headLength, toHead);
    headLength += toHead;
    off += toHead;
    len -= toHead;
    if (len == 0) {
      return;
    }
    if (len > ring.length) {
      // only the last ring.length bytes can survive
      ringWritten += len - ring.length;
      off += len - ring.length;
      len = ring.length;
    }
    int pos = (int) (ringWritten % ring.length);
    int first = Math.min(len, ring.length - pos);
    System.arraycopy(b, off, ring, pos, first);
    System.arraycopy(b, off + first, ring, 0, len - first);
    ringWritten += len;
  }

  synchronized CappedText text() {
    int kept = (int) Math.min(ringWritten, ring.length);
    byte[] tail = new byte[kept];
    int start = (int) ((ringWritten - kept) % ring.length);
    int first = Math.min(kept, ring.length - start);
    System.arraycopy(ring, start, tail, 0, first);
    System.arraycopy(ring, 0, tail, first, kept - first);
    long cut = ringWritten - kept;
    if (cut == 0) {
      byte[] all = new byte[headLength + kept];
      System.arraycopy(head, 0, all, 0, headLength);
      System.arraycopy(tail, 0, all, headLength, kept);
      return CappedText.of(decode(all, 0, all.length));
    }
    // Never split a character at the cut: its pieces count as cut.
    int headEnd = completeUtf8Prefix(head, headLength);
    int tailStart = continuationBytes(tail);
    return new CappedText(
        decode(head, 0, headEnd),
        cut + (headLength - headEnd) + tailStart,
        decode(tail, tailStart, kept - tailStart));
  }

  /**
   * The length of the longest prefix of {@code b[0, len)} that does not end inside a UTF-8
   * sequence.
   */
  static int completeUtf8Prefix(byte[] b, int len) {
    for (int i = len - 1; i >= Math.max(0, len - 3); i--) {
      int c = b[i] & 0xff;
      if (c < 0x80) {
        return len;
      }
      if (c >= 0xc0) {
        int size = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
        return i + size <= len ? len : i;
      }
    }
    return len;
  }

  /** How many UTF-8 continuation bytes (at most 3) {@code b} starts with. */
  static int continuationBytes(byte[] b) {
    int i = 0;
    while (i < Math.min(3, b.length) && (b[i] & 0xc0) == 0x80) {
      i++;
    }
    return i;
  }

  /** Decodes UTF-8, replacing what is not (binary output). */
  private static String decode(byte[] b, int off, int len) {
    return new String(b, off, len, StandardCharsets.UTF_8);
  }
}
