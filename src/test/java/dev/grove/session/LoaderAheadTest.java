package dev.grove.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A large file's lines are read and scanned on other threads, chunk by chunk ({@link
 * Loader#scanAhead}); what the index, the problems and the scan's end say must be what the caller's
 * thread alone finds ({@link Loader#scanHere}), line for line — on the golden files, other tools'
 * files and random files full of damage, cut into chunks of every size.
 */
class LoaderAheadTest {
  @TempDir Path dir;

  /**
   * What a scan found, as text, so that two scans compare in one assertion with a readable diff.
   */
  record Found(List<String> problems, List<String> entries, String end) {}

  static Found scan(Path file, Dialect dialect, boolean fullParse, int chunk, int threads)
      throws IOException {
    return scan(file, dialect, fullParse, chunk, Loader.AHEAD_LONG, threads);
  }

  static Found scan(
      Path file, Dialect dialect, boolean fullParse, int chunk, int longLine, int threads)
      throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    int header = 0;
    while (header < bytes.length && bytes[header] != '\n') {
      header++;
    }
    long start = Math.min(bytes.length, header + 1L);
    EntryIndex index = new EntryIndex(dialect);
    List<Problem> problems = new ArrayList<>();
    Loader loader = new Loader(index, problems, fullParse);
    Loader.Result r;
    try (ReadChannel ch = new ReadChannel(file)) {
      try {
        r =
            threads == 0
                ? loader.scanHere(ch, start, 2, bytes.length)
                : loader.scanAhead(ch, start, 2, bytes.length, chunk, longLine, threads);
      } catch (Loader.LineTooLong e) {
        problems.add(new Problem(e.line, e.getMessage()));
        r = new Loader.Result(-1, -1, new byte[0]);
      }
    }
    loader.finish();
    List<String> entries = new ArrayList<>();
    for (int i = 0; i < index.size(); i++) {
      int p = index.parent(i);
      entries.add(
          String.join(
              " ",
              index.id(i),
              p < 0 ? "-" : index.id(p),
              index.laneName(index.lane(i)),
              index.type(i),
              String.valueOf(index.role(i)),
              "line " + index.line(i),
              "at " + index.offset(i) + "+" + index.length(i),
              index.contextRoot(i) ? "root" : ""));
    }
    entries.add("labels " + index.labels());
    List<String> said = problems.stream().map(x -> x.line() + ": " + x.message()).toList();
    return new Found(
        said,
        entries,
        r.end() + " " + r.nextLine() + " " + new String(r.tail(), StandardCharsets.ISO_8859_1));
  }

  /** Chunks of 1 and 2 bytes, then of random sizes from {@code smallest} bytes up. */
  private static void sameEitherWay(Path file, Dialect dialect, long seed, int smallest)
      throws IOException {
    Random rnd = new Random(seed);
    for (boolean full : new boolean[] {false, true}) {
      Found here = scan(file, dialect, full, 0, 0);
      for (int round = smallest > 1 ? 2 : 0; round < 6; round++) {
        int chunk =
            switch (round) {
              case 0 -> 1;
              case 1 -> 2;
              default -> smallest + rnd.nextInt(round < 4 ? 200 : 5000);
            };
        int threads = 1 + rnd.nextInt(3);
        // a line this long is left to the caller's thread with the rest of the file
        int longLine = rnd.nextBoolean() ? Loader.AHEAD_LONG : 1 + rnd.nextInt(3_000);
        assertThat(scan(file, dialect, full, chunk, longLine, threads))
            .as(
                "%s, chunks of %d bytes, lines from %d bytes long on one thread, %d threads, full"
                    + " parse %s",
                file, chunk, longLine, threads, full)
            .isEqualTo(here);
      }
    }
  }

  @Test
  void theGoldenFilesAndOtherToolsFilesAreIndexedAsOnOneThread() throws IOException {
    List<Path> files = new ArrayList<>();
    for (String d : List.of("sessions", "foreign/pi", "foreign/claude", "foreign/codex")) {
      try (Stream<Path> s = Files.list(resource(d))) {
        s.filter(p -> p.toString().endsWith(".jsonl")).sorted().forEach(files::add);
      }
    }
    assertThat(files).hasSizeGreaterThan(10);
    for (Path f : files) {
      sameEitherWay(f, null, 42, 1); // as grove's own format: other tools' files give many problems
      if (f.toString().contains("/pi/")) {
        sameEitherWay(f, piDialect(f), 42, 1);
      }
    }
  }

  @Test
  void randomDamagedFilesAreIndexedAsOnOneThread() throws IOException {
    long seed = Long.getLong("grove.test.seed", System.nanoTime());
    System.out.println("LoaderAheadTest seed " + seed + " (-Dgrove.test.seed=" + seed + ")");
    Random rnd = new Random(seed);
    int rounds = Integer.getInteger("grove.loader.rounds", 60);
    int problems = 0;
    int entries = 0;
    for (int round = 0; round < rounds; round++) {
      Path file = dir.resolve("r" + round + ".jsonl");
      Files.write(file, randomSession(rnd, 20 + rnd.nextInt(300)));
      sameEitherWay(file, null, rnd.nextLong(), 64);
      Found f = scan(file, null, false, 0, 0);
      problems += f.problems().size();
      entries += f.entries().size();
    }
    // the files held both what indexes and what is reported
    assertThat(problems).as("problems found, seed %d", seed).isGreaterThan(rounds);
    assertThat(entries).as("entries indexed, seed %d", seed).isGreaterThan(rounds * 10);
  }

  /**
   * A line longer than the chunk, one that ends the file without a newline, and lines cut short.
   */
  @Test
  void linesAcrossChunksAndATornTail() throws IOException {
    StringBuilder sb = new StringBuilder(RecoveryTest.HEADER + "\n");
    sb.append(RecoveryTest.msg("a1", null, "x".repeat(10_000))).append('\n');
    sb.append(RecoveryTest.msg("a2", "a1", "short")).append("\r\n");
    sb.append('\n').append("   \n");
    sb.append(RecoveryTest.msg("a3", "a2", "y".repeat(3_000)), 0, 2_000).append('\n'); // cut short
    sb.append(RecoveryTest.msg("a4", "a2", "\\u00e9\\n\\\"quoted\\\"")).append('\n');
    sb.append(RecoveryTest.msg("a5", "a4", "torn tail"), 0, 30); // no newline
    Path file = dir.resolve("long.jsonl");
    Files.writeString(file, sb);
    Found here = scan(file, null, false, 0, 0);
    assertThat(here.entries()).hasSize(4); // a1, a2, a4 and the labels line
    assertThat(here.problems()).hasSize(1);
    assertThat(here.end()).endsWith(RecoveryTest.msg("a5", "a4", "torn tail").substring(0, 30));
    for (int chunk : new int[] {1, 7, 100, 4_096, 9_999, 10_001, 20_000}) {
      for (int longLine : new int[] {1, 500, 9_999, 10_000, 10_001, Loader.AHEAD_LONG}) {
        for (int threads = 1; threads <= 3; threads++) {
          assertThat(scan(file, null, false, chunk, longLine, threads))
              .as("chunks of %d, lines of %d on one thread, %d threads", chunk, longLine, threads)
              .isEqualTo(here);
        }
      }
    }
  }

  private static Path resource(String dir) {
    try {
      return Path.of(LoaderAheadTest.class.getResource("/" + dir).toURI());
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** pi's dialect, which lives in the foreign package (package-private there). */
  private static Dialect piDialect(Path file) {
    try {
      var c =
          Class.forName("dev.grove.session.foreign.PiDialect").getDeclaredConstructor(String.class);
      c.setAccessible(true);
      return (Dialect) c.newInstance(file.toAbsolutePath().toString());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }

  private static final String[] ROLES = {"user", "assistant", "tool", "system", "wizard"};
  private static final String[] LANES = {"main", "try-1", "try-2", "é-lane"};
  private static final String[] TEXTS = {
    "plain words", "\\n\\t escapes \\\"quoted\\\"", "\\u00e9\\u4e2d unicode", "€ raw ünïcode ✓", ""
  };

  /** Lines of every kind grove meets, damaged ones among them; no header checks are made here. */
  static byte[] randomSession(Random rnd, int n) {
    StringBuilder sb = new StringBuilder(RecoveryTest.HEADER + "\n");
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String id = "e" + i;
      String parent =
          ids.isEmpty() || rnd.nextInt(20) == 0
              ? null
              : rnd.nextInt(30) == 0 ? "missing" + i : ids.get(rnd.nextInt(ids.size()));
      if (rnd.nextInt(40) == 0) {
        parent = "e" + (i + 1 + rnd.nextInt(5)); // a parent defined later
      }
      String lane = LANES[rnd.nextInt(LANES.length)];
      String target = ids.isEmpty() ? "nowhere" : ids.get(rnd.nextInt(ids.size()));
      String line =
          switch (rnd.nextInt(16)) {
            case 0 ->
                "{\"type\":\"label\",\"id\":\"%s\",\"parentId\":%s,\"ts\":\"2026-11-24T12:00:01Z\",\"lane\":\"%s\",\"targetId\":\"%s\",\"label\":\"l%d\"}"
                    .formatted(id, q(parent), lane, target, i);
            case 1 ->
                "{\"type\":\"head\",\"id\":\"%s\",\"parentId\":%s,\"ts\":\"2026-11-24T12:00:01Z\",\"lane\":\"%s\",\"targetId\":\"%s\"}"
                    .formatted(id, q(parent), lane, target);
            case 2 ->
                "{\"type\":\"frobnicate\",\"id\":\"%s\",\"parentId\":%s,\"ts\":\"2026-11-24T12:00:01Z\",\"x\":[1,{\"y\":null}]}"
                    .formatted(id, q(parent));
            case 3 -> // an escaped id: the line is parsed in full
                "{\"type\":\"message\",\"id\":\"\\u0065%d\",\"parentId\":%s,\"ts\":\"2026-11-24T12:00:01Z\",\"lane\":\"%s\",\"role\":\"user\",\"content\":\"esc\"}"
                    .formatted(i, q(parent), lane);
            case 4 ->
                switch (rnd.nextInt(6)) {
                  case 0 -> "";
                  case 1 -> "  \t ";
                  case 2 -> "\0\0\0\0";
                  case 3 -> "[1,2,3]";
                  case 4 -> "{\"type\":";
                  default -> "not json at all";
                };
            case 5 -> // a duplicate id, or one with no type, id or parent
                switch (rnd.nextInt(4)) {
                  case 0 -> ids.isEmpty() ? "{}" : RecoveryTest.msg(ids.get(0), null, "again");
                  case 1 -> "{\"id\":\"" + id + "\",\"parentId\":null}";
                  case 2 -> "{\"type\":\"message\",\"parentId\":null,\"role\":\"user\"}";
                  default -> "{\"type\":\"message\",\"id\":\"" + id + "\",\"role\":\"user\"}";
                };
            default -> {
              String text = TEXTS[rnd.nextInt(TEXTS.length)];
              if (rnd.nextInt(10) == 0) {
                text = text + "z".repeat(rnd.nextInt(6_000));
              }
              String m =
                  "{\"type\":\"message\",\"id\":\"%s\",\"parentId\":%s,\"ts\":\"2026-11-24T12:00:01Z\",\"lane\":\"%s\",\"role\":\"%s\",\"content\":\"%s\"%s}"
                      .formatted(
                          id,
                          q(parent),
                          lane,
                          ROLES[rnd.nextInt(ROLES.length)],
                          text,
                          rnd.nextInt(15) == 0 ? ",\"contextRoot\":true" : "");
              if (rnd.nextInt(25) == 0) {
                m = m.substring(0, rnd.nextInt(m.length())); // cut short
              }
              yield m;
            }
          };
      ids.add(id);
      sb.append(line).append(rnd.nextInt(12) == 0 ? "\r\n" : "\n");
    }
    if (rnd.nextBoolean()) {
      sb.append(RecoveryTest.msg("torn", ids.get(0), "a line still being written"), 0, 25);
    }
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static String q(String s) {
    return s == null ? "null" : "\"" + s + "\"";
  }
}
