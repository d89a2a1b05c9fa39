package dev.grove.session.foreign;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.grove.session.Body;
import dev.grove.session.Entry;
import dev.grove.session.Node;
import dev.grove.session.Problem;
import dev.grove.session.Role;
import dev.grove.session.SessionException;
import dev.grove.session.SessionStore;
import dev.grove.session.ValidationReport;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * pi session files read as grove sessions: every entry type, branches, labels, compaction, format
 * versions 1–3, damaged lines. The expected contexts are the ones pi 0.58.3's own {@code
 * buildSessionContext} + {@code convertToLlm} build for these fixtures, checked entry by entry.
 */
class PiSessionTest {
  @TempDir Path dir;

  static Path fixture(String name) {
    try {
      return Path.of(PiSessionTest.class.getResource("/foreign/pi/" + name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Opened as grove opens it: in place (format 2 and 3), or converted (format 1). */
  private SessionStore open(String name) {
    return ForeignSessions.open(fixture(name), dir.resolve("imports"));
  }

  private static final String COMPACTED =
      "Summary of the conversation so far (earlier messages were compacted):\n\n";

  /** One message of a context: who speaks and the start of what they say. */
  private record Said(String id, String role, String text) {}

  private static Said said(Entry e) {
    return switch (e.body()) {
      case Body.Message m -> new Said(e.id(), m.role().wireName(), m.content());
      case Body.Summary s -> new Said(e.id(), s.kind().wireName() + "-summary", s.summary());
      default -> new Said(e.id(), e.type(), null);
    };
  }

  @Test
  void formatIsDetectedFromTheFirstLine() {
    assertThat(ForeignSessions.detect(fixture("v3-all-types.jsonl"))).isEqualTo(Format.PI);
    assertThat(ForeignSessions.detect(fixture("v1-linear.jsonl"))).isEqualTo(Format.PI);
  }

  @Test
  void contextAtPisLeafIsTheCompactionSummaryThenTheKeptEntriesThenWhatFollows() {
    try (SessionStore s = open("v3-all-types.jsonl")) {
      assertThat(s.laneHead("main")).contains("a1000004"); // pi's leaf: the last entry
      assertThat(s.context("a1000004"))
          .map(PiSessionTest::said)
          .containsExactly(
              new Said("k1000001", "user", COMPACTED + "Found the inverted check in Login.java."),
              new Said("u1000003", "user", "just flip the check"),
              new Said(
                  "x1000001",
                  "user",
                  "Ran `mvn -q test`\n```\nBUILD FAILURE\n```\n\nCommand exited with code 1"),
              new Said("c1000001", "user", "remember the tests"),
              new Said("u1000004", "user", "ship it"),
              new Said("a1000004", "assistant", "Shipped."));
    }
  }

  @Test
  void anAbandonedBranchBelowALabelKeepsItsOwnContext() {
    try (SessionStore s = open("v3-all-types.jsonl")) {
      assertThat(s.context("a1000003"))
          .map(PiSessionTest::said)
          .containsExactly(
              new Said("u1000001", "user", "fix the login bug"),
              new Said("a1000001", "assistant", "Looking."),
              new Said("t1000001", "tool", "if (!ok) deny();"),
              new Said("t1000002", "tool", "no such directory: src"),
              new Said("a1000002", "assistant", "The check is inverted."),
              new Said("u1000002", "user", "try another way"),
              new Said("a1000003", "assistant", "Rewriting the whole class."));
      assertThat(s.labels()).containsEntry("a1000002", "found-it");
      assertThat(s.node("u1000002").parentId()).isEqualTo("a1000002");
    }
  }

  @Test
  void aBranchSummaryStandsWhereItIsAndNamesTheAbandonedBranch() {
    try (SessionStore s = open("v3-all-types.jsonl")) {
      List<Entry> ctx = s.context("u1000003");
      assertThat(ctx)
          .map(PiSessionTest::said)
          .map(Said::id)
          .containsExactly(
              "u1000001", "a1000001", "t1000001", "t1000002", "a1000002", "b1000001", "u1000003");
      assertThat(said(ctx.get(5)).text())
          .startsWith("Summary of an earlier attempt from this point, which was abandoned:");
      Body.Summary b = (Body.Summary) s.entry("b1000001").body();
      assertThat(b.kind()).isEqualTo(Body.SummaryKind.BRANCH);
      assertThat(List.of(b.fromId(), b.toId())).containsExactly("u1000002", "a1000003");
    }
  }

  @Test
  void assistantTurnsKeepToolCallsModelAndUsage() {
    try (SessionStore s = open("v3-all-types.jsonl")) {
      Body.Message a = (Body.Message) s.entry("a1000001").body();
      assertThat(a.toolCalls())
          .extracting(c -> c.id() + " " + c.name() + " " + c.arguments())
          .containsExactly(
              "call_1 read {\"path\":\"src/Login.java\"}",
              "call_2 grep {\"pattern\":\"ok\",\"path\":\"src\"}");
      assertThat(a.model()).isEqualTo("anthropic:claude-sonnet-4-5");
      assertThat(a.usage().inputTokens()).isEqualTo(1830);
      assertThat(a.usage().cost()).isEqualTo(0.0069);
      Body.Message err = (Body.Message) s.entry("t1000002").body();
      assertThat(err.isError()).isTrue();
      assertThat(err.toolCallId()).isEqualTo("call_2");
    }
  }

  @Test
  void otherEntryTypesAreEventsAndAnUnknownTypeIsKeptAsSuch() {
    try (SessionStore s = open("v3-all-types.jsonl")) {
      assertThat(((Body.Event) s.entry("e1000001").body()).kind()).isEqualTo("pi.model_change");
      assertThat(((Body.Event) s.entry("e1000002").body()).kind())
          .isEqualTo("pi.thinking_level_change");
      assertThat(((Body.Event) s.entry("c1000002").body()).kind()).isEqualTo("pi.custom");
      assertThat(((Body.Event) s.entry("s1000001").body()).kind()).isEqualTo("pi.session_info");
      Node unknown = s.node("z1000001");
      assertThat(unknown.type()).isEqualTo("hologram");
      assertThat(s.entry("z1000001").body()).isInstanceOf(Body.Unknown.class);
    }
  }

  @Test
  void versionOneFilesGetIdsFromLinesAndCompactionByIndex() {
    try (SessionStore s = open("v1-linear.jsonl")) {
      String leaf = s.laneHead("main").orElseThrow();
      assertThat(leaf).isEqualTo("00000007");
      assertThat(s.context(leaf))
          .map(PiSessionTest::said)
          .containsExactly(
              new Said("00000006", "user", COMPACTED + "Greeted; did x."),
              new Said("00000004", "user", "do x"),
              new Said("00000005", "assistant", "done x"),
              new Said("00000007", "user", "next"));
    }
  }

  @Test
  void versionTwoHookMessagesAreCustomMessagesAsInVersionThree() {
    try (SessionStore s = open("v2-hook-message.jsonl")) {
      assertThat(s.context("aa000003"))
          .map(PiSessionTest::said)
          .containsExactly(
              new Said("aa000001", "user", "start"),
              new Said("aa000002", "user", "2 warnings"),
              new Said("aa000003", "assistant", "Fixing the warnings."));
    }
  }

  @Test
  void damagedLinesAreReportedWithThePiFileAndLine() {
    Path damaged = fixture("damaged.jsonl");
    ValidationReport r = ForeignSessions.validate(damaged);
    assertThat(r.file()).isEqualTo(damaged);
    assertThat(r.problems()).extracting(Problem::line).containsExactly(3, 4, 5);
    assertThat(r.problems().get(0).message()).contains("not valid JSON");
    assertThat(r.problems().get(1).message()).contains("not UTF-8");
    assertThat(r.problems().get(2).message()).contains("parentId ffffffff");
    assertThatThrownBy(() -> open("damaged.jsonl"))
        .isInstanceOfSatisfying(
            SessionException.Corrupt.class,
            c -> {
              assertThat(c.file()).isEqualTo(damaged);
              assertThat(c.problems()).extracting(Problem::line).containsExactly(3, 4, 5);
            });
  }

  @Test
  void importRecordsTheSourceInTheHeaderAndNeverTouchesIt() throws Exception {
    Path source = fixture("v3-all-types.jsonl");
    byte[] before = Files.readAllBytes(source);
    Path out = dir.resolve("imported.jsonl");
    ForeignSessions.Imported imported = ForeignSessions.importFile(source, out);
    assertThat(imported.entries()).isEqualTo(20);
    assertThat(Files.readAllBytes(source)).isEqualTo(before);
    assertThat(Files.readAllLines(out).get(0))
        .contains("\"importedFrom\":{\"tool\":\"pi\",\"version\":3");
    assertThat(SessionStore.validate(out).problems()).isEmpty();
    assertThat(SessionStore.readHeader(out).cwd()).isEqualTo("/home/ada/shop");
    assertThat(ForeignSessions.detect(out)).isEqualTo(Format.GROVE);
  }

  @Test
  void anImportNeverReplacesAFileAndAFailedOneLeavesNothingBehind() throws Exception {
    Path mine = Files.writeString(dir.resolve("mine.jsonl"), "my own notes\n");
    assertThatThrownBy(() -> ForeignSessions.importFile(fixture("v3-all-types.jsonl"), mine))
        .isInstanceOf(SessionException.class)
        .hasMessageContaining("exists");
    assertThatThrownBy(() -> ForeignSessions.importFile(fixture("damaged.jsonl"), mine))
        .isInstanceOf(SessionException.class);
    assertThat(Files.readString(mine)).isEqualTo("my own notes\n");

    Path fresh = dir.resolve("fresh.jsonl");
    assertThatThrownBy(() -> ForeignSessions.importFile(fixture("damaged.jsonl"), fresh))
        .isInstanceOf(SessionException.Corrupt.class);
    try (var left = Files.list(dir)) {
      assertThat(left.map(p -> p.getFileName().toString())).containsExactly("mine.jsonl");
    }
  }

  @Test
  void aSecondOpenReadsTheCachedConversion() throws Exception {
    Path first = ForeignSessions.readable(fixture("v3-all-types.jsonl"), dir);
    long modified = Files.getLastModifiedTime(first).toMillis();
    Path second = ForeignSessions.readable(fixture("v3-all-types.jsonl"), dir);
    assertThat(second).isEqualTo(first);
    assertThat(Files.getLastModifiedTime(second).toMillis()).isEqualTo(modified);
    assertThat(Role.USER.wireName()).isEqualTo("user");
  }
}
