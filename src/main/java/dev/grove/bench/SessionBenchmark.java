package dev.grove.bench;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.grove.session.Body;
import dev.grove.session.Draft;
import dev.grove.session.Durability;
import dev.grove.session.Entry;
import dev.grove.session.Role;
import dev.grove.session.SessionHeader;
import dev.grove.session.SessionStore;
import dev.grove.session.ToolCall;
import dev.grove.session.TreeDrawing;
import dev.grove.session.Usage;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The session store's benchmark: generates sessions of the given sizes (about 1 KB an entry, some
 * 20 KB tool outputs, a side branch every ~500 entries off one deep main line) and prints, with the
 * median and spread of several runs: open, the context of the deepest leaf (resolved, and read in
 * full), the folded tree, append throughput, and peak memory. A program, not a test: it asserts
 * nothing and prints figures.
 */
public final class SessionBenchmark {
  private static final String[] WORDS =
      ("the a of to in fix test build error file class method line code branch "
              + "agent tool call result compile fail pass return value null string list map index session tree "
              + "context model token cost commit diff patch merge worktree sandbox \"quoted\" tab\there path/to/File.java")
          .split(" ");

  private final Path dir;
  private final long seed;
  private final int runs;
  private final int appends;
  private final PrintWriter out;

  public SessionBenchmark(Path dir, long seed, int runs, int appends, PrintWriter out) {
    this.dir = dir;
    this.seed = seed;
    this.runs = runs;
    this.appends = appends;
    this.out = out;
  }

  public void run(List<Integer> sizes) throws Exception {
    Runtime rt = Runtime.getRuntime();
    out.printf(
        "grove session benchmark — %s, %d cores, max heap %d MB, seed %d, %d runs per figure%n",
        Runtime.version(), rt.availableProcessors(), rt.maxMemory() >> 20, seed, runs);
    out.flush();
    for (int size : sizes) {
      runSize(size);
    }
    appendThroughput();
    Path fresh = dir.resolve("latency.jsonl");
    SessionStore.create(fresh, "/bench").close();
    appendLatency(fresh, "a new file");
    Files.deleteIfExists(fresh);
    Files.deleteIfExists(fresh.resolveSibling(fresh.getFileName() + ".lock"));
    out.printf("peak RSS of this process: %d MB%n", peakRssMb());
    out.flush();
  }

  private void runSize(int size) throws Exception {
    Path file = dir.resolve("bench-" + size + ".jsonl");
    long t0 = System.nanoTime();
    Generated g = generate(file, size);
    double genMs = (System.nanoTime() - t0) / 1e6;
    out.printf(
        "%n== %,d entries: %,d MB, deepest leaf at depth %,d (generated in %.0f ms)%n",
        size, Files.size(file) >> 20, g.depth, genMs);
    resetPeaks();
    double[] open = new double[runs];
    double[] resolve = new double[runs];
    double[] full = new double[runs];
    double[] openPlusContext = new double[runs];
    double[] tree = new double[runs];
    long chars = 0;
    int lines = 0;
    for (int r = 0; r < runs; r++) {
      long a = System.nanoTime();
      try (SessionStore s = SessionStore.open(file)) {
        long b = System.nanoTime();
        List<Entry> ctx = s.context(g.deepest);
        long c = System.nanoTime();
        chars = 0;
        for (Entry e : ctx) {
          String content = ((Body.Message) e.body()).content();
          chars += content == null ? 0 : content.length();
        }
        long d = System.nanoTime();
        int[] count = {0};
        TreeDrawing.draw(s, new TreeDrawing.Options(null, false, true, 100), line -> count[0]++);
        long e2 = System.nanoTime();
        lines = count[0];
        open[r] = (b - a) / 1e6;
        resolve[r] = (c - b) / 1e6;
        full[r] = (d - c) / 1e6;
        openPlusContext[r] = (c - a) / 1e6;
        tree[r] = (e2 - d) / 1e6;
      }
    }
    out.println("  open                          " + stats(open));
    out.println(
        "  context of deepest leaf       "
            + stats(resolve)
            + "  (resolved; messages read on access)");
    out.println("  open + context                " + stats(openPlusContext));
    out.printf(
        "  context read in full          %s  (%,d messages, %,d MB of text)%n",
        stats(full), g.depth, chars >> 20);
    out.printf("  tree, folded                  %s  (%,d lines)%n", stats(tree), lines);
    out.printf("  peak heap while open          %d MB%n", peakHeapMb());
    out.flush();
    appendLatency(file, String.format("%,d entries", size));
    Files.deleteIfExists(file);
    Files.deleteIfExists(file.resolveSibling(file.getFileName() + ".lock"));
  }

  private record Generated(String deepest, int depth) {}

  /** Writes a session directly (no store, no fsync), the way a long run would have grown it. */
  private Generated generate(Path file, int size) throws IOException {
    SplittableRandom rnd = new SplittableRandom(seed);
    Instant t = Instant.parse("2026-01-01T00:00:00Z");
    List<String> ids = new ArrayList<>(size);
    int[] depths = new int[size];
    java.util.Set<String> used = new java.util.HashSet<>();
    String trunk = null;
    int trunkDepth = 0;
    String branchTip = null;
    int branchDepth = 0;
    int branchLeft = 0;
    String branchLane = null;
    String deepest = null;
    int deepestDepth = 0;
    SessionStore.create(
            file,
            new SessionHeader(1, "bench-" + size, t, "/bench", null),
            SessionStore.Options.defaults().withDurability(Durability.NONE))
        .close();
    try (OutputStream os =
        new BufferedOutputStream(Files.newOutputStream(file, StandardOpenOption.APPEND), 1 << 20)) {
      for (int i = 0; i < size; i++) {
        String id;
        do {
          id = String.format("%08x", rnd.nextInt());
        } while (!used.add(id));
        String parent;
        String lane;
        int depth;
        if (branchLeft == 0 && i > 0 && i % 500 == 0) {
          // a side branch from a recent trunk entry
          int back = 1 + rnd.nextInt(Math.min(50, i));
          int from = ids.size() - back;
          branchTip = ids.get(from);
          branchDepth = depths[from];
          branchLeft = 10 + rnd.nextInt(20);
          branchLane = "branch-" + (i / 500);
        }
        if (branchLeft > 0) {
          parent = branchTip;
          lane = branchLane;
          depth = branchDepth + 1;
          branchTip = id;
          branchDepth = depth;
          branchLeft--;
        } else {
          parent = trunk;
          lane = "main";
          depth = trunkDepth + 1;
          trunk = id;
          trunkDepth = depth;
        }
        ids.add(id);
        depths[i] = depth;
        if (depth > deepestDepth) {
          deepestDepth = depth;
          deepest = id;
        }
        t = t.plusMillis(250);
        Entry e = new Entry(id, parent, t, lane, false, body(rnd, i), 0);
        os.write((e.toJson() + "\n").getBytes(StandardCharsets.UTF_8));
      }
    }
    return new Generated(deepest, deepestDepth);
  }

  private static Body body(SplittableRandom rnd, int i) {
    int k = i % 3;
    if (i % 97 == 0) {
      return new Body.Event("agent.step", JsonNodeFactory.instance.objectNode().put("step", i));
    }
    if (k == 0) {
      return new Body.Message(
          Role.ASSISTANT,
          text(rnd, 100 + rnd.nextInt(500)),
          List.of(new ToolCall("call_" + i, "read_file", "{\"path\":\"src/F" + i + ".java\"}")),
          null,
          false,
          "bench-model",
          new Usage(1000 + i, 200, 0.001),
          null);
    }
    if (k == 1) {
      int len = rnd.nextInt(100) < 2 ? 20_000 : 200 + rnd.nextInt(1200);
      return Body.Message.toolResult("call_" + (i - 1), text(rnd, len), false);
    }
    return Body.Message.of(Role.USER, text(rnd, 200 + rnd.nextInt(900)));
  }

  private static String text(SplittableRandom rnd, int len) {
    StringBuilder sb = new StringBuilder(len + 16);
    while (sb.length() < len) {
      sb.append(WORDS[rnd.nextInt(WORDS.length)]).append(rnd.nextInt(12) == 0 ? '\n' : ' ');
    }
    return sb.toString();
  }

  private void appendThroughput() throws Exception {
    out.printf("%n== appends (%,d per run, ~0.5 KB each)%n", appends);
    for (Durability d : Durability.values()) {
      for (int writers : new int[] {1, 16}) {
        double[] rate = new double[runs];
        for (int r = 0; r < runs; r++) {
          rate[r] = appendRun(d, writers);
        }
        out.printf(
            "  %-5s %2d writer%s  %s appends/s  (%.1f appends per write)%n",
            d, writers, writers == 1 ? " " : "s", rateStats(rate), lastBatchSize);
        out.flush();
      }
    }
  }

  private double lastBatchSize;

  /**
   * One writer's durable (FSYNC) append to {@code file}, one at a time, next to a bare write and
   * fdatasync of as many bytes to a file beside it, alternating so the machine's load hits both
   * alike: what the store adds to the disk's own cost (encoding, the I/O thread's hand-off, the
   * file lock, the index).
   */
  private void appendLatency(Path file, String what) throws IOException {
    int warmUp = Math.min(200, appends / 5);
    double[] store = new double[appends];
    double[] bare = new double[appends];
    Path side = file.resolveSibling("bare-" + file.getFileName());
    String text = text(new SplittableRandom(seed), 500);
    SessionStore.Options options =
        SessionStore.Options.defaults()
            .withDurability(Durability.FSYNC)
            .withClock(Clock.systemUTC());
    try (SessionStore s = SessionStore.open(file, options);
        java.nio.channels.FileChannel ch =
            java.nio.channels.FileChannel.open(
                side,
                StandardOpenOption.CREATE,
                StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)) {
      for (int i = -warmUp; i < appends; i++) {
        long a = System.nanoTime();
        Entry e = s.append(Draft.onLane("main", Body.Message.of(Role.USER, text)));
        long b = System.nanoTime();
        byte[] line = (e.toJson() + "\n").getBytes(StandardCharsets.UTF_8);
        long c = System.nanoTime();
        java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(line);
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        ch.force(false);
        long d = System.nanoTime();
        if (i >= 0) {
          store[i] = (b - a) / 1e3;
          bare[i] = (d - c) / 1e3;
        }
      }
    } finally {
      Files.deleteIfExists(side);
    }
    Arrays.sort(store);
    Arrays.sort(bare);
    out.printf(
        "  durable append to %s, 1 writer (%,d appends, ~0.5 KB; µs):%n"
            + "    store append (FSYNC)        p50 %6.0f  p90 %6.0f  p99 %6.0f  max %7.0f%n"
            + "    bare write + fdatasync      p50 %6.0f  p90 %6.0f  p99 %6.0f  max %7.0f%n"
            + "    store / bare                p50 %5.2f×  p99 %5.2f×%n",
        what,
        appends,
        pct(store, 50),
        pct(store, 90),
        pct(store, 99),
        store[appends - 1],
        pct(bare, 50),
        pct(bare, 90),
        pct(bare, 99),
        bare[appends - 1],
        pct(store, 50) / pct(bare, 50),
        pct(store, 99) / pct(bare, 99));
    out.flush();
  }

  /** The p-th percentile of sorted values (nearest rank). */
  private static double pct(double[] sorted, int p) {
    int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }

  private double appendRun(Durability durability, int writers) throws Exception {
    Path file = dir.resolve("appends.jsonl");
    SessionStore.Options options =
        SessionStore.Options.defaults().withDurability(durability).withClock(Clock.systemUTC());
    double rate;
    try (SessionStore s = SessionStore.create(file, "/bench", options)) {
      String text = text(new SplittableRandom(seed), 500);
      CountDownLatch start = new CountDownLatch(1);
      AtomicLong left = new AtomicLong(appends);
      List<Thread> threads = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        String lane = "lane-" + w;
        threads.add(
            Thread.ofVirtual()
                .start(
                    () -> {
                      try {
                        start.await();
                      } catch (InterruptedException e) {
                        return;
                      }
                      while (left.getAndDecrement() > 0) {
                        s.append(Draft.onLane(lane, Body.Message.of(Role.USER, text)));
                      }
                    }));
      }
      long a = System.nanoTime();
      start.countDown();
      for (Thread th : threads) {
        th.join();
      }
      rate = appends / ((System.nanoTime() - a) / 1e9);
      lastBatchSize = (double) appends / s.batchesWritten();
      if (s.size() != appends) {
        throw new IllegalStateException("expected " + appends + " entries, found " + s.size());
      }
    }
    Files.deleteIfExists(file);
    Files.deleteIfExists(file.resolveSibling(file.getFileName() + ".lock"));
    return rate;
  }

  private static String stats(double[] ms) {
    double[] s = ms.clone();
    Arrays.sort(s);
    return String.format("median %8.1f ms  (min %.1f, max %.1f)", median(s), s[0], s[s.length - 1]);
  }

  private static String rateStats(double[] rates) {
    double[] s = rates.clone();
    Arrays.sort(s);
    return String.format("median %,9.0f  (min %,.0f, max %,.0f)", median(s), s[0], s[s.length - 1]);
  }

  private static double median(double[] sorted) {
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  private static void resetPeaks() {
    System.gc();
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      pool.resetPeakUsage();
    }
  }

  private static long peakHeapMb() {
    long sum = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        sum += pool.getPeakUsage().getUsed();
      }
    }
    return sum >> 20;
  }

  /** This process's peak resident memory in MB, from /proc (-1 elsewhere). */
  static long peakRssMb() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) >> 10;
        }
      }
    } catch (IOException | NumberFormatException e) {
      // not Linux
    }
    return -1;
  }
}
