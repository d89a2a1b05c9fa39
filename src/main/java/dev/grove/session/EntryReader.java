package dev.grove.session;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Reads entries at known offsets with as few reads as possible: entries that lie close together in
 * the file (a path's entries, which are in file order with short side branches between them) are
 * read with one sequential read of the span that holds them, up to {@link #SPAN} bytes, and decoded
 * by the {@link EntryDecoder}. A reader keeps its buffer and decoder between reads, so reading a
 * long context a chunk at a time allocates little but the entries themselves. Not thread-safe.
 */
final class EntryReader {
  /** The most read at once (more only for a single longer line). */
  static final int SPAN = 4 << 20;

  private final EntryDecoder decoder = new EntryDecoder();
  private final Dialect dialect;
  private byte[] buf = new byte[0];

  /** A reader of grove's own lines, or (with a dialect) of another tool's. */
  EntryReader(Dialect dialect) {
    this.dialect = dialect;
  }

  static final class Bad extends Exception {
    final Problem problem;

    Bad(Problem problem) {
      super(problem.toString(), null, false, false);
      this.problem = problem;
    }
  }

  /** Entries for parallel arrays of offsets, lengths and line numbers, in the order given. */
  List<Entry> read(ReadChannel ch, long[] offs, int[] lens, int[] lines) throws IOException, Bad {
    int n = offs.length;
    Integer[] order = null; // null: already in file order, as a path is
    for (int i = 1; i < n && order == null; i++) {
      if (offs[i - 1] > offs[i]) {
        order = IntStream.range(0, n).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.comparingLong(k -> offs[k]));
      }
    }
    Entry[] out = new Entry[n];
    int i = 0;
    while (i < n) {
      int first = order == null ? i : order[i];
      long from = offs[first];
      long to = from + lens[first];
      int j = i + 1;
      while (j < n) {
        int k = order == null ? j : order[j];
        if (offs[k] + lens[k] - from > SPAN) {
          break;
        }
        to = Math.max(to, offs[k] + lens[k]);
        j++;
      }
      int span = (int) (to - from);
      if (buf.length < span) {
        buf = new byte[Math.max(span, Math.min(SPAN, buf.length * 2))];
      }
      int got = ch.readFully(ByteBuffer.wrap(buf, 0, span), from);
      for (int m = i; m < j; m++) {
        int e = order == null ? m : order[m];
        int s = (int) (offs[e] - from);
        if (s + lens[e] > got) {
          throw new Bad(
              new Problem(lines[e], "the entry is no longer in the file (was it truncated?)"));
        }
        try {
          out[e] =
              dialect == null
                  ? EntryCodec.decode(decoder, buf, s, s + lens[e], lines[e])
                  : EntryCodec.decodeForeign(dialect, decoder, buf, s, s + lens[e], lines[e], null);
        } catch (EntryCodec.BadLine bad) {
          throw new Bad(new Problem(lines[e], bad.getMessage()));
        }
      }
      i = j;
    }
    return new ArrayList<>(Arrays.asList(out));
  }
}
