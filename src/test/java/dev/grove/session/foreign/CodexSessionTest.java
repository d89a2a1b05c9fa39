package dev.grove.session.foreign;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.grove.session.Body;
import dev.grove.session.Entry;
import dev.grove.session.Problem;
import dev.grove.session.SessionException;
import dev.grove.session.SessionStore;
import dev.grove.session.ValidationReport;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Codex CLI rollouts read as grove sessions: messages, function and custom tool calls with their
 * outputs, reasoning and event lines kept out of context, compaction, damaged lines.
 */
class CodexSessionTest {
  @TempDir Path dir;

  static final String ROLLOUT = "rollout-2026-11-06T08-00-00-019a2d7a.jsonl";

  static Path fixture(String name) {
    try {
      return Path.of(CodexSessionTest.class.getResource("/foreign/codex/" + name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private SessionStore open(String name) {
    return SessionStore.open(ForeignSessions.readable(fixture(name), dir.resolve("imports")));
  }

  private static String line(int n) {
    return String.format("codex-%08d", n);
  }

  /** One message of a context: who speaks, what they say, which call they make or answer. */
  private record Said(String id, String role, String text, String call) {}

  private static Said said(Entry e) {
    return switch (e.body()) {
      case Body.Message m ->
          new Said(
              e.id(),
              m.role().wireName(),
              m.content(),
              m.toolCallId() != null
                  ? m.toolCallId()
                  : m.toolCalls().isEmpty() ? null : m.toolCalls().get(0).id());
      default -> new Said(e.id(), e.type(), null, null);
    };
  }

  @Test
  void formatIsDetectedFromTheSessionMetaLine() {
    assertThat(ForeignSessions.detect(fixture(ROLLOUT))).isEqualTo(Format.CODEX);
  }

  @Test
  void aRolloutIsLinearAndItsContextHoldsMessagesCallsAndOutputsButNotReasoningOrEvents() {
    try (SessionStore s = open(ROLLOUT)) {
      assertThat(s.leaves()).hasSize(1);
      assertThat(s.context(line(13)))
          .map(CodexSessionTest::said)
          .containsExactly(
              new Said(
                  line(2),
                  "user",
                  "<environment_context>\n  <cwd>/home/ada/shop</cwd>\n</environment_context>",
                  null),
              new Said(line(3), "user", "fix the failing login test", null),
              new Said(line(7), "assistant", null, "call_A1"),
              new Said(line(8), "assistant", null, "call_A2"),
              new Said(line(9), "tool", "if (!ok) deny();", "call_A1"),
              new Said(line(10), "tool", "assertTrue(login());", "call_A2"),
              new Said(line(11), "assistant", null, "call_B1"),
              new Said(line(12), "tool", "Success. Updated: M src/Login.java", "call_B1"),
              new Said(line(13), "assistant", "The check was inverted; fixed.", null));
    }
  }

  @Test
  void callsKeepTheirArgumentsAndTheTurnContextsModel() {
    try (SessionStore s = open(ROLLOUT)) {
      Body.Message shell = (Body.Message) s.entry(line(7)).body();
      assertThat(shell.toolCalls().get(0).name()).isEqualTo("shell");
      assertThat(shell.toolCalls().get(0).arguments()).contains("cat src/Login.java");
      assertThat(shell.model()).isEqualTo("openai:gpt-5-codex");
      Body.Message patch = (Body.Message) s.entry(line(11)).body();
      assertThat(patch.toolCalls().get(0).arguments()).contains("*** Begin Patch");
      assertThat(s.entry(line(6)).body())
          .isInstanceOfSatisfying(
              Body.Event.class,
              e -> {
                assertThat(e.kind()).isEqualTo("codex.reasoning");
                assertThat(e.data().path("summary").get(0).path("text").asText())
                    .isEqualTo("**Reading the code**");
              });
      assertThat(s.entry(line(14)).body())
          .isInstanceOfSatisfying(
              Body.Event.class, e -> assertThat(e.kind()).isEqualTo("codex.event_msg.token_count"));
    }
  }

  @Test
  void aCompactedLineReplacesEverythingBeforeIt() {
    try (SessionStore s = open(ROLLOUT)) {
      assertThat(s.laneHead("main")).contains(line(17));
      assertThat(s.context(line(17)))
          .map(CodexSessionTest::said)
          .containsExactly(
              new Said(
                  line(15),
                  "user",
                  "Summary of the conversation so far (earlier messages were compacted):\n\n"
                      + "The user asked to fix the login test; the inverted check was fixed.",
                  null),
              new Said(line(16), "user", "now document it", null),
              new Said(line(17), "assistant", "Documented in README.md.", null));
    }
  }

  @Test
  void damagedLinesAreReportedWithTheRolloutAndItsLine() {
    Path damaged = fixture("damaged.jsonl");
    ValidationReport r = ForeignSessions.validate(damaged);
    assertThat(r.problems()).extracting(Problem::line).containsExactly(3, 4);
    assertThat(r.problems().get(0).message()).contains("not valid JSON");
    assertThat(r.problems().get(1).message()).contains("ISO-8601");
    assertThatThrownBy(() -> open("damaged.jsonl"))
        .isInstanceOfSatisfying(
            SessionException.Corrupt.class, c -> assertThat(c.file()).isEqualTo(damaged));
  }

  @Test
  void importRecordsTheRolloutInTheHeader() throws Exception {
    Path out = dir.resolve("imported.jsonl");
    ForeignSessions.Imported imported = ForeignSessions.importFile(fixture(ROLLOUT), out);
    assertThat(imported.format()).isEqualTo(Format.CODEX);
    assertThat(imported.entries()).isEqualTo(16);
    assertThat(Files.readAllLines(out).get(0))
        .contains("\"importedFrom\":{\"tool\":\"codex\"")
        .contains("\"version\":\"0.46.0\"");
    assertThat(SessionStore.readHeader(out).id()).isEqualTo("019a2d7a-41c4-78b1-b7cc-a45d62a89cd5");
    assertThat(SessionStore.validate(out).problems()).isEmpty();
  }
}
