package dev.grove.bench;

import dev.grove.fs.FileTree;
import dev.grove.session.catalog.Places;
import dev.grove.session.catalog.SessionCatalog;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code grove sessions} on a generated directory of session files of all four tools (grove, pi,
 * Claude Code, Codex; sizes from a few KB to a tenth of the total; long tool results as in real
 * transcripts): the first listing (index cold: every file read), a second listing with nothing
 * changed, a listing after one file grew, and a search for a word only three files hold — each the
 * median and spread of several runs. Each listing opens the index from disk and saves it, as the
 * command does. Figures go to {@code out}; the files are in the page cache (they were just
 * written).
 */
@Command(
    name = "sessions",
    description = {
      "grove sessions on generated grove, pi, Claude Code and Codex files: first index, an "
          + "unchanged listing, after an append, and a search with few hits."
    })
public final class SessionsBenchmark implements Callable<Integer> {
  private static final String NEEDLE = "quixotically";
  private static final String[] WORDS =
      ("the a login check test build fix error null pointer class method return value user "
              + "password session token cache index file line read write parse json field "
              + "branch merge commit review patch deploy server client request response timeout "
              + "retry limit rate queue worker thread lock order price discount total invoice")
          .split(" ");

  @Spec CommandSpec spec;

  @Option(
      names = "--mb",
      defaultValue = "1024",
      description = "Total size of the generated files in MB (default: ${DEFAULT-VALUE}).")
  int mb;

  @Option(
      names = "--files",
      defaultValue = "400",
      description = "How many files (default: ${DEFAULT-VALUE}).")
  int files;

  @Option(
      names = "--runs",
      defaultValue = "3",
      description = "Timed runs per figure (default: ${DEFAULT-VALUE}).")
  int runs;

  @Option(
      names = "--dir",
      paramLabel = "DIR",
      description = "Where to generate files (default: a temporary directory, deleted after).")
  Path dir;

  @Option(
      names = "--seed",
      defaultValue = "42",
      description = "Seed for the generated content (default: ${DEFAULT-VALUE}).")
  long seed;

  public static void main(String[] args) throws Exception {
    SessionsBenchmark b = new SessionsBenchmark();
    b.mb = args.length > 0 ? Integer.parseInt(args[0]) : 1024;
    b.files = args.length > 1 ? Integer.parseInt(args[1]) : 400;
    b.runs = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    b.seed = 42;
    b.run(new PrintWriter(System.out, true));
  }

  @Override
  public Integer call() throws Exception {
    run(spec.commandLine().getOut());
    return 0;
  }

  void run(PrintWriter out) throws Exception {
    Path where =
        dir == null
            ? Files.createTempDirectory("grove-bench-sessions-")
            : Files.createDirectories(dir);
    try {
      measure(where, out);
    } finally {
      if (dir == null) {
        FileTree.deleteOrThrow(where);
      }
    }
  }

  private void measure(Path where, PrintWriter out) throws IOException {
    Runtime rt = Runtime.getRuntime();
    out.printf(
        Locale.ROOT,
        "grove sessions benchmark — %s, %d cores, max heap %d MB, %d files, %d MB, seed %d, %d runs%n",
        Runtime.version(),
        rt.availableProcessors(),
        rt.maxMemory() >> 20,
        files,
        mb,
        seed,
        runs);
    Path data = where.resolve("sessions");
    long t0 = System.nanoTime();
    List<Path> made = generate(data);
    out.printf(
        Locale.ROOT,
        "generated %,d files, %,d MB in %.1f s%n",
        made.size(),
        FileTree.sizeOrThrow(data) >> 20,
        (System.nanoTime() - t0) / 1e9);
    Path index = where.resolve("index/sessions.idx");

    double[] cold = new double[runs];
    double[] warm = new double[runs];
    double[] append = new double[runs];
    double[] search = new double[runs];
    long appendedBytes = 0;
    int candidates = 0;
    int hits = 0;
    for (int r = 0; r < runs; r++) {
      Files.deleteIfExists(index);
      long a = System.nanoTime();
      list(index);
      cold[r] = ms(a);

      long b = System.nanoTime();
      SessionCatalog.Listing unchanged = list(index);
      warm[r] = ms(b);
      if (unchanged.bytesRead() != 0) {
        throw new IllegalStateException("an unchanged listing read " + unchanged.bytesRead());
      }

      Path grow = made.get(r % made.size());
      appendTo(grow, r);
      long c = System.nanoTime();
      SessionCatalog.Listing grown = list(index);
      append[r] = ms(c);
      appendedBytes = grown.bytesRead();

      long d = System.nanoTime();
      SessionCatalog catalog = SessionCatalog.open(index);
      SessionCatalog.Listing l = catalog.refresh(find(data), null);
      SessionCatalog.Search s = catalog.search(l.sessions(), NEEDLE);
      search[r] = ms(d);
      candidates = s.candidates();
      hits = s.hits().size();
    }
    out.printf(Locale.ROOT, "index file: %,d KB%n", Files.size(index) >> 10);
    out.println("first listing (index cold):  " + figure(cold));
    out.println("second listing (unchanged):  " + figure(warm));
    out.println(
        "after one file grew:         " + figure(append) + "  (" + appendedBytes + " bytes read)");
    out.println(
        "search \""
            + NEEDLE
            + "\":      "
            + figure(search)
            + "  ("
            + hits
            + " hits, "
            + candidates
            + " files read)");
  }

  private static List<Path> find(Path data) {
    return Places.find(List.of(Places.Root.below(data))).files();
  }

  private static SessionCatalog.Listing list(Path index) throws IOException {
    SessionCatalog c = SessionCatalog.open(index);
    SessionCatalog.Listing l =
        c.refresh(find(index.getParent().getParent().resolve("sessions")), null);
    c.save();
    return l;
  }

  private static double ms(long since) {
    return (System.nanoTime() - since) / 1e6;
  }

  private static String figure(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return String.format(
        Locale.ROOT,
        "median %9.1f ms (min %.1f, max %.1f)",
        s[s.length / 2],
        s[0],
        s[s.length - 1]);
  }

  private static void appendTo(Path f, int r) throws IOException {
    String tool = f.getFileName().toString().substring(0, f.getFileName().toString().indexOf('-'));
    StringBuilder b = new StringBuilder();
    Gen g = new Gen(new Random(r), tool);
    for (int i = 0; i < 10; i++) {
      g.line(b, 1_000_000 + r * 100 + i, false);
    }
    Files.writeString(f, b, StandardOpenOption.APPEND);
    Files.setLastModifiedTime(f, FileTime.from(Instant.now().plusSeconds(r + 1)));
  }

  /**
   * The files: sizes from a skewed distribution (many small, a few large), tools in turn; three
   * files hold the needle word in one user message each.
   */
  private List<Path> generate(Path data) throws IOException {
    Random rnd = new Random(seed);
    long total = (long) mb << 20;
    double[] weights = new double[files];
    double sum = 0;
    for (int i = 0; i < files; i++) {
      weights[i] = Math.pow(rnd.nextDouble(), 4) + 0.01;
      sum += weights[i];
    }
    String[] tools = {"grove", "pi", "claude", "codex"};
    List<Path> out = new ArrayList<>();
    for (int i = 0; i < files; i++) {
      String tool = tools[i % 4];
      Path f = data.resolve(tool).resolve(String.format(Locale.ROOT, "%s-%05d.jsonl", tool, i));
      Files.createDirectories(f.getParent());
      long target = (long) (total * weights[i] / sum);
      Gen g = new Gen(new Random(seed * 31 + i), tool);
      try (BufferedWriter w = Files.newBufferedWriter(f, StandardCharsets.UTF_8)) {
        StringBuilder b = new StringBuilder();
        g.header(b);
        long written = 0;
        int n = 0;
        boolean needle = i % (files / 3 + 1) == 7 % (files / 3 + 1);
        while (written < target) {
          g.line(b, ++n, needle && n == 4);
          written += b.length();
          w.append(b);
          b.setLength(0);
        }
      }
      out.add(f);
    }
    return out;
  }

  /** Lines of one tool's format. */
  private static final class Gen {
    private final Random rnd;
    private final String tool;

    Gen(Random rnd, String tool) {
      this.rnd = rnd;
      this.tool = tool;
    }

    void header(StringBuilder b) {
      switch (tool) {
        case "grove" ->
            b.append(
                "{\"type\":\"session\",\"version\":1,\"id\":\"0193a4c2-0000-7000-8000-000000000001\","
                    + "\"createdAt\":\"2026-11-24T12:00:00Z\",\"cwd\":\"/repo\"}\n");
        case "pi" ->
            b.append(
                "{\"type\":\"session\",\"version\":3,\"id\":\"0c5f2a9e\",\"timestamp\":"
                    + "\"2026-11-01T10:00:00.000Z\",\"cwd\":\"/home/ada/shop\"}\n");
        case "codex" ->
            b.append(
                "{\"timestamp\":\"2026-11-06T08:00:00.000Z\",\"type\":\"session_meta\",\"payload\":"
                    + "{\"id\":\"019a2d7a\",\"cwd\":\"/home/ada/shop\",\"cli_version\":\"0.46.0\"}}\n");
        default -> {}
      }
    }

    private String words(int n, boolean needle) {
      StringBuilder s = new StringBuilder();
      for (int i = 0; i < n; i++) {
        if (i > 0) {
          s.append(' ');
        }
        s.append(needle && i == n / 2 ? NEEDLE : WORDS[rnd.nextInt(WORDS.length)]);
      }
      return s.toString();
    }

    /** Line {@code n}: a user message, an assistant message, or a long tool result, in turn. */
    void line(StringBuilder b, int n, boolean needle) {
      int kind = needle ? 0 : n % 3;
      String role = kind == 0 ? "user" : "assistant";
      String text =
          kind == 2 ? words(1500 + rnd.nextInt(1500), false) : words(10 + rnd.nextInt(60), needle);
      String id = String.format(Locale.ROOT, "%08x", n);
      String ts = Instant.parse("2026-11-01T10:00:00Z").plusSeconds(n).toString();
      switch (tool) {
        case "grove" -> {
          b.append("{\"type\":\"message\",\"id\":\"")
              .append(id)
              .append("\",\"parentId\":null,\"ts\":\"")
              .append(ts)
              .append("\",\"lane\":\"main\",\"role\":\"")
              .append(kind == 2 ? "tool" : role)
              .append("\",\"content\":\"")
              .append(text)
              .append("\"}\n");
        }
        case "pi" -> {
          b.append("{\"type\":\"message\",\"id\":\"")
              .append(id)
              .append("\",\"parentId\":null,\"timestamp\":\"")
              .append(ts)
              .append("\",\"message\":{\"role\":\"")
              .append(kind == 2 ? "toolResult" : role)
              .append("\",\"content\":[{\"type\":\"text\",\"text\":\"")
              .append(text)
              .append("\"}]}}\n");
        }
        case "claude" -> {
          String content =
              kind == 2
                  ? "[{\"type\":\"tool_result\",\"tool_use_id\":\"t"
                      + n
                      + "\",\"content\":\""
                      + text
                      + "\"}]"
                  : "[{\"type\":\"text\",\"text\":\"" + text + "\"}]";
          b.append("{\"parentUuid\":null,\"isSidechain\":false,\"sessionId\":\"s\",\"type\":\"")
              .append(kind == 2 ? "user" : role)
              .append("\",\"message\":{\"role\":\"")
              .append(kind == 2 ? "user" : role)
              .append("\",\"content\":")
              .append(content)
              .append("},\"uuid\":\"")
              .append(id)
              .append("\",\"timestamp\":\"")
              .append(ts)
              .append("\"}\n");
        }
        default -> {
          if (kind == 2) {
            b.append("{\"timestamp\":\"")
                .append(ts)
                .append(
                    "\",\"type\":\"response_item\",\"payload\":{\"type\":\"function_call_output\","
                        + "\"call_id\":\"c\",\"output\":\"")
                .append(text)
                .append("\"}}\n");
          } else {
            b.append("{\"timestamp\":\"")
                .append(ts)
                .append(
                    "\",\"type\":\"response_item\",\"payload\":{\"type\":\"message\",\"role\":\"")
                .append(role)
                .append("\",\"content\":[{\"type\":\"")
                .append(kind == 0 ? "input_text" : "output_text")
                .append("\",\"text\":\"")
                .append(text)
                .append("\"}]}}\n");
          }
        }
      }
    }
  }
}
