package dev.grove.bench;

import dev.grove.fs.FileTree;
import dev.grove.session.Entry;
import dev.grove.session.SessionStore;
import dev.grove.session.foreign.ForeignSessions;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Another tool's session file (a pi file, e.g. one made by {@code gen.mjs} of the pi harness in the
 * benchmarks doc) opened by grove the way its commands open it: a pi file of format 2 or 3 is read
 * in place (open, then the context of its deepest leaf built, then every message of it read); any
 * other file is converted into the import cache first. With {@code --convert}, also the first open
 * through a conversion (what grove did before it read pi files in place). Each figure is the median
 * and spread of several runs. Run: {@code java -cp target/grove.jar
 * dev.grove.bench.ForeignBenchmark FILE [RUNS] [--convert]}.
 */
public final class ForeignBenchmark {
  private ForeignBenchmark() {}

  public static void main(String[] args) throws IOException {
    Path file = Path.of(args[0]);
    int runs = args.length > 1 && !args[1].startsWith("--") ? Integer.parseInt(args[1]) : 3;
    boolean convertToo = Arrays.asList(args).contains("--convert");
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
    double[] open = new double[runs];
    double[] build = new double[runs];
    double[] readAll = new double[runs];
    double[] convert = new double[runs];
    int messages = 0;
    int entries = 0;
    boolean inPlace = false;
    for (int r = 0; r < runs; r++) {
      Path cache = Files.createTempDirectory("grove-foreign-bench");
      long t0 = System.nanoTime();
      try (SessionStore s = ForeignSessions.open(file, cache)) {
        open[r] = (System.nanoTime() - t0) / 1e6;
        inPlace = s.file().equals(file);
        entries = s.size();
        String deepest = deepestLeaf(s);
        long t1 = System.nanoTime();
        List<Entry> ctx = s.context(deepest);
        build[r] = (System.nanoTime() - t1) / 1e6;
        messages = ctx.size();
        long t2 = System.nanoTime();
        for (Entry e : ctx) {
          e.body(); // read as a caller would
        }
        readAll[r] = (System.nanoTime() - t2) / 1e6;
      }
      if (convertToo) {
        Path again = Files.createTempDirectory("grove-foreign-bench");
        long t3 = System.nanoTime();
        try (SessionStore s = SessionStore.open(ForeignSessions.readable(file, again))) {
          convert[r] = (System.nanoTime() - t3) / 1e6;
        }
        FileTree.delete(again);
      }
      FileTree.delete(cache);
    }
    out.printf(
        "entries: %,d; deepest context: %,d messages; read %s%n",
        entries, messages, inPlace ? "in place" : "from a converted copy");
    out.println("open:                         " + figure(open));
    out.println("deepest context built:        " + figure(build));
    out.println("its messages read:            " + figure(readAll));
    double[] sum = new double[runs];
    for (int r = 0; r < runs; r++) {
      sum[r] = open[r] + build[r];
    }
    out.println("open + context built:         " + figure(sum));
    if (convertToo) {
      out.println("first open through conversion: " + figure(convert));
    }
  }

  /** The leaf with the longest path, found by walking the tree's parent links once. */
  private static String deepestLeaf(SessionStore s) {
    java.util.Map<String, Integer> depth = new java.util.HashMap<>();
    String[] best = {null};
    int[] most = {-1};
    s.forEachNode(
        n -> {
          int d = n.parentId() == null ? 0 : depth.getOrDefault(n.parentId(), 0) + 1;
          depth.put(n.id(), d);
          if (d > most[0]) {
            most[0] = d;
            best[0] = n.id();
          }
        });
    return best[0];
  }

  private static String figure(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return String.format(
        "median %8.1f ms (min %.1f, max %.1f)", s[s.length / 2], s[0], s[s.length - 1]);
  }
}
