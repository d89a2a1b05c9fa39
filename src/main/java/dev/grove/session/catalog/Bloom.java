package dev.grove.session.catalog;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Which three-character sequences (trigrams) a file's lowercased message text may hold: a chain of
 * Bloom filters, so a file that grows adds to it without the text read before. A filter that is
 * {@link #FILL} full is closed and a new one twice its size opened; text is always added to the
 * last. A query may match only if one filter holds all its trigrams (a match lies in one message,
 * and a message goes into one filter). Past {@link #MAX_BITS} in all, the filter gives up and
 * answers "may match" to everything (the file is then always scanned).
 *
 * <p>Three bit positions per trigram from one 64-bit hash; at most 45% of bits set gives about 9%
 * false positives per trigram, so a query of 8 characters (6 trigrams) passes a file that does not
 * hold it about once in two million.
 */
final class Bloom {
  static final int FIRST_BITS = 1 << 13;
  static final long MAX_BITS = 1L << 26;
  private static final double FILL = 0.45;
  private static final int K = 3;

  private final List<long[]> filters;
  private int setInLast;
  private boolean saturated;

  Bloom() {
    this(new ArrayList<>(List.of(new long[FIRST_BITS / 64])), 0, false);
  }

  private Bloom(List<long[]> filters, int setInLast, boolean saturated) {
    this.filters = filters;
    this.setInLast = setInLast;
    this.saturated = saturated;
  }

  /** Adds the trigrams of {@code lower} (text already lowercased). */
  void add(String lower) {
    if (saturated) {
      return;
    }
    for (int i = 0; i + 3 <= lower.length(); i++) {
      long h = hash(lower.charAt(i), lower.charAt(i + 1), lower.charAt(i + 2));
      long[] bits = filters.get(filters.size() - 1);
      int mask = bits.length * 64 - 1;
      int h1 = (int) h;
      int h2 = (int) (h >>> 32) | 1;
      for (int k = 0; k < K; k++) {
        int bit = (h1 + k * h2) & mask;
        long word = bits[bit >>> 6];
        long m = 1L << bit;
        if ((word & m) == 0) {
          bits[bit >>> 6] = word | m;
          setInLast++;
        }
      }
      if (setInLast > bits.length * 64 * FILL) {
        grow(bits.length * 2);
      }
    }
  }

  private void grow(int words) {
    long total = (long) words * 64;
    for (long[] f : filters) {
      total += f.length * 64L;
    }
    if (total > MAX_BITS) {
      saturated = true;
      filters.clear();
      return;
    }
    filters.add(new long[words]);
    setInLast = 0;
  }

  /** Whether text holding {@code lower} (lowercased) may have been added. */
  boolean mayContain(String lower) {
    if (saturated || lower.length() < 3) {
      return true;
    }
    for (long[] bits : filters) {
      if (holdsAll(bits, lower)) {
        return true;
      }
    }
    return false;
  }

  private static boolean holdsAll(long[] bits, String lower) {
    int mask = bits.length * 64 - 1;
    for (int i = 0; i + 3 <= lower.length(); i++) {
      long h = hash(lower.charAt(i), lower.charAt(i + 1), lower.charAt(i + 2));
      int h1 = (int) h;
      int h2 = (int) (h >>> 32) | 1;
      for (int k = 0; k < K; k++) {
        int bit = (h1 + k * h2) & mask;
        if ((bits[bit >>> 6] & (1L << bit)) == 0) {
          return false;
        }
      }
    }
    return true;
  }

  /** A 64-bit mix of three UTF-16 units (MurmurHash3's finalizer). */
  private static long hash(char a, char b, char c) {
    long x = ((long) a << 32) ^ ((long) b << 16) ^ c;
    x ^= x >>> 33;
    x *= 0xff51afd7ed558ccdL;
    x ^= x >>> 33;
    x *= 0xc4ceb9fe1a85ec53L;
    x ^= x >>> 33;
    return x;
  }

  /** The bytes {@link #write} writes. */
  int bytes() {
    int n = 4 + 4 + 1;
    for (long[] f : filters) {
      n += 4 + f.length * 8;
    }
    return n;
  }

  void write(ByteBuffer out) {
    out.put((byte) (saturated ? 1 : 0));
    out.putInt(setInLast);
    out.putInt(filters.size());
    for (long[] f : filters) {
      out.putInt(f.length);
      for (long w : f) {
        out.putLong(w);
      }
    }
  }

  /**
   * @throws IllegalStateException when the bytes are no Bloom filter this class wrote
   */
  static Bloom read(ByteBuffer in) {
    boolean saturated = in.get() != 0;
    int setInLast = in.getInt();
    int n = in.getInt();
    if (n < 0 || n > 64 || (n == 0 && !saturated)) {
      throw new IllegalStateException("bad filter count " + n);
    }
    List<long[]> filters = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      int words = in.getInt();
      if (words <= 0 || Integer.bitCount(words) != 1 || words * 64L > MAX_BITS) {
        throw new IllegalStateException("bad filter size " + words);
      }
      long[] f = new long[words];
      in.asLongBuffer().get(f);
      in.position(in.position() + words * 8);
      filters.add(f);
    }
    return new Bloom(filters, setInLast, saturated);
  }
}
