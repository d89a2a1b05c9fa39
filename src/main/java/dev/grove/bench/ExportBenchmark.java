package dev.grove.bench;

import dev.grove.secrets.Secrets;
import dev.grove.session.Body;
import dev.grove.session.Draft;
import dev.grove.session.Durability;
import dev.grove.session.Entry;
import dev.grove.session.Parent;
import dev.grove.session.Role;
import dev.grove.session.SessionStore;
import dev.grove.session.ToolCall;
import dev.grove.session.export.SessionExport;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * {@code grove session export} on a generated session of N entries (default 100,000): an agent's
 * conversation — user turns, assistant replies with tool calls, tool results of a few hundred bytes
 * to a few KB — with a branch of a few entries every 1,000. Prints the time of the HTML export of
 * the whole tree and of the Markdown export of the longest path (median and spread of several runs,
 * secrets masked as the command does), the files' sizes, and the heap in use after each export. Run
 * it with a small heap to see that an export holds no more than the store: {@code java -Xmx128m -cp
 * target/grove.jar dev.grove.bench.ExportBenchmark [ENTRIES] [RUNS]}.
 */
public final class ExportBenchmark {
  private ExportBenchmark() {}

  public static void main(String[] args) throws IOException {
    int entries = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    int runs = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    Path keep = args.length > 2 ? Path.of(args[2]) : null;
    PrintWriter out = new PrintWriter(System.out, true);
    Runtime rt = Runtime.getRuntime();
    out.printf(
        "grove export benchmark — %s, %d cores, max heap %d MB, %,d entries, %d runs%n",
        Runtime.version(), rt.availableProcessors(), rt.maxMemory() >> 20, entries, runs);
    Path dir = Files.createTempDirectory("grove-export-bench");
    Path file = dir.resolve("session.jsonl");
    String leaf = generate(file, entries, new SplittableRandom(42));
    out.printf("session file: %,d bytes%n", Files.size(file));
    SessionExport.Options options =
        SessionExport.Options.of("grove", "session.jsonl", "grove bench", Instant.now())
            .withRedact(
                Secrets.of(Map.of("BENCH_API_KEY", "sk-bench-0123456789abcdef"), List.of())
                    ::redact);
    Measured html = new Measured(runs);
    Measured md = new Measured(runs);
    try (SessionStore store = SessionStore.open(file)) {
      for (int r = 0; r < runs; r++) {
        Path h = dir.resolve("s.html");
        html.run(r, h, w -> SessionExport.html(store, leaf, w, options));
        if (keep == null || r < runs - 1) {
          Files.delete(h);
        } else {
          Files.move(h, keep, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        Path m = dir.resolve("s.md");
        md.run(r, m, w -> SessionExport.markdown(store, leaf, w, options));
        Files.delete(m);
      }
    }
    out.println("html, whole tree:        " + html);
    out.println("markdown, longest path:  " + md);
    Files.delete(file);
    try (var s = Files.list(dir)) {
      for (Path p : s.toList()) {
        Files.delete(p);
      }
    }
    Files.delete(dir);
  }

  private interface Export {
    int to(Writer w) throws IOException;
  }

  /** One export's times, its output's size and the heap in use after it (garbage collected). */
  private static final class Measured {
    final double[] ms;
    long bytes;
    long heap;

    Measured(int runs) {
      ms = new double[runs];
    }

    void run(int r, Path file, Export export) throws IOException {
      long t0 = System.nanoTime();
      try (Writer w =
          new BufferedWriter(
              new OutputStreamWriter(Files.newOutputStream(file), StandardCharsets.UTF_8),
              1 << 16)) {
        export.to(w);
      }
      ms[r] = (System.nanoTime() - t0) / 1e6;
      bytes = Files.size(file);
      System.gc();
      Runtime rt = Runtime.getRuntime();
      heap = Math.max(heap, rt.totalMemory() - rt.freeMemory());
    }

    @Override
    public String toString() {
      return String.format("%s, %,d bytes, heap after %d MB", figure(ms), bytes, heap >> 20);
    }
  }

  /** Writes the session; returns the head of its main lane (the end of the longest path). */
  static String generate(Path file, int entries, SplittableRandom rnd) {
    String text = "The check in Login.java is inverted; flipping it and running the tests. ";
    try (SessionStore s =
        SessionStore.create(
            file,
            "/home/ada/shop",
            SessionStore.Options.defaults().withDurability(Durability.NONE))) {
      Entry last = s.append(Draft.onLane("main", Body.Message.of(Role.USER, "Fix the login bug")));
      int n = 1;
      int call = 0;
      while (n < entries) {
        if (n % 1000 == 999 && n + 4 < entries) {
          String lane = "try-" + n;
          s.append(
              new Draft(
                  Parent.of(last.id()),
                  lane,
                  Body.Message.of(Role.USER, "Try another way"),
                  false));
          for (int k = 0; k < 3; k++) {
            s.append(Draft.onLane(lane, Body.Message.of(Role.ASSISTANT, text.repeat(2))));
          }
          n += 4;
          continue;
        }
        String id = "call_" + call++;
        last =
            s.append(
                Draft.onLane(
                    "main",
                    new Body.Message(
                        Role.ASSISTANT,
                        text.repeat(1 + rnd.nextInt(3)),
                        List.of(
                            new ToolCall(
                                id,
                                "run_command",
                                "{\"cmd\":\"mvn -q test -Dtest=Login" + n + "\"}")),
                        null,
                        false,
                        "openai:gpt-4.1",
                        new dev.grove.session.Usage(1000 + n, 80, 0.002),
                        null)));
        last =
            s.append(
                Draft.onLane(
                    "main",
                    Body.Message.toolResult(
                        id, "Tests run: 12, Failures: 0\n".repeat(2 + rnd.nextInt(30)), false)));
        n += 2;
      }
      return last.id();
    }
  }

  private static String figure(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return String.format(
        "median %8.1f ms (min %.1f, max %.1f)", s[s.length / 2], s[0], s[s.length - 1]);
  }
}
