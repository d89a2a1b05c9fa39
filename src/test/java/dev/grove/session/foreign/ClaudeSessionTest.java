package dev.grove.session.foreign;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.grove.session.Body;
import dev.grove.session.Entry;
import dev.grove.session.Node;
import dev.grove.session.Problem;
import dev.grove.session.SessionException;
import dev.grove.session.SessionStore;
import dev.grove.session.ToolCall;
import dev.grove.session.ValidationReport;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Claude Code transcripts read as grove sessions: streamed assistant turns, parallel tool calls
 * whose results Claude Code writes as siblings, sidechains, compaction boundaries, records without
 * a uuid, damaged lines. The contexts are checked entry by entry against what the model was sent.
 */
class ClaudeSessionTest {
  @TempDir Path dir;

  static Path fixture(String name) {
    try {
      return Path.of(ClaudeSessionTest.class.getResource("/foreign/claude/" + name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private SessionStore open(String name) {
    return SessionStore.open(ForeignSessions.readable(fixture(name), dir.resolve("imports")));
  }

  private static final String COMPACTED =
      "Summary of the conversation so far (earlier messages were compacted):\n\n";

  /** A uuid of the fixtures: {@code c1a0de00 + n} for parallel-tools, {@code c0ac7000 + n}. */
  private static String u(int base, int n) {
    return String.format("%08x-0000-4000-8000-%012x", base + n, n);
  }

  private static final int P = 0xc1a0de00;
  private static final int C = 0xc0ac7000;

  /** One message of a context: who speaks, what they say, which call they answer. */
  private record Said(String id, String role, String text, String toolCallId) {}

  private static Said said(Entry e) {
    return switch (e.body()) {
      case Body.Message m -> new Said(e.id(), m.role().wireName(), m.content(), m.toolCallId());
      default -> new Said(e.id(), e.type(), null, null);
    };
  }

  @Test
  void formatIsDetectedFromTheFirstLine() {
    assertThat(ForeignSessions.detect(fixture("parallel-tools.jsonl"))).isEqualTo(Format.CLAUDE);
    assertThat(ForeignSessions.detect(fixture("compacted.jsonl"))).isEqualTo(Format.CLAUDE);
  }

  @Test
  void aStreamedTurnIsOneMessageAndTheSiblingResultsOfParallelCallsAreAllInTheContext() {
    try (SessionStore s = open("parallel-tools.jsonl")) {
      // main's head: the summary record below the stop-hook record below the last answer
      assertThat(s.laneHead("main")).contains("line-00000015");
      assertThat(s.context("line-00000015"))
          .map(ClaudeSessionTest::said)
          .containsExactly(
              new Said(u(P, 1), "user", "fix the failing login test", null),
              new Said(u(P, 2), "assistant", "I'll read the code and its test.", null),
              new Said(u(P, 6), "tool", "if (!ok) deny();", "toolu_01Read1"),
              new Said(u(P, 7), "tool", "assertTrue(login(\"ada\", \"pw\"));", "toolu_01Read2"),
              new Said(u(P, 8), "assistant", "The check is inverted.", null),
              new Said(u(P, 9), "tool", "The file has been updated.", "toolu_01Edit"),
              new Said(
                  u(P, 10), "assistant", "Fixed: the check in Login.java was inverted.", null));
    }
  }

  @Test
  void theStreamedTurnCarriesEveryToolCallTheModelAndTheLastUsage() {
    try (SessionStore s = open("parallel-tools.jsonl")) {
      Body.Message m = (Body.Message) s.entry(u(P, 2)).body();
      assertThat(m.toolCalls())
          .extracting(ToolCall::id, ToolCall::name)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple("toolu_01Read1", "Read"),
              org.assertj.core.groups.Tuple.tuple("toolu_01Read2", "Read"));
      assertThat(m.toolCalls().get(0).arguments()).contains("Login.java");
      assertThat(m.model()).isEqualTo("anthropic:claude-sonnet-4-5-20250929");
      assertThat(m.usage().inputTokens()).isEqualTo(1830);
      assertThat(m.usage().outputTokens()).isEqualTo(96);
      // the later records of the turn are events, out of context but in the tree
      assertThat(s.entry(u(P, 3)).body())
          .isInstanceOfSatisfying(
              Body.Event.class, e -> assertThat(e.kind()).isEqualTo("claude.assistant.part"));
      assertThat(s.path(u(P, 6)))
          .extracting(Node::id)
          .containsExactly(u(P, 1), u(P, 2), u(P, 3), u(P, 4), u(P, 5), u(P, 6));
    }
  }

  @Test
  void aResultWrittenBeforeItsTurnEndsStillComesAfterTheCallInTheContext() {
    int i = 0xc1e0a000;
    try (SessionStore s = open("interleaved.jsonl")) {
      assertThat(s.leaves()).extracting(Node::id).containsExactly(u(i, 6));
      assertThat(s.context(u(i, 6)))
          .map(ClaudeSessionTest::said)
          .containsExactly(
              new Said(u(i, 1), "user", "run both checks", null),
              new Said(u(i, 2), "assistant", null, null),
              new Said(u(i, 3), "tool", "clean", "toolu_04Lint"),
              new Said(u(i, 5), "tool", "BUILD SUCCESS", "toolu_04Test"),
              new Said(u(i, 6), "assistant", "Both pass.", null));
      assertThat(((Body.Message) s.entry(u(i, 2)).body()).toolCalls())
          .extracting(ToolCall::id)
          .containsExactly("toolu_04Lint", "toolu_04Test");
    }
  }

  @Test
  void aSidechainIsItsOwnLaneAndRecordsWithoutUuidAreEvents() {
    try (SessionStore s = open("parallel-tools.jsonl")) {
      assertThat(s.laneHead("sidechain")).contains(u(P, 21));
      assertThat(s.context(u(P, 21)))
          .map(ClaudeSessionTest::said)
          .containsExactly(
              new Said(u(P, 20), "user", "Search for tests of Login", null),
              new Said(u(P, 21), "assistant", "Found LoginTest.java.", null));
      assertThat(s.entry("line-00000001").body())
          .isInstanceOfSatisfying(
              Body.Event.class,
              e -> {
                assertThat(e.kind()).isEqualTo("claude.file-history-snapshot");
                assertThat(e.data().has("snapshot")).isTrue();
              });
      assertThat(s.entry("line-00000015").body())
          .isInstanceOfSatisfying(
              Body.Event.class,
              e ->
                  assertThat(e.data().path("summary").asText())
                      .isEqualTo("Fix inverted login check"));
      assertThat(s.entry(u(P, 11)).body())
          .isInstanceOfSatisfying(
              Body.Event.class, e -> assertThat(e.kind()).isEqualTo("claude.system"));
    }
  }

  @Test
  void aCompactionBoundaryHangsBelowItsLogicalParentAndTheSummaryReplacesWhatCameBefore() {
    try (SessionStore s = open("compacted.jsonl")) {
      assertThat(s.node(u(C, 3)).parentId()).isEqualTo(u(C, 2));
      assertThat(s.leaves()).extracting(Node::id).containsExactly(u(C, 7));
      assertThat(s.context(u(C, 6)))
          .map(ClaudeSessionTest::said)
          .containsExactly(
              new Said(
                  u(C, 4),
                  "user",
                  COMPACTED
                      + "This session is being continued from a previous conversation. Summary:"
                      + " the user asked for a login rate limit; 5 attempts a minute was added.",
                  null),
              new Said(u(C, 5), "user", "now document it", null),
              new Said(u(C, 6), "assistant", "Documented in README.md.", null));
      assertThat(s.context(u(C, 2)))
          .map(ClaudeSessionTest::said)
          .extracting(Said::text)
          .containsExactly("add a rate limit to login", "Added a limit of 5 attempts a minute.");
      assertThat(s.entry(u(C, 7)).body())
          .isInstanceOfSatisfying(
              Body.Event.class,
              e -> {
                assertThat(e.kind()).isEqualTo("claude.totally-new-kind");
                assertThat(e.data().path("hologram").asBoolean()).isTrue();
              });
    }
  }

  @Test
  void damagedLinesAreReportedWithTheClaudeFileAndItsOwnLine() {
    Path damaged = fixture("damaged.jsonl");
    ValidationReport r = ForeignSessions.validate(damaged);
    assertThat(r.file()).isEqualTo(damaged);
    assertThat(r.problems()).extracting(Problem::line).containsExactly(2, 3, 4, 5);
    assertThat(r.problems().get(0).message()).contains("not valid JSON");
    assertThat(r.problems().get(1).message()).contains("not UTF-8");
    assertThat(r.problems().get(2).message()).contains("ffffffff-0000");
    assertThat(r.problems().get(3).message()).contains("ISO-8601");
    assertThatThrownBy(() -> open("damaged.jsonl"))
        .isInstanceOfSatisfying(
            SessionException.Corrupt.class,
            c -> {
              assertThat(c.file()).isEqualTo(damaged);
              assertThat(c.problems()).extracting(Problem::line).containsExactly(2, 3, 4, 5);
            });
  }

  @Test
  void aDamagedFirstLineIsStillReportedAsAClaudeCodeLine() {
    Path damaged = fixture("damaged-first-line.jsonl");
    assertThat(ForeignSessions.detect(damaged)).isEqualTo(Format.CLAUDE);
    ValidationReport r = ForeignSessions.validate(damaged);
    assertThat(r.problems()).extracting(Problem::line).containsExactly(1);
    assertThat(r.problems().get(0).message()).contains("malformed Claude Code record");
  }

  @Test
  void importWritesAHeaderFromTheRecordsAndNeverTouchesTheSource() throws Exception {
    Path source = fixture("parallel-tools.jsonl");
    byte[] before = Files.readAllBytes(source);
    Path out = dir.resolve("imported.jsonl");
    ForeignSessions.Imported imported = ForeignSessions.importFile(source, out);
    assertThat(imported.format()).isEqualTo(Format.CLAUDE);
    assertThat(imported.entries()).isEqualTo(15);
    assertThat(Files.readAllBytes(source)).isEqualTo(before);
    assertThat(Files.readAllLines(out).get(0)).contains("\"importedFrom\":{\"tool\":\"claude\"");
    assertThat(SessionStore.readHeader(out).cwd()).isEqualTo("/home/ada/shop");
    assertThat(SessionStore.readHeader(out).id()).isEqualTo("5d2e8c1a-3b4f-4c6d-9e7f-0a1b2c3d4e5f");
    assertThat(SessionStore.validate(out).problems()).isEmpty();
  }

  @Test
  void aTranscriptFarLargerThanTheHeapIsConvertedOneMessageAtATime() throws Exception {
    // 600 streamed turns of two records holding ~100 KB of text each (~120 MB), converted in a
    // 48 MB heap: the blocks of every turn held at once would not fit
    Path big = dir.resolve("big.jsonl");
    String filler = "all work and no play ".repeat(2500); // 52,500 characters
    try (var w = Files.newBufferedWriter(big)) {
      String parent = null;
      for (int t = 0; t < 600; t++) {
        String user = u(0x10000000, 3 * t);
        w.write(record(user, parent, "user", "{\"role\":\"user\",\"content\":\"turn " + t + "\"}"));
        String first = u(0x10000000, 3 * t + 1);
        String msg = "{\"id\":\"msg_" + t + "\",\"role\":\"assistant\",\"content\":";
        w.write(
            record(
                first,
                user,
                "assistant",
                msg + "[{\"type\":\"text\",\"text\":\"a" + t + " " + filler + "\"}]}"));
        parent = u(0x10000000, 3 * t + 2);
        w.write(
            record(
                parent,
                first,
                "assistant",
                msg + "[{\"type\":\"text\",\"text\":\"b" + t + " " + filler + "\"}]}"));
      }
    }
    Path out = dir.resolve("big-grove.jsonl");
    Process p =
        new ProcessBuilder(
                ProcessHandle.current().info().command().orElseThrow(),
                "-Xmx48m",
                "-cp",
                System.getProperty("java.class.path"),
                ImportInSmallHeap.class.getName(),
                big.toString(),
                out.toString())
            .redirectErrorStream(true)
            .start();
    String said = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor()).as(said).isZero();
    assertThat(said).contains("1800 entries");
    try (SessionStore s = SessionStore.open(out)) {
      Body.Message turn = (Body.Message) s.entry(u(0x10000000, 3 * 599 + 1)).body();
      assertThat(turn.content()).startsWith("a599 ").contains("\nb599 ").hasSize(2 * 52_505 + 1);
      assertThat(s.context(u(0x10000000, 3 * 599 + 2))).hasSize(1200);
    }
  }

  private static String record(String uuid, String parent, String type, String message) {
    return "{\"parentUuid\":"
        + (parent == null ? "null" : "\"" + parent + "\"")
        + ",\"isSidechain\":false,\"sessionId\":\"s-big\",\"cwd\":\"/w\",\"type\":\""
        + type
        + "\",\"message\":"
        + message
        + ",\"uuid\":\""
        + uuid
        + "\",\"timestamp\":\"2026-11-03T10:00:00.000Z\"}\n";
  }

  /** {@code importFile(args[0], args[1])}, run in a JVM of its own with a small heap. */
  static final class ImportInSmallHeap {
    public static void main(String[] args) {
      ForeignSessions.Imported r = ForeignSessions.importFile(Path.of(args[0]), Path.of(args[1]));
      System.out.println(r.entries() + " entries");
    }
  }
}
