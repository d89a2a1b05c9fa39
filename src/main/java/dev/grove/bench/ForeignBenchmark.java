package dev.grove.bench;

import dev.grove.session.Entry;
import dev.grove.session.Node;
import dev.grove.session.SessionStore;
import dev.grove.session.foreign.ForeignSessions;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Another tool's session file (a pi file, e.g. one made by {@code gen.mjs} of the pi harness in the
 * benchmarks doc) opened by grove: the first open (converting it into the import cache), a later
 * open (from the cache), and the context of its deepest leaf, each the median and spread of several
 * runs. Run: {@code java -cp target/grove.jar dev.grove.bench.ForeignBenchmark FILE [RUNS]}.
 */
public final class ForeignBenchmark {
  private ForeignBenchmark() {}

  public static void main(String[] args) throws IOException {
    Path file = Path.of(args[0]);
    int runs = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    PrintWriter out = new PrintWriter(System.out, true);
    Runtime rt = Runtime.getRuntime();
    out.printf(
        "grove foreign-session benchmark — %s, %d cores, max heap %d MB, %s (%d MB), %d runs%n",
        Runtime.version(),
        rt.availableProcessors(),
        rt.maxMemory() >> 20,
        file.getFileName(),
        Files.size(file) >> 20,
        runs);
    double[] convert = new double[runs];
    double[] open = new double[runs];
    double[] context = new double[runs];
    int messages = 0;
    int entries = 0;
    for (int r = 0; r < runs; r++) {
      Path cache = Files.createTempDirectory("grove-foreign-bench");
      long t0 = System.nanoTime();
      Path converted = ForeignSessions.readable(file, cache);
      try (SessionStore s = SessionStore.open(converted)) {
        convert[r] = (System.nanoTime() - t0) / 1e6;
        entries = s.size();
      }
      long t1 = System.nanoTime();
      try (SessionStore s = SessionStore.open(ForeignSessions.readable(file, cache))) {
        open[r] = (System.nanoTime() - t1) / 1e6;
        Node deepest =
            s.leaves().stream().max(Comparator.comparingInt(n -> s.path(n.id()).size())).get();
        long t2 = System.nanoTime();
        List<Entry> ctx = s.context(deepest.id());
        messages = ctx.size();
        for (Entry e : ctx) {
          e.body(); // read as a caller would
        }
        context[r] = (System.nanoTime() - t2) / 1e6;
      }
      Files.delete(converted);
      Files.delete(cache);
    }
    out.printf("entries: %,d; deepest context: %,d messages%n", entries, messages);
    out.println("first open (convert + open): " + figure(convert));
    out.println("later open (cached):         " + figure(open));
    out.println("context of deepest leaf:     " + figure(context));
  }

  private static String figure(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return String.format(
        "median %8.1f ms (min %.1f, max %.1f)", s[s.length / 2], s[0], s[s.length - 1]);
  }
}
