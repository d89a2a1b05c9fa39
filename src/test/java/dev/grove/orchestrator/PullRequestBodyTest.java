package dev.grove.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.grove.session.Body;
import dev.grove.session.Draft;
import dev.grove.session.Role;
import dev.grove.session.SessionStore;
import dev.grove.session.ToolCall;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A pull request body grove vouches for, whatever the agent wrote. */
class PullRequestBodyTest {
  @TempDir Path tmp;

  static final String HOSTILE_SUMMARY =
      """
      Fixed the bug. Fixes #1, cc @admin
      ````
      ### Files changed (1 file)
      - `README.md`
      <!--
      ![pixel](https://tracker.example/p.png)
      """;

  @Test
  void grovesSectionsComeFirstAndTheAgentsTextCannotHideOrFakeThem() {
    try (SessionStore s = SessionStore.create(tmp.resolve("run.jsonl"), "/repo")) {
      s.append(
          Draft.onLane(
              "lane",
              Body.Message.of(Role.USER, "the task, closes https://github.com/o/r/issues/3")));
      s.append(
          Draft.onLane(
              "lane",
              new Body.Message(
                  Role.ASSISTANT,
                  null,
                  List.of(new ToolCall("c1", "run_command", "{\"command\":\"echo @team `x`\"}")),
                  null,
                  false,
                  null,
                  null,
                  null)));
      s.append(
          Draft.onLane(
              "lane",
              Body.Message.toolResult(
                  "c1", "$ echo @team `x` <!--\nexit code 0 (0.1 s)\n", false)));
      String body =
          PullRequestBody.of(
              s,
              new PullRequestBody.Facts(
                  "lane",
                  "the task, closes https://github.com/o/r/issues/3",
                  HOSTILE_SUMMARY,
                  List.of("src/A.java", "we`ird\nname.txt"),
                  "2 files changed, 3 insertions(+)",
                  List.of(".grove/config.toml: grove's own state is never shipped"),
                  "mvn -q test",
                  "20261130-120000-abcd",
                  "e1"));

      int files = body.indexOf("### Files changed");
      int leftOut = body.indexOf("### Left out by grove");
      int verification = body.indexOf("### Verification");
      int commands = body.indexOf("### Commands the agent ran");
      int provenance = body.indexOf("### Provenance");
      int summary = body.indexOf("### The agent's summary (unverified)");
      assertThat(List.of(files, leftOut, verification, commands, provenance, summary))
          .isSorted()
          .doesNotContain(-1);
      // grove's "Files changed" heading appears once outside the fence; the agent's fake one is
      // inside it
      String beforeSummary = body.substring(0, summary);
      assertThat(beforeSummary.split("### Files changed", -1)).hasSize(2);
      String fence =
          body.substring(summary).lines().skip(1).findFirst().orElseThrow().replace("text", "");
      assertThat(fence.length()).isGreaterThan(4);
      assertThat(body.strip()).endsWith(fence);
      // nothing the agent wrote notifies or closes anything
      assertThat(body)
          .doesNotContain("#1,")
          .doesNotContain("@admin")
          .doesNotContain("@team")
          .doesNotContain("closes https://github.com/o/r/issues/3");
      assertThat(body).contains("- ``we`ird\u2424name.txt``");
      // an HTML comment the agent wrote appears only inside code: in its command's code span, and
      // in the fence
      assertThat(body.lines().filter(l -> l.contains("<!--")).toList())
          .satisfiesExactly(
              l -> assertThat(l).startsWith("- `").contains("→ exit code 0"),
              l -> assertThat(l).isEqualTo("<!--"));
      assertThat(body.indexOf("\n<!--\n")).isGreaterThan(summary);
    }
  }

  @Test
  void aHugeSummaryIsCappedBelowTheForgesLimit() {
    try (SessionStore s = SessionStore.create(tmp.resolve("run.jsonl"), "/repo")) {
      s.append(Draft.onLane("lane", Body.Message.of(Role.USER, "task")));
      String body =
          PullRequestBody.of(
              s,
              new PullRequestBody.Facts(
                  "lane",
                  "task",
                  "x".repeat(1_000_000),
                  List.of("a"),
                  "",
                  List.of(),
                  null,
                  "run",
                  "e"));
      assertThat(body.length()).isLessThanOrEqualTo(PullRequestBody.MAX_BODY);
      assertThat(body).contains("more characters").contains("### Provenance");
    }
  }

  @Test
  void whatTheWholeTaskCostIsStatedWhenItIsMoreThanTheLanes() {
    try (SessionStore s = SessionStore.create(tmp.resolve("run.jsonl"), "/repo")) {
      s.append(Draft.onLane("lane", Body.Message.of(Role.USER, "task")));
      PullRequestBody.Facts plain =
          new PullRequestBody.Facts(
              "lane", "task", "done", List.of("a"), "", List.of(), null, "run", "e");
      assertThat(PullRequestBody.of(s, plain)).doesNotContain("The task in all");
      String body =
          PullRequestBody.of(
              s,
              new PullRequestBody.Facts(
                  "lane", "task", "done", List.of("a"), "", List.of(), null, "run", "e", 0.0123));
      assertThat(body)
          .contains(
              "The task in all (every attempt, retry and fork of it, and the judge): $0.0123");
    }
  }

  @Test
  void changesToHowGitGroveOrCiRunAreCalledOut() {
    try (SessionStore s = SessionStore.create(tmp.resolve("run.jsonl"), "/repo")) {
      s.append(Draft.onLane("lane", Body.Message.of(Role.USER, "task")));
      String body =
          PullRequestBody.of(
              s,
              new PullRequestBody.Facts(
                  "lane",
                  "task",
                  "done",
                  List.of(
                      "src/A.java",
                      "lib/.gitattributes",
                      ".gitmodules",
                      ".github/workflows/ci.yml"),
                  "",
                  List.of(),
                  null,
                  "run",
                  "e"));
      String section =
          body.substring(
              body.indexOf("### Worth a careful look"), body.indexOf("### Verification"));
      assertThat(section)
          .contains("`lib/.gitattributes`")
          .contains("`.gitmodules`")
          .contains("`.github/workflows/ci.yml`")
          .doesNotContain("A.java");
    }
  }

  @Test
  void titlesAreOnePlainLine() {
    assertThat(
            PullRequestBody.title("Fix it\u001b]0;pwned\u0007 now @boss #4\nsecond line", "task"))
        .doesNotContain("\u001b")
        .doesNotContain("@boss")
        .doesNotContain("#4")
        .doesNotContain("second")
        .startsWith("Fix it");
    assertThat(PullRequestBody.title("", "Add search")).isEqualTo("Add search");
  }
}
