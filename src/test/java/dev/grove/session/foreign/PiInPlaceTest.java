package dev.grove.session.foreign;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.grove.session.Body;
import dev.grove.session.Draft;
import dev.grove.session.Node;
import dev.grove.session.Problem;
import dev.grove.session.Role;
import dev.grove.session.SessionException;
import dev.grove.session.SessionStore;
import dev.grove.testing.Seeds;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pi file read in place (indexed by grove's own scanner, each message turned into grove's form
 * when read) is the same session as its converted copy: the same tree, labels, entries and the
 * context at every entry, on the fixtures and on random trees with every entry type pi writes.
 */
class PiInPlaceTest {
  @TempDir Path dir;

  private SessionStore inPlace(Path file) {
    SessionStore s = ForeignSessions.open(file, dir.resolve("unused"));
    assertThat(s.file()).as("read in place, not from a copy").isEqualTo(file);
    return s;
  }

  private SessionStore converted(Path file) {
    return SessionStore.open(ForeignSessions.readable(file, dir.resolve("imports")));
  }

  /** Everything a reader can ask of the two stores agrees. */
  private static void assertSame(SessionStore a, SessionStore b) {
    assertThat(a.header()).isEqualTo(b.header());
    assertThat(a.size()).isEqualTo(b.size());
    assertThat(a.leaves()).isEqualTo(b.leaves());
    assertThat(a.labels()).isEqualTo(b.labels());
    assertThat(a.laneHeads()).isEqualTo(b.laneHeads());
    assertThat(a.branchPoints()).isEqualTo(b.branchPoints());
    List<String> ids = new ArrayList<>();
    b.forEachNode(n -> ids.add(n.id()));
    List<String> mine = new ArrayList<>();
    a.forEachNode(n -> mine.add(n.id()));
    assertThat(mine).isEqualTo(ids);
    assertThat(a.entries(ids)).isEqualTo(b.entries(ids));
    for (String id : ids) {
      assertThat(a.node(id)).isEqualTo(b.node(id));
      assertThat(a.children(id)).isEqualTo(b.children(id));
      assertThat(a.path(id)).isEqualTo(b.path(id));
      assertThat(new ArrayList<>(a.context(id))).as("context at " + id).isEqualTo(b.context(id));
    }
  }

  @Test
  void theFixturesReadInPlaceAreTheirConvertedCopies() {
    for (String name : List.of("v3-all-types.jsonl", "v2-hook-message.jsonl")) {
      Path f = PiSessionTest.fixture(name);
      try (SessionStore a = inPlace(f);
          SessionStore b = converted(f)) {
        assertSame(a, b);
      }
    }
  }

  @Test
  void randomTreesWithEveryEntryTypeReadInPlaceAreTheirConvertedCopies() throws IOException {
    long seed = Seeds.of("pi in place", 0x5eed_f11eL);
    Random rnd = new Random(seed);
    for (int round = 0; round < 12; round++) {
      Path f = dir.resolve("random-" + round + ".jsonl");
      Files.writeString(f, new Gen(rnd, round % 4 == 3 ? 2 : 3).file(80 + rnd.nextInt(300)));
      try (SessionStore a = inPlace(f);
          SessionStore b = converted(f)) {
        assertSame(a, b);
      }
    }
  }

  @Test
  void linesPiAppendsWhileTheFileIsOpenAreReadOnRefresh() throws IOException {
    Random rnd = new Random(Seeds.of("pi appends", 7));
    String all = new Gen(rnd, 3).file(200);
    int cut = all.indexOf('\n', all.length() / 2) + 1;
    Path f = dir.resolve("growing.jsonl");
    Files.writeString(f, all.substring(0, cut));
    try (SessionStore a = inPlace(f)) {
      int before = a.size();
      Files.writeString(f, all.substring(cut), StandardOpenOption.APPEND);
      a.refresh();
      assertThat(a.size()).isGreaterThan(before);
      try (SessionStore b = converted(f)) {
        assertSame(a, b);
      }
    }
  }

  @Test
  void aPiFileIsNeverWrittenThroughAStoreReadingItInPlace() throws IOException {
    Path f = dir.resolve("mine.jsonl");
    Files.writeString(f, new Gen(new Random(3), 3).file(20));
    byte[] before = Files.readAllBytes(f);
    try (SessionStore a = inPlace(f)) {
      String leaf = a.leaves().get(0).id();
      assertThatThrownBy(
              () -> a.append(Draft.below(leaf, Body.Message.of(Role.USER, "may I write?"))))
          .isInstanceOf(SessionException.class)
          .hasMessageContaining("is a pi session: grove never writes into another tool's file");
    }
    assertThat(Files.readAllBytes(f)).isEqualTo(before);
  }

  @Test
  void aLinePiIsStillWritingIsSkippedWithAWarningThatSaysSo() throws IOException {
    Path f = dir.resolve("torn.jsonl");
    String whole = new Gen(new Random(4), 3).file(10);
    Files.writeString(f, whole + "{\"type\":\"message\",\"id\":\"half\",\"par");
    try (SessionStore a = inPlace(f)) {
      assertThat(a.size()).isEqualTo(10);
      assertThat(a.warnings())
          .singleElement()
          .asString()
          .contains("line 12: the last line is incomplete")
          .contains("pi is writing it");
    }
  }

  @Test
  void damageInsideAMessageIsReportedWithThePiFileAndLineWhenTheMessageIsRead() throws IOException {
    Path f = dir.resolve("late.jsonl");
    List<String> lines = new ArrayList<>(new Gen(new Random(5), 3).file(6).lines().toList());
    // the envelope is sound, so the file opens; the message's time is not one pi writes
    lines.add(
        "{\"type\":\"message\",\"id\":\"bad00001\",\"parentId\":null,\"timestamp\":\"yesterday\","
            + "\"message\":{\"role\":\"user\",\"content\":\"hi\"}}");
    Files.write(f, lines, StandardCharsets.UTF_8);
    try (SessionStore a = inPlace(f)) {
      assertThatThrownBy(() -> a.entry("bad00001"))
          .isInstanceOfSatisfying(
              SessionException.Corrupt.class,
              c -> {
                assertThat(c.file()).isEqualTo(f);
                assertThat(c.problems()).extracting(Problem::line).containsExactly(8);
                assertThat(c.problems().get(0).message()).contains("not an ISO-8601 instant");
              });
    }
    assertThat(ForeignSessions.validate(f).problems()).extracting(Problem::line).containsExactly(8);
  }

  @Test
  @org.junit.jupiter.api.Timeout(60) // a guard against a hang, not a measure of speed
  void labelsThatNameEachOtherInACycleAreReportedNotFollowedForever() throws IOException {
    Path f = dir.resolve("cycle.jsonl");
    String head = new Gen(new Random(6), 3).file(3);
    String ts = ",\"timestamp\":\"2026-12-01T00:00:00Z\"";
    Files.writeString(
        f,
        head
            + "{\"type\":\"label\",\"id\":\"11111111\",\"parentId\":\"22222222\""
            + ts
            + ",\"targetId\":\"22222222\",\"label\":\"a\"}\n"
            + "{\"type\":\"label\",\"id\":\"22222222\",\"parentId\":\"11111111\""
            + ts
            + ",\"targetId\":\"11111111\",\"label\":\"b\"}\n"
            + "{\"type\":\"message\",\"id\":\"33333333\",\"parentId\":\"22222222\""
            + ts
            + ",\"message\":{\"role\":\"user\",\"content\":\"below the cycle\"}}\n");
    for (var open :
        List.<java.util.function.Supplier<SessionStore>>of(() -> inPlace(f), () -> converted(f))) {
      assertThatThrownBy(() -> open.get().close())
          .isInstanceOfSatisfying(
              SessionException.Corrupt.class,
              c -> assertThat(c.problems()).extracting(Problem::line).contains(5));
    }
  }

  @Test
  void aMessageWithoutAParentReferenceIsARootAsTheConversionReadsIt() throws IOException {
    Path f = dir.resolve("no-parent.jsonl");
    Files.writeString(
        f,
        new Gen(new Random(8), 3).file(4)
            + "{\"type\":\"message\",\"id\":\"0000abcd\",\"timestamp\":\"2026-12-01T00:00:00Z\""
            + ",\"message\":{\"role\":\"user\",\"content\":\"no parentId at all\"}}\n");
    try (SessionStore a = inPlace(f);
        SessionStore b = converted(f)) {
      assertThat(a.node("0000abcd").parentId()).isNull();
      assertSame(a, b);
    }
  }

  @Test
  void versionOneFilesWithoutIdsAreStillConverted() {
    Path v1 = PiSessionTest.fixture("v1-linear.jsonl");
    try (SessionStore s = ForeignSessions.open(v1, dir.resolve("imports"))) {
      assertThat(s.file()).isNotEqualTo(v1);
      assertThat(s.shown()).isEqualTo(v1);
      assertThat(s.leaves()).hasSize(1);
    }
  }

  /** A pi file of random shape with every entry type, in pi's own field order. */
  static final class Gen {
    private final Random rnd;
    private final int version;
    private final List<String> nodes = new ArrayList<>();
    private final List<String> chainable = new ArrayList<>(); // nodes and labels
    private int n;
    private long ms = 1_764_000_000_000L;

    Gen(Random rnd, int version) {
      this.rnd = rnd;
      this.version = version;
    }

    String file(int entries) {
      StringBuilder sb = new StringBuilder();
      sb.append("{\"type\":\"session\",\"version\":")
          .append(version)
          .append(",\"id\":\"5e55")
          .append(Long.toHexString(rnd.nextLong()))
          .append("\",\"timestamp\":\"")
          .append(java.time.Instant.ofEpochMilli(ms))
          .append("\",\"cwd\":\"/home/ada/x\"}\n");
      String last = null;
      for (int i = 0; i < entries; i++) {
        String parent = parent(last);
        String id = newId();
        String line = entry(id, parent);
        sb.append(line).append('\n');
        last = id;
      }
      return sb.toString();
    }

    private String parent(String last) {
      int r = rnd.nextInt(20);
      if (last == null || r == 0) {
        return null;
      }
      if (r < 3 && !chainable.isEmpty()) {
        return chainable.get(rnd.nextInt(chainable.size())); // a branch
      }
      return last;
    }

    private String newId() {
      String id = String.format("%08x", (rnd.nextInt() & 0x7fffffff) ^ ++n);
      return rnd.nextInt(40) == 0 ? id.substring(0, 7) + "\\u0041" : id; // an escaped id
    }

    private String env(String type, String id, String parent) {
      ms += 1 + rnd.nextInt(5000);
      return "{\"type\":\""
          + type
          + "\",\"id\":\""
          + id
          + "\",\"parentId\":"
          + (parent == null ? "null" : "\"" + parent + "\"")
          + ",\"timestamp\":\""
          + java.time.Instant.ofEpochMilli(ms)
          + "\"";
    }

    private String text() {
      String[] words = {
        "fix", "the", "bug", "\\\"quoted\\\"", "line\\nbreak", "naïve", "😀", "a\\tb"
      };
      StringBuilder t = new StringBuilder();
      for (int i = rnd.nextInt(6); i >= 0; i--) {
        t.append(words[rnd.nextInt(words.length)]).append(' ');
      }
      return t.toString();
    }

    private String entry(String id, String parent) {
      String real = id.replace("\\u0041", "A");
      int r = rnd.nextInt(100);
      String line;
      boolean node = true;
      if (r < 25) {
        line =
            env("message", id, parent)
                + ",\"message\":{\"role\":\"user\",\"content\":"
                + (rnd.nextBoolean()
                    ? "\"" + text() + "\""
                    : "[{\"type\":\"text\",\"text\":\"" + text() + "\"}]")
                + ",\"timestamp\":"
                + ms
                + "}}";
      } else if (r < 50) {
        String calls =
            rnd.nextBoolean()
                ? ",{\"type\":\"toolCall\",\"id\":\"call_"
                    + n
                    + "\",\"name\":\"read\",\"arguments\":{\"path\":\"src/"
                    + n
                    + ".java\"}}"
                : "";
        String body =
            "\"content\":[{\"type\":\"thinking\",\"thinking\":\"hm\"},{\"type\":\"text\",\"text\":\""
                + text()
                + "\"}"
                + calls
                + "],\"api\":\"anthropic-messages\",\"provider\":\"anthropic\",\"model\":\"m1\","
                + "\"usage\":{\"input\":"
                + rnd.nextInt(5000)
                + ",\"output\":"
                + rnd.nextInt(500)
                + ",\"cost\":{\"total\":0.0"
                + rnd.nextInt(100)
                + "}},\"stopReason\":\"stop\",\"timestamp\":"
                + ms;
        // pi writes the role first; a message whose role comes later is read the slow way
        line =
            env("message", id, parent)
                + ",\"message\":"
                + (rnd.nextInt(8) == 0
                    ? "{" + body + ",\"role\":\"assistant\"}}"
                    : "{\"role\":\"assistant\"," + body + "}}");
      } else if (r < 62) {
        line =
            env("message", id, parent)
                + ",\"message\":{\"role\":\"toolResult\",\"toolCallId\":\"call_"
                + n
                + "\",\"toolName\":\"read\",\"content\":[{\"type\":\"text\",\"text\":\""
                + text()
                + "\"}],\"isError\":"
                + rnd.nextBoolean()
                + ",\"timestamp\":"
                + ms
                + "}}";
      } else if (r < 66) {
        line =
            env("message", id, parent)
                + ",\"message\":{\"role\":\"bashExecution\",\"command\":\"ls\",\"output\":\""
                + text()
                + "\",\"exitCode\":"
                + rnd.nextInt(2)
                + ",\"cancelled\":false,\"truncated\":false,\"excludeFromContext\":"
                + (rnd.nextInt(3) == 0)
                + ",\"timestamp\":"
                + ms
                + "}}";
      } else if (r < 69) {
        String role = version == 2 ? "hookMessage" : "custom";
        line =
            env("message", id, parent)
                + ",\"message\":{\"role\":\""
                + role
                + "\",\"customType\":\"note\",\"content\":\""
                + text()
                + "\",\"display\":true,\"timestamp\":"
                + ms
                + "}}";
      } else if (r < 75 && !nodes.isEmpty()) {
        line =
            env("label", id, parent)
                + ",\"targetId\":\""
                + nodes.get(rnd.nextInt(nodes.size()))
                + "\",\"label\":"
                + (rnd.nextInt(4) == 0 ? "null" : "\"mark " + n + "\"")
                + "}";
        node = false;
      } else if (r < 80 && !nodes.isEmpty()) {
        String from = rnd.nextInt(5) == 0 ? "root" : nodes.get(rnd.nextInt(nodes.size()));
        line =
            env("branch_summary", id, parent)
                + ",\"fromId\":\""
                + from
                + "\",\"summary\":\"tried "
                + text()
                + "\"}";
      } else if (r < 85 && !nodes.isEmpty()) {
        line =
            env("compaction", id, parent)
                + ",\"summary\":\"so far "
                + text()
                + "\",\"firstKeptEntryId\":\""
                + nodes.get(Math.max(0, nodes.size() - 1 - rnd.nextInt(12)))
                + "\",\"tokensBefore\":"
                + rnd.nextInt(90000)
                + "}";
      } else if (r < 88) {
        line = env("model_change", id, parent) + ",\"provider\":\"openai\",\"modelId\":\"gpt\"}";
      } else if (r < 90) {
        line = env("thinking_level_change", id, parent) + ",\"thinkingLevel\":\"high\"}";
      } else if (r < 92) {
        line = env("session_info", id, parent) + ",\"name\":\"" + text() + "\"}";
      } else if (r < 94) {
        line = env("custom", id, parent) + ",\"customType\":\"ext\",\"data\":{\"k\":[1,2]}}";
      } else if (r < 97) {
        line =
            env("custom_message", id, parent)
                + ",\"customType\":\"ext\",\"content\":[{\"type\":\"text\",\"text\":\""
                + text()
                + "\"}],\"display\":true}";
      } else {
        line = env("frobnicate", id, parent) + ",\"what\":\"a type grove does not know\"}";
      }
      if (node) {
        nodes.add(real);
      }
      chainable.add(real);
      return line;
    }
  }

  @Test
  void theGeneratorWritesWhatPiWrites() throws IOException {
    Path f = dir.resolve("gen.jsonl");
    Files.writeString(f, new Gen(new Random(1), 3).file(50));
    assertThat(ForeignSessions.validate(f).problems()).isEmpty();
    try (SessionStore s = inPlace(f)) {
      List<Node> leaves = s.leaves();
      assertThat(leaves).isNotEmpty();
    }
  }
}
