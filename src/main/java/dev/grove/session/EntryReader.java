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
 * the file are read with one read of the span that holds them.
 */
final class EntryReader {
  private static final int SPAN = 1 << 20;

  private EntryReader() {}

  static final class Bad extends Exception {
    final Problem problem;

    Bad(Problem problem) {
      super(problem.toString(), null, false, false);
      this.problem = problem;
    }
  }

  /** Entries for parallel arrays of offsets, lengths and line numbers, in the order given. */
  static List<Entry> read(ReadChannel ch, long[] offs, int[] lens, int[] lines)
      throws IOException, Bad {
    int n = offs.length;
    Integer[] order = IntStream.range(0, n).boxed().toArray(Integer[]::new);
    boolean sorted = true;
    for (int i = 1; i < n && sorted; i++) {
      sorted = offs[i - 1] <= offs[i];
    }
    if (!sorted) {
      Arrays.sort(order, Comparator.comparingLong(i -> offs[i]));
    }
    Entry[] out = new Entry[n];
    byte[] buf = new byte[0];
    int i = 0;
    while (i < n) {
      long from = offs[order[i]];
      long to = from + lens[order[i]];
      int j = i + 1;
      while (j < n && offs[order[j]] + lens[order[j]] - from <= SPAN) {
        to = Math.max(to, offs[order[j]] + lens[order[j]]);
        j++;
      }
      int span = (int) (to - from);
      if (buf.length < span) {
        buf = new byte[Math.max(span, Math.min(SPAN, buf.length * 2))];
      }
      int got = ch.readFully(ByteBuffer.wrap(buf, 0, span), from);
      for (int k = i; k < j; k++) {
        int e = order[k];
        int s = (int) (offs[e] - from);
        if (s + lens[e] > got) {
          throw new Bad(
              new Problem(lines[e], "the entry is no longer in the file (was it truncated?)"));
        }
        try {
          out[e] = EntryCodec.decode(buf, s, s + lens[e], lines[e]);
        } catch (EntryCodec.BadLine bad) {
          throw new Bad(new Problem(lines[e], bad.getMessage()));
        }
      }
      i = j;
    }
    return new ArrayList<>(Arrays.asList(out));
  }
}
