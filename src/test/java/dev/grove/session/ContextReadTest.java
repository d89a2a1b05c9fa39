package dev.grove.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Contexts read in file order, in large chunks, by the lean decoder are the contexts grove read
 * before: every message equal to its line parsed on its own by the full (Jackson) parser, summaries
 * made into the same messages, and a damaged line reported with the same problem. On the golden
 * files, and on random trees large enough to need several chunks (seeds printed; run one again with
 * {@code -Dgrove.seed=N}).
 */
class ContextReadTest {
  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"linear", "branches", "nested"})
  void contextsOfTheGoldenFilesAreTheFullParsersContexts(String name) throws Exception {
    Path file = Path.of("src/test/resources/sessions/" + name + ".jsonl");
    try (SessionStore store = SessionStore.open(file)) {
      List<Node> nodes = new ArrayList<>();
      for (Node leaf : store.leaves()) {
        nodes.addAll(store.path(leaf.id()));
      }
      assertThat(nodes).isNotEmpty();
      byte[][] lines = lines(file);
      for (Node node : nodes) {
        List<Entry> context = store.context(node.id());
        assertThat(context).as("context of %s", node.id()).isEqualTo(fullyParsed(lines, context));
      }
    }
  }

  @Test
  void aRandomDeepTreeIsReadInSeveralChunksAsTheFullParserReadsIt() throws Exception {
    long seed = seed(20261130);
    SplittableRandom rnd = new SplittableRandom(seed);
    Path file = dir.resolve("deep.jsonl");
    StoreModelTest.Model model = new StoreModelTest.Model();
    String deepest = deepFile(file, seed, rnd, model);
    // a fresh store, as a fresh process reads it
    try (SessionStore store = SessionStore.open(file, options(seed))) {
      byte[][] lines = lines(file);
      List<String> targets = new ArrayList<>(List.of(deepest));
      List<String> nodes = model.nodes();
      for (int k = 0; k < 1; k++) {
        targets.add(nodes.get(rnd.nextInt(nodes.size())));
      }
      for (String id : targets) {
        List<Entry> context = store.context(id);
        assertThat(context)
            .as("seed %d: context of %s", seed, id)
            .isEqualTo(fullyParsed(lines, context));
        assertThat(context.stream().map(Entry::id).toList())
            .as("seed %d: context of %s", seed, id)
            .isEqualTo(model.context(id));
      }
      List<Entry> context = store.context(deepest);
      long bytes = 0;
      for (Entry e : context) {
        bytes += lines[e.line() - 1].length;
      }
      // more messages than one chunk holds, and more bytes: several chunks were read
      assertThat(context.size()).as("seed %d", seed).isGreaterThan(ContextBuilder.CHUNK_ENTRIES);
      assertThat(bytes).as("seed %d", seed).isGreaterThan(2L * ContextBuilder.CHUNK_BYTES);
      // read backwards and at random, as well as forwards: the same entries
      List<Entry> forwards = List.copyOf(context);
      for (int i = context.size() - 1; i >= 0; i -= 1 + rnd.nextInt(500)) {
        assertThat(context.get(i)).as("seed %d: element %d", seed, i).isEqualTo(forwards.get(i));
      }
    }
  }

  @Test
  void chunksReadAheadOfAWalkFailOnlyWhenTheirTurnComesAsTheReadWouldHave() throws Exception {
    long seed = seed(20261201);
    SplittableRandom rnd = new SplittableRandom(seed);
    Path file = dir.resolve("cut.jsonl");
    String deepest = deepFile(file, seed, rnd, new StoreModelTest.Model());
    try (SessionStore store = SessionStore.open(file, options(seed))) {
      List<Entry> whole = List.copyOf(store.context(deepest));
      List<Entry> context = store.context(deepest);
      // cut the file after the store indexed it: the later chunks' lines are gone
      long size = Files.size(file);
      try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
        ch.truncate(size * 6 / 10);
      }
      int read = 0;
      SessionException.Corrupt failed = null;
      try {
        for (Entry e : context) { // the first access reads ahead, on other threads, into the cut
          assertThat(e).as("seed %d: element %d", seed, read).isEqualTo(whole.get(read));
          read++;
        }
      } catch (SessionException.Corrupt e) {
        failed = e;
      }
      assertThat(failed).as("seed %d: the walk reached the cut", seed).isNotNull();
      assertThat(failed.problems().get(0).message()).contains("no longer in the file");
      assertThat(read).as("seed %d: what was before the cut was read", seed).isPositive();
      // what lies before the cut is still read, in any order, the failed read-ahead dropped
      for (int i = read - 1; i >= 0; i -= 1 + rnd.nextInt(300)) {
        assertThat(context.get(i)).as("seed %d: element %d", seed, i).isEqualTo(whole.get(i));
      }
    }
  }

  /** A session file of 13,000 entries on its main line: a context of several chunks. */
  private static String deepFile(
      Path file, long seed, SplittableRandom rnd, StoreModelTest.Model model) throws IOException {
    SessionStore.create(file, "/r", options(seed)).close();
    return write(file, model, rnd, 13_000);
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3})
  void aDamagedLineIsReportedAsTheFullParserReportsIt(long defaultSeed) throws IOException {
    long seed = seed(defaultSeed);
    SplittableRandom rnd = new SplittableRandom(seed);
    Path pristine = dir.resolve("pristine.jsonl");
    StoreModelTest.Model model = new StoreModelTest.Model();
    String deepest;
    try (SessionStore store = SessionStore.create(pristine, "/r", options(seed))) {
      deepest = grow(store, model, rnd, 300);
    }
    byte[] bad = {'"', '}', '{', '\\', ',', ':', 'x', '0', ' ', 0, 0x1f, (byte) 0xff, (byte) 0xc3};
    Path file = dir.resolve("damaged.jsonl");
    for (int round = 0; round < 25; round++) {
      Files.copy(pristine, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      try (SessionStore store = SessionStore.open(file, options(seed))) {
        List<Entry> context = List.copyOf(store.context(deepest));
        Entry victim = context.get(rnd.nextInt(context.size()));
        if (!(store.entry(victim.id()).body() instanceof Body.Message)) {
          continue; // a summary made into a message: read before the damage, with the path
        }
        // damage one byte of the victim's line in place, after the store indexed the file
        byte[][] lines = lines(file);
        long offset = 0;
        for (int l = 0; l < victim.line() - 1; l++) {
          offset += lines[l].length + 1;
        }
        int at = rnd.nextInt(lines[victim.line() - 1].length);
        byte b = bad[rnd.nextInt(bad.length)];
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
          ch.write(ByteBuffer.wrap(new byte[] {b}), offset + at);
        }
        lines[victim.line() - 1][at] = b;
        String what =
            String.format(
                "seed %d round %d: byte %d at %d of line %d", seed, round, b, at, victim.line());

        Object expected;
        try {
          expected = fullyParsed(lines, context);
        } catch (EntryCodec.BadLine e) {
          expected = List.of(new Problem(victim.line(), e.getMessage()));
        }
        Object actual;
        try {
          actual = List.copyOf(store.context(deepest));
        } catch (SessionException.Corrupt e) {
          actual = e.problems();
        }
        assertThat(actual).as(what).isEqualTo(expected);
      }
    }
  }

  /**
   * Appends {@code count} entries through the store: one main line of messages of every kind and
   * size, with short side branches, labels, events and summaries along the way. Returns the main
   * line's last entry.
   */
  private static String grow(
      SessionStore store, StoreModelTest.Model model, SplittableRandom rnd, int count) {
    List<String> main = new ArrayList<>();
    String head = null;
    for (int i = 0; i < count; i++) {
      Entry e = store.append(draft(rnd, main, i));
      model.add(e);
      if (e.lane().equals("main") && e.isNode()) {
        main.add(e.id());
        head = e.id();
      }
    }
    return head;
  }

  /**
   * The same kind of tree written straight to the file, as another process or a long run would have
   * left it (a store appends one entry at a time, which is slow for a tree this large on a loaded
   * machine), without labels. Returns the main line's last entry.
   */
  private static String write(
      Path file, StoreModelTest.Model model, SplittableRandom rnd, int count) throws IOException {
    List<String> main = new ArrayList<>();
    java.util.Set<String> ids = new java.util.HashSet<>();
    Instant ts = Instant.parse("2026-11-30T12:00:00.000Z");
    int line = 2; // after the header
    try (java.io.OutputStream out =
        new java.io.BufferedOutputStream(
            Files.newOutputStream(file, StandardOpenOption.APPEND), 1 << 16)) {
      while (main.size() < count) {
        Draft d = draft(rnd, main, line);
        if (d.body() instanceof Body.Label) {
          continue;
        }
        String id;
        do {
          id = String.format("%08x", rnd.nextInt());
        } while (!ids.add(id));
        String parent =
            d.parent() instanceof Parent.Of of ? of.id() : main.isEmpty() ? null : main.getLast();
        String lane = d.lane() == null ? "main" : d.lane();
        Entry e = new Entry(id, parent, ts.plusMillis(line), lane, false, d.body(), line++);
        out.write((e.toJson() + "\n").getBytes(StandardCharsets.UTF_8));
        model.add(e);
        if (lane.equals("main")) {
          main.add(id);
        }
      }
    }
    return main.getLast();
  }

  /** The next entry of a tree whose main line so far is {@code main}. */
  private static Draft draft(SplittableRandom rnd, List<String> main, int i) {
    int kind = rnd.nextInt(100);
    if (kind < 4 && !main.isEmpty()) {
      return new Draft(
          Parent.of(main.get(rnd.nextInt(main.size()))), "side-" + i, message(rnd), false);
    } else if (kind < 5 && !main.isEmpty()) {
      return Draft.label(main.get(rnd.nextInt(main.size())), "l" + rnd.nextInt(3));
    } else if (kind < 6 && main.size() > 2) {
      // a summary of a short stretch of the main line
      int a = rnd.nextInt(main.size() - 1);
      int b = a + rnd.nextInt(Math.min(main.size() - 1 - a, 40));
      return Draft.onLane(
          "main",
          new Body.Summary(
              rnd.nextBoolean() ? Body.SummaryKind.COMPACTION : Body.SummaryKind.BRANCH,
              main.get(a),
              main.get(b),
              text(rnd, 200)));
    } else if (kind < 7) {
      return Draft.onLane(
          "main",
          new Body.Event(
              "e",
              com.fasterxml.jackson.databind.node.JsonNodeFactory.instance
                  .objectNode()
                  .put("n", i)));
    }
    return Draft.onLane("main", message(rnd));
  }

  private static Body.Message message(SplittableRandom rnd) {
    Role role = Role.values()[rnd.nextInt(4)];
    int len = rnd.nextInt(400) == 0 ? 100_000 + rnd.nextInt(400_000) : rnd.nextInt(1200);
    String content = rnd.nextInt(50) == 0 ? null : text(rnd, len);
    return switch (role) {
      case ASSISTANT ->
          new Body.Message(
              role,
              content,
              rnd.nextInt(3) == 0
                  ? List.of(
                      new ToolCall("c" + rnd.nextInt(99), "run", arguments(rnd)),
                      new ToolCall("d" + rnd.nextInt(99), "édit", "{}"))
                  : List.of(),
              null,
              false,
              rnd.nextBoolean() ? "model-" + rnd.nextInt(3) : null,
              rnd.nextBoolean() ? new Usage(rnd.nextInt(9999), rnd.nextInt(999), 0.25) : null,
              rnd.nextInt(10) == 0 ? "0123abc" + rnd.nextInt(10) : null);
      case TOOL ->
          Body.Message.toolResult("c" + rnd.nextInt(99), content == null ? "" : content, false);
      default -> Body.Message.of(role, content == null ? "" : content);
    };
  }

  private static String arguments(SplittableRandom rnd) {
    return switch (rnd.nextInt(4)) {
      case 0 -> "{\"command\":" + quoted(text(rnd, 40)) + "}";
      case 1 -> "{\"path\":\"a/b.txt\",\"lines\":[1,2,3],\"deep\":{\"x\":null,\"y\":true}}";
      case 2 -> "{ \"spaced\" : [ 1.5e3 , -0 , \"\\u00e9\" ] }";
      default -> "{\"n\":" + rnd.nextLong() + "}";
    };
  }

  private static String quoted(String s) {
    try {
      return new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(s);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Words, escapes, control characters, accents and characters outside the BMP. */
  private static String text(SplittableRandom rnd, int len) {
    String[] parts = {
      "word ", "the ", "\"quoted\" ", "back\\slash ", "\n", "\t", "\u0001", "é", "✓", "😀", "/", " "
    };
    StringBuilder sb = new StringBuilder(len + 8);
    while (sb.length() < len) {
      sb.append(parts[rnd.nextInt(10) < 7 ? rnd.nextInt(3) : rnd.nextInt(parts.length)]);
    }
    return sb.toString();
  }

  private static SessionStore.Options options(long seed) {
    return new SessionStore.Options(Durability.NONE, Clock.systemUTC(), new Random(seed));
  }

  /** The file's lines (without their newlines); line n is at n - 1. */
  private static byte[][] lines(Path file) throws IOException {
    byte[] b = Files.readAllBytes(file);
    List<byte[]> out = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < b.length; i++) {
      if (b[i] == '\n') {
        out.add(Arrays.copyOfRange(b, start, i));
        start = i + 1;
      }
    }
    return out.toArray(byte[][]::new);
  }

  /**
   * What grove read before for the entries of this context: each line parsed on its own by the full
   * parser, a summary made into a user message.
   */
  private static List<Entry> fullyParsed(byte[][] lines, List<Entry> context)
      throws EntryCodec.BadLine {
    List<Entry> out = new ArrayList<>();
    for (Entry e : context) {
      byte[] line = lines[e.line() - 1];
      Entry full = EntryCodec.decodeFully(line, 0, line.length, e.line());
      if (full.body() instanceof Body.Summary s) {
        String prefix =
            s.kind() == Body.SummaryKind.COMPACTION
                ? ContextBuilder.COMPACTION_PREFIX
                : ContextBuilder.BRANCH_PREFIX;
        full =
            new Entry(
                full.id(),
                full.parentId(),
                full.ts(),
                full.lane(),
                full.contextRoot(),
                Body.Message.of(Role.USER, prefix + s.summary()),
                full.line());
      }
      out.add(full);
    }
    return out;
  }

  private static long seed(long fallback) {
    return dev.grove.testing.Seeds.of("ContextReadTest", fallback);
  }
}
