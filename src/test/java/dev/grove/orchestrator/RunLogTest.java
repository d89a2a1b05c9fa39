package dev.grove.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.grove.session.Body;
import dev.grove.session.Draft;
import dev.grove.session.Parent;
import dev.grove.session.SessionStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The typed run log: what earlier versions wrote still reads, what it writes reads back, and lies
 * are refused.
 */
class RunLogTest {
  static final String C1 = "1".repeat(40);
  static final String C2 = "2".repeat(40);
  @TempDir Path tmp;

  @Test
  void aRunWrittenByVersion01FoldsToTheStateItShowedThen() throws Exception {
    Path file = tmp.resolve("run.jsonl");
    Files.copy(RunLogTest.class.getResourceAsStream("/runs/demo-0.1.jsonl"), file);
    try (SessionStore s = SessionStore.open(file)) {
      RunStatus st = RunStatus.of("20261130-181939-50af", s);
      assertThat(st.state()).isEqualTo(RunState.FINISHED);
      assertThat(st.base()).isEqualTo("main");
      assertThat(st.lanes())
          .extracting(LaneStatus::lane, LaneStatus::state, LaneStatus::steps)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple("fix-discount", LaneState.MERGED, 4),
              org.assertj.core.groups.Tuple.tuple("add-tax", LaneState.SHIPPED, 5),
              org.assertj.core.groups.Tuple.tuple("fix-rounding", LaneState.FAILED, 4),
              org.assertj.core.groups.Tuple.tuple("fix-rounding-2", LaneState.SHIPPED, 3));
      assertThat(st.lanes().get(2).detail())
          .startsWith("verification failed: `sh run-tests.sh RoundingTest` exited 1");
      assertThat(st.lanes().get(3).forkOf()).isEqualTo("fix-rounding");
      assertThat(st.succeeded()).isTrue();
      RunEvent.RunStarted started = new RunLog(s).started();
      assertThat(started.ships()).isTrue();
      assertThat(started.baseCommit()).matches("[0-9a-f]{40}");
      assertThat(new RunLog(s).read())
          .extracting(l -> l.event().getClass().getSimpleName())
          .doesNotContain("Unknown");
    }
  }

  @Test
  void everyEventReadsBackAsItWasWritten() {
    List<RunEvent> all =
        List.of(
            new RunEvent.RunStarted(
                "r",
                "/repo",
                "main",
                C1,
                "openai:gpt-4.1",
                4,
                1,
                "mvn -q test",
                "origin",
                "github",
                "https://ghe.example/api/v3",
                "GHE_TOKEN",
                false,
                "tasks",
                List.of("dist/")),
            new RunEvent.LaneSpawned(
                "fix",
                "Fix it",
                "task/fix",
                "/wt/fix",
                "main",
                C1,
                null,
                "openai:gpt-4.1",
                null,
                null,
                null,
                null),
            new RunEvent.LaneSpawned(
                "fix-2",
                "Fix it",
                "task/fix-2",
                "/wt/fix-2",
                "main",
                C1,
                "sh t.sh",
                "m",
                "fix",
                "abcd1234",
                C2,
                "try again"),
            new RunEvent.LaneStarted("openai:gpt-4.1"),
            new RunEvent.LaneFinished("done", new RunEvent.Work(3, 100, 20, 0.5, 12.5)),
            new RunEvent.LaneFailed("broke", RunEvent.Work.NONE),
            new RunEvent.LaneStopped("interrupted", RunEvent.Work.NONE),
            new RunEvent.LaneVerified("mvn -q test", true, 0, false, "ok", C2),
            new RunEvent.LaneCommitted(
                C2, 2, "2 files changed", List.of("a", "b"), List.of(".grove: never shipped")),
            new RunEvent.LanePushed("origin", "https://github.com/o/r.git", "task/fix", C2),
            new RunEvent.PullRequestOpened(
                "github", "7", "https://github.com/o/r/pull/7", false, "task/fix", "main"),
            new RunEvent.ShippingFailed("push", "rejected"),
            new RunEvent.LaneCleaned("/wt/fix", "refs/grove/saved/fix/x"),
            new RunEvent.LaneMerged("main", C2, true),
            new RunEvent.RunInterrupted("interrupted"),
            new RunEvent.TasksGiven(
                List.of(new Task("fix", "Fix it", "sh t.sh"), new Task(null, "Add it", null)),
                1,
                List.of(),
                Scoring.defaults()),
            new RunEvent.TasksGiven(
                List.of(new Task(null, "Fix it", null)),
                3,
                List.of("scripted:a.json", "scripted:b.json"),
                Scoring.defaults()),
            new RunEvent.RunFinished(Map.of("shipped", 1L)));
    for (RunEvent e : all) {
      assertThat(RunEventCodec.decode(e.kind(), RunEventCodec.encode(e))).as(e.kind()).isEqualTo(e);
    }
  }

  @Test
  void aFieldThatDoesNotValidateIsRefusedNamingFileAndLine() {
    record Case(String kind, String field, String value, String says) {}
    List<Case> cases =
        List.of(
            new Case(
                "lane.spawned",
                "baseCommit",
                "--output=../../../../.bashrc",
                "baseCommit is not a commit id"),
            new Case("lane.spawned", "branch", "--force", "is not lane fix's"),
            new Case("lane.spawned", "base", "-c core.pager=sh", "not a usable ref name"),
            new Case("lane.spawned", "lane", "../../etc", "not a lane name"),
            new Case("lane.spawned", "checkpoint", "HEAD~1", "not a commit id"),
            new Case("lane.pushed", "commit", "main", "not a commit id"),
            new Case("lane.pushed", "branch", "main", "not a lane's"),
            new Case("lane.merged", "into", "--upload-pack=touch /tmp/x", "not a usable ref name"));
    for (Case c : cases) {
      Path file = tmp.resolve(c.kind() + "-" + c.field() + ".jsonl");
      try (SessionStore s = SessionStore.create(file, "/repo")) {
        s.append(
            new Draft(
                Parent.root(),
                "main",
                new Body.Event(
                    "run.started",
                    RunEventCodec.encode(
                        new RunEvent.RunStarted(
                            "r", "/repo", "main", C1, "m", 1, 0, null, "origin", "local", null,
                            null, true, "tasks", null)))));
        ObjectNode d =
            switch (c.kind()) {
              case "lane.spawned" ->
                  RunEventCodec.encode(
                      new RunEvent.LaneSpawned(
                          "fix",
                          "t",
                          "task/fix",
                          "/wt",
                          "main",
                          C1,
                          null,
                          "m",
                          null,
                          null,
                          null,
                          null));
              case "lane.pushed" ->
                  RunEventCodec.encode(new RunEvent.LanePushed("origin", "u", "task/fix", C1));
              default -> RunEventCodec.encode(new RunEvent.LaneMerged("main", C1, false));
            };
        d.put(c.field(), c.value());
        s.append(Draft.onLane("main", new Body.Event(c.kind(), d)));
        assertThatThrownBy(() -> RunStatus.of("r", s))
            .as(c.toString())
            .isInstanceOf(OrchestratorException.Invalid.class)
            .hasMessageContaining(file + " line 3")
            .hasMessageContaining(c.says());
      }
    }
  }

  /** A run.tasks entry read back is input like any other: what does not validate is refused. */
  @Test
  void aTasksEntryThatDoesNotValidateIsRefusedNamingFileAndLine() throws Exception {
    Map<String, String> cases =
        Map.of(
            "{\"tasks\":[{\"task\":\"t\"}],\"attempts\":0}", "attempts is not between",
            "{\"tasks\":[{\"task\":\"t\"}],\"attempts\":\"2\"}", "attempts is not a whole",
            "{\"tasks\":[{\"slug\":\"../..\",\"task\":\"t\"}]}", "no letters or digits",
            "{\"tasks\":[{\"task\":\"\"}]}", "a task needs some text",
            "{\"tasks\":[{\"task\":7}]}", "task is not a string",
            "{\"tasks\":\"all of them\"}", "tasks");
    int n = 0;
    for (Map.Entry<String, String> c : cases.entrySet()) {
      Path file = tmp.resolve("tasks-" + n++ + ".jsonl");
      try (SessionStore s = SessionStore.create(file, "/repo")) {
        s.append(
            new Draft(
                Parent.root(),
                "main",
                new Body.Event(
                    "run.started",
                    RunEventCodec.encode(
                        new RunEvent.RunStarted(
                            "r", "/repo", "main", C1, "m", 1, 0, null, "origin", "local", null,
                            null, true, "tasks", null)))));
        ObjectNode d =
            (ObjectNode) new com.fasterxml.jackson.databind.ObjectMapper().readTree(c.getKey());
        s.append(Draft.onLane("main", new Body.Event("run.tasks", d)));
        assertThatThrownBy(() -> RunStatus.of("r", s))
            .as(c.getKey())
            .isInstanceOf(OrchestratorException.Invalid.class)
            .hasMessageContaining(file + " line 3")
            .hasMessageContaining(c.getValue());
      }
    }
  }

  @Test
  void aKindFromANewerVersionIsKeptAndChangesNoState() {
    try (SessionStore s = SessionStore.create(tmp.resolve("r.jsonl"), "/repo")) {
      RunLog log = new RunLog(s);
      s.append(
          new Draft(
              Parent.root(),
              "main",
              new Body.Event(
                  "run.started",
                  RunEventCodec.encode(
                      new RunEvent.RunStarted(
                          "r", "/repo", "main", C1, "m", 1, 0, null, "origin", "local", null, null,
                          true, "tasks", null)))));
      log.append(
          "main",
          new RunEvent.LaneSpawned(
              "a", "t", "task/a", "/wt", "main", C1, null, "m", null, null, null, null));
      log.appendForLane("a", new RunEvent.LaneStarted("m"));
      s.append(
          Draft.onLane(
              "a",
              new Body.Event(
                  "lane.telepathy",
                  com.fasterxml.jackson.databind.node.JsonNodeFactory.instance
                      .objectNode()
                      .put("x", 1))));
      RunStatus st = RunStatus.of("r", s);
      assertThat(st.lanes())
          .singleElement()
          .extracting(LaneStatus::state)
          .isEqualTo(LaneState.RUNNING);
      assertThat(log.read("a"))
          .extracting(RunLog.Logged::event)
          .last()
          .isEqualTo(new RunEvent.Unknown("lane.telepathy"));
    }
  }
}
