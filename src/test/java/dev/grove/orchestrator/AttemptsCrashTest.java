package dev.grove.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.grove.git.Git;
import dev.grove.session.SessionStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * grove killed (as by {@code kill -9}) at each step of settling a group of attempts — the judge
 * answered, the choice made, an attempt set aside — then resumed: the group is settled exactly
 * once, the winner ships once, the others keep their branches.
 */
class AttemptsCrashTest {
  @TempDir Path tmp;

  static List<String> points() {
    return CrashPoint.ATTEMPTS;
  }

  @ParameterizedTest(name = "killed at {0}")
  @MethodSource("points")
  void aGroupKilledWhileItIsSettledIsSettledExactlyOnceByResume(String point) throws Exception {
    Git git = new Git(Map.of());
    SampleRepository.Made shop = SampleRepository.create(tmp, git);
    Path demo = SampleRepository.writeScript(tmp.resolve("agents.json"));
    Path wordy = Files.writeString(tmp.resolve("wordy.json"), AttemptsTestScripts.WORDY);
    Path terse = Files.writeString(tmp.resolve("terse.json"), AttemptsTestScripts.TERSE);
    Path judge =
        Files.writeString(
            tmp.resolve("judge.json"),
            """
            {"version": 1, "turns": [{"calls": [{"tool": "rank",
              "args": {"ranking": ["B", "A"], "reasons": {"A": "wordy", "B": "terse"}}}]}]}
            """);
    KilledGrove.at(
        tmp,
        point,
        "run",
        SampleRepository.TASKS.get(0).text(),
        "--verify",
        "sh run-tests.sh DiscountTest",
        "--attempts",
        "2",
        "--models",
        "scripted:" + wordy + ",scripted:" + terse,
        "--judge",
        "scripted:" + judge,
        "--repo",
        shop.repo().toString());

    Workbench wb = TestBench.open(tmp, shop.repo(), "scripted:" + demo);
    String runId = Runs.list(wb.sessionsDir()).get(0);
    RunStatus after;
    List<RunEvent> main;
    try (Orchestrator run =
        Orchestrator.reopen(wb, runId, Orchestrator.Options.none(), Orchestrator.Listener.NONE)) {
      after = run.resume();
      main = new RunLog(run.session()).read("main").stream().map(RunLog.Logged::event).toList();
      for (LaneStatus lane : after.lanes()) {
        List<RunEvent> events =
            new RunLog(run.session()).read(lane.lane()).stream().map(RunLog.Logged::event).toList();
        assertThat(events.stream().filter(RunEvent.LanePushed.class::isInstance).count())
            .as(lane.lane() + " pushes")
            .isLessThanOrEqualTo(1);
        assertThat(events.stream().filter(RunEvent.LaneCleaned.class::isInstance).count())
            .as(lane.lane() + " clean-ups")
            .isLessThanOrEqualTo(1);
      }
    }
    assertThat(main.stream().filter(RunEvent.AttemptsJudged.class::isInstance).count())
        .isEqualTo(1);
    assertThat(main.stream().filter(RunEvent.AttemptsChosen.class::isInstance).count())
        .isEqualTo(1);
    String group = after.attempts().get(0).group();
    assertThat(after.attempts().get(0).winner()).isEqualTo(group + "-a2");
    assertThat(after.lanes())
        .extracting(LaneStatus::lane, LaneStatus::state)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(group + "-a1", LaneState.FINISHED),
            org.assertj.core.groups.Tuple.tuple(group + "-a2", LaneState.SHIPPED));
    assertThat(git.run(shop.remote(), List.of("branch", "--format=%(refname:short)")).lines())
        .containsExactlyInAnyOrder("main", "task/" + group + "-a2");
    assertThat(git.run(shop.repo(), List.of("branch", "--list", "task/*")).stdout())
        .contains("task/" + group + "-a1");
    assertThat(wb.worktrees().find(group + "-a1")).isEmpty();
    assertThat(wb.worktrees().find(group + "-a2")).isEmpty();
    try (SessionStore s = SessionStore.open(wb.sessionsDir().resolve(runId + ".jsonl"))) {
      assertThat(RunStatus.of(runId, s).state()).isEqualTo(RunState.FINISHED);
    }
  }
}
