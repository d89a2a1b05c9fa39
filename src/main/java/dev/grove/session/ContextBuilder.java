package dev.grove.session;

import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.RandomAccess;
import java.util.function.Function;

/**
 * Builds a model's context from a path of entries: messages in order, summaries applied. One walk
 * from the end of the path, linear in its length, using only the index (plus the few summaries on
 * the path, which are read to learn what they cover). The messages themselves are read from disk
 * when the returned list is accessed, a chunk at a time, so resolving a context of any depth is
 * cheap and iterating it holds one chunk of content at a time.
 */
final class ContextBuilder {
  static final String COMPACTION_PREFIX =
      "Summary of the conversation so far (earlier messages were compacted):\n\n";
  static final String BRANCH_PREFIX =
      "Summary of an earlier attempt from this point, which was abandoned:\n\n";

  /** A chunk of the context holds at most this many bytes of lines (or one longer line)… */
  static final int CHUNK_BYTES = EntryReader.SPAN;

  /** …and at most this many messages. */
  static final int CHUNK_ENTRIES = 8192;

  private ContextBuilder() {}

  /** What the index says about the entries of a path, copied under one read lock. */
  record PathInfo(int[] path, byte[] kinds, byte[] roles, int[] lengths) {}

  /**
   * How many chunks past the one being read are read ahead, on other threads, while a context is
   * walked in order: none on a single core, else two (one for each of two cores to decode while the
   * caller works on the current chunk).
   */
  static final int READ_AHEAD = Runtime.getRuntime().availableProcessors() > 1 ? 2 : 0;

  /** The threads that read ahead. */
  private static final class Ahead {
    static final java.util.concurrent.ExecutorService POOL = daemons("grove-read-ahead-");
  }

  /**
   * A pool of {@link #READ_AHEAD} threads (at least one) named {@code name} and a number: daemons,
   * started when first needed, idle ones let go.
   */
  static java.util.concurrent.ExecutorService daemons(String name) {
    int threads = Math.max(1, READ_AHEAD);
    java.util.concurrent.ThreadPoolExecutor p =
        new java.util.concurrent.ThreadPoolExecutor(
            threads,
            threads,
            10,
            java.util.concurrent.TimeUnit.SECONDS,
            new java.util.concurrent.LinkedBlockingQueue<>(),
            Thread.ofPlatform().name(name, 0).daemon().factory());
    p.allowCoreThreadTimeOut(true);
    return p;
  }

  /**
   * @param info the path from the top of the context down to the target
   * @param reader reads entries by number; called from other threads too (to read ahead), so it
   *     must be safe for several at once
   * @param find the entry number of an id, or -1
   */
  static List<Entry> build(
      PathInfo info,
      Function<int[], List<Entry>> reader,
      java.util.function.ToIntFunction<String> find) {
    int[] path = info.path();
    int summaryCount = 0;
    for (byte k : info.kinds()) {
      if (k == EntryIndex.SUMMARY) {
        summaryCount++;
      }
    }
    int[] summaryNos = new int[summaryCount];
    for (int i = 0, s = 0; i < path.length; i++) {
      if (info.kinds()[i] == EntryIndex.SUMMARY) {
        summaryNos[s++] = path[i];
      }
    }
    List<Entry> summaries = summaryCount == 0 ? List.of() : reader.apply(summaryNos);
    // slots from the end: >= 0 an entry number to read; < 0 the summary message at -slot - 1
    int[] slots = new int[path.length];
    int[] slotLengths = new int[path.length]; // of the lines to read; 0 for made messages
    int n = 0;
    List<Entry> made = new ArrayList<>();
    int s = summaryCount - 1;
    int pendingFrom = -1;
    int pendingTo = -1;
    Entry pending = null;
    for (int pos = path.length - 1; pos >= 0; pos--) {
      if (pending != null && pos == pendingTo) {
        made.add(asMessage(pending, COMPACTION_PREFIX));
        slots[n++] = -made.size();
        pending = null;
        while (s >= 0 && summaryNos[s] >= path[pendingFrom]) {
          s--;
        }
        pos = pendingFrom;
        continue;
      }
      byte kind = info.kinds()[pos];
      if (kind == EntryIndex.MESSAGE) {
        if (info.roles()[pos] != EntryIndex.NO_ROLE) {
          slotLengths[n] = info.lengths()[pos];
          slots[n++] = path[pos];
        }
      } else if (kind == EntryIndex.SUMMARY) {
        Entry e = summaries.get(s--);
        Body.Summary sum = (Body.Summary) e.body();
        boolean compaction = sum.kind() == Body.SummaryKind.COMPACTION;
        int from = compaction ? position(path, find.applyAsInt(sum.fromId())) : -1;
        int to = compaction ? position(path, find.applyAsInt(sum.toId())) : -1;
        if (pending == null && from >= 0 && to >= from && to < pos) {
          pending = e;
          pendingFrom = from;
          pendingTo = to;
        } else {
          made.add(asMessage(e, compaction ? COMPACTION_PREFIX : BRANCH_PREFIX));
          slots[n++] = -made.size();
        }
      }
    }
    int[] ordered = new int[n];
    int[] lengths = new int[n];
    for (int i = 0; i < n; i++) {
      ordered[i] = slots[n - 1 - i];
      lengths[i] = slotLengths[n - 1 - i];
    }
    return new Lazy(ordered, chunks(lengths), made, reader);
  }

  /** Where entry number {@code no} is on the path (entry numbers increase down a path), or -1. */
  private static int position(int[] path, int no) {
    if (no < 0) {
      return -1;
    }
    int i = Arrays.binarySearch(path, no);
    return i < 0 ? -1 : i;
  }

  private static Entry asMessage(Entry summary, String prefix) {
    Body.Summary s = (Body.Summary) summary.body();
    return new Entry(
        summary.id(),
        summary.parentId(),
        summary.ts(),
        summary.lane(),
        summary.contextRoot(),
        Body.Message.of(Role.USER, prefix + s.summary()),
        summary.line());
  }

  /**
   * Where each chunk of the context starts: a new chunk when the lines read so far would pass
   * {@link #CHUNK_BYTES} or the messages {@link #CHUNK_ENTRIES}. The last element is the size.
   */
  private static int[] chunks(int[] lengths) {
    int[] starts = new int[16];
    int count = 0;
    long bytes = 0;
    int start = 0;
    for (int i = 0; i < lengths.length; i++) {
      if (i > start && (bytes + lengths[i] > CHUNK_BYTES || i - start == CHUNK_ENTRIES)) {
        if (count + 1 >= starts.length) {
          starts = Arrays.copyOf(starts, starts.length * 2);
        }
        starts[count++] = start;
        start = i;
        bytes = 0;
      }
      bytes += lengths[i];
    }
    if (count + 2 > starts.length) {
      starts = Arrays.copyOf(starts, count + 2);
    }
    starts[count++] = start;
    starts[count++] = lengths.length;
    return Arrays.copyOf(starts, count);
  }

  /**
   * The context's messages, read a chunk at a time as they are accessed. Walked in order, the next
   * {@link #READ_AHEAD} chunks are read on other threads meanwhile; a jump elsewhere waits for
   * those reads and drops them. A read ahead that failed fails when its chunk is accessed, as the
   * read itself would have.
   */
  private static final class Lazy extends AbstractList<Entry> implements RandomAccess {
    private final int[] slots;
    private final int[] chunkStarts;
    private final List<Entry> made;
    private final Function<int[], List<Entry>> reader;
    private int chunkStart = -1;
    private int chunkEnd = -1;
    private int chunkNo = -1;
    private List<Entry> chunk = List.of();
    private final java.util.Map<Integer, java.util.concurrent.Future<List<Entry>>> ahead =
        new java.util.HashMap<>();

    Lazy(int[] slots, int[] chunkStarts, List<Entry> made, Function<int[], List<Entry>> reader) {
      this.slots = slots;
      this.chunkStarts = chunkStarts;
      this.made = made;
      this.reader = reader;
    }

    @Override
    public int size() {
      return slots.length;
    }

    @Override
    public synchronized Entry get(int i) {
      java.util.Objects.checkIndex(i, slots.length);
      int slot = slots[i];
      if (slot < 0) {
        return made.get(-slot - 1);
      }
      if (i < chunkStart || i >= chunkEnd) {
        int c = Arrays.binarySearch(chunkStarts, i);
        c = c >= 0 ? c : -c - 2;
        boolean inOrder = c == chunkNo + 1;
        chunkStart = chunkStarts[c];
        chunkEnd = chunkStarts[c + 1];
        chunkNo = c;
        chunk = List.of(); // let the old chunk go before the next is read
        java.util.concurrent.Future<List<Entry>> early = ahead.remove(c);
        if (!inOrder) {
          dropReadAhead();
        }
        List<Entry> read = early != null ? await(early) : reader.apply(nos(c));
        List<Entry> entries = new ArrayList<>(chunkEnd - chunkStart);
        for (int k = chunkStart, r = 0; k < chunkEnd; k++) {
          entries.add(slots[k] < 0 ? made.get(-slots[k] - 1) : read.get(r++));
        }
        chunk = entries;
        int chunks = chunkStarts.length - 1;
        for (int k = c + 1; k <= c + READ_AHEAD && k < chunks; k++) {
          int next = k;
          ahead.computeIfAbsent(next, x -> Ahead.POOL.submit(() -> reader.apply(nos(next))));
        }
      }
      return chunk.get(i - chunkStart);
    }

    /**
     * The entry numbers to read for chunk {@code c} (the messages made from summaries left out).
     */
    private int[] nos(int c) {
      return Arrays.stream(slots, chunkStarts[c], chunkStarts[c + 1]).filter(x -> x >= 0).toArray();
    }

    private void dropReadAhead() {
      for (java.util.concurrent.Future<List<Entry>> f : ahead.values()) {
        f.cancel(false);
        try {
          f.get(); // not interrupted: a read in progress finishes, its result is dropped
        } catch (java.util.concurrent.CancellationException
            | java.util.concurrent.ExecutionException e) {
          // dropped: this chunk is read again if it is accessed
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
      ahead.clear();
    }

    /** The chunk read ahead, or what its read threw. */
    private static List<Entry> await(java.util.concurrent.Future<List<Entry>> f) {
      boolean interrupted = false;
      try {
        while (true) {
          try {
            return f.get();
          } catch (InterruptedException e) {
            interrupted = true; // finish the read: the list is not interruptible
          }
        }
      } catch (java.util.concurrent.ExecutionException e) {
        if (e.getCause() instanceof RuntimeException r) {
          throw r;
        }
        if (e.getCause() instanceof Error err) {
          throw err;
        }
        throw new IllegalStateException(e.getCause());
      } finally {
        if (interrupted) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }
}
