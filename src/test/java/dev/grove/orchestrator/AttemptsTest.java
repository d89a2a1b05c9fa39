package dev.grove.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import dev.grove.git.Git;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Attempts judged: one task given to several scripted agents on the demo repository (real git, a
 * bare remote, real bubblewrap), scored, the best shipped, the others' branches kept.
 */
class AttemptsTest {
  @TempDir Path tmp;
  SampleRepository.Made shop;
  Workbench wb;
  final Git git = new Git(Map.of());

  @BeforeEach
  void setUp() {
    shop = SampleRepository.create(tmp, git);
    Path demo = SampleRepository.writeScript(tmp.resolve("agents.json"));
    wb = TestBench.open(tmp, shop.repo(), "scripted:" + demo);
  }

  String script(String name, String json) throws Exception {
    return "scripted:" + Files.writeString(tmp.resolve(name + ".json"), json);
  }

  Orchestrator.Options options() {
    return new Orchestrator.Options(null, 3, 0, null, "origin", null, true)
        .withRadar(java.time.Duration.ZERO);
  }

  AttemptsPlan threeAttempts(Scoring scoring) throws Exception {
    return new AttemptsPlan(
        3,
        List.of(
            script("wrong", AttemptsTestScripts.WRONG),
            script("wordy", AttemptsTestScripts.WORDY),
            script("terse", AttemptsTestScripts.TERSE)),
        scoring);
  }

  static LaneStatus lane(RunStatus st, String name) {
    return st.lanes().stream().filter(l -> l.lane().equals(name)).findFirst().orElseThrow();
  }

  @Test
  void theSmallestVerifiedDiffShipsTheOthersKeepTheirBranchesAndTheChoiceIsRecorded()
      throws Exception {
    RunStatus st;
    List<RunLog.Logged> main;
    try (Orchestrator run =
        Orchestrator.start(wb, options(), Orchestrator.Listener.NONE, "tasks")) {
      st = run.runTasks(List.of(SampleRepository.TASKS.get(0)), threeAttempts(Scoring.defaults()));
      main = new RunLog(run.session()).read("main");
    }
    assertThat(st.lanes())
        .extracting(LaneStatus::lane, LaneStatus::state, LaneStatus::chosen)
        .containsExactly(
            tuple("fix-discount-a1", LaneState.FAILED, false),
            tuple("fix-discount-a2", LaneState.FINISHED, false),
            tuple("fix-discount-a3", LaneState.SHIPPED, true));
    assertThat(st.succeeded()).isTrue();
    assertThat(st.state()).isEqualTo(RunState.FINISHED);
    assertThat(lane(st, "fix-discount-a1").detail()).startsWith("verification failed");
    assertThat(lane(st, "fix-discount-a2").detail()).contains("set aside");

    // the receipt: every score of every attempt, the winner and why
    RunEvent.AttemptsChosen chosen =
        main.stream()
            .map(RunLog.Logged::event)
            .filter(RunEvent.AttemptsChosen.class::isInstance)
            .map(RunEvent.AttemptsChosen.class::cast)
            .findFirst()
            .orElseThrow();
    assertThat(chosen.group()).isEqualTo("fix-discount");
    assertThat(chosen.winner()).isEqualTo("fix-discount-a3");
    assertThat(chosen.candidates())
        .extracting(RunEvent.Candidate::lane, RunEvent.Candidate::eligible)
        .containsExactly(
            tuple("fix-discount-a1", false),
            tuple("fix-discount-a2", true),
            tuple("fix-discount-a3", true));
    assertThat(chosen.candidates().get(0).note()).contains("failed");
    RunEvent.Candidate wordy = chosen.candidates().get(1);
    RunEvent.Candidate terse = chosen.candidates().get(2);
    assertThat(wordy.scores()).extracting(RunEvent.Score::scorer).contains("diff", "cost", "time");
    assertThat(diff(terse)).isEqualTo(2.0); // one line removed, one added
    assertThat(diff(wordy)).isGreaterThan(diff(terse));
    assertThat(terse.total()).isGreaterThan(wordy.total());
    assertThat(chosen.reason()).startsWith("fix-discount-a3 scored").contains("2 lines changed");
    assertThat(st.attempts("fix-discount").orElseThrow().winner()).isEqualTo("fix-discount-a3");

    // the winner shipped; the others' worktrees are gone, their branches kept with their work
    assertThat(git.run(shop.remote(), List.of("branch", "--list", "task/*")).stdout())
        .contains("task/fix-discount-a3")
        .doesNotContain("task/fix-discount-a2");
    LaneStatus aside = lane(st, "fix-discount-a2");
    assertThat(Files.exists(Path.of(aside.worktree()))).isFalse();
    assertThat(
            git.run(shop.repo(), List.of("show", "task/fix-discount-a2:src/Pricing.java")).stdout())
        .contains("double left = price - off;");
  }

  static double diff(RunEvent.Candidate c) {
    return c.scores().stream()
        .filter(s -> s.scorer().equals("diff"))
        .findFirst()
        .orElseThrow()
        .value();
  }

  @Test
  void aScriptedJudgeRanksTheCandidatesAndItsRankingCarriesTheChoice() throws Exception {
    // the candidates are lettered in the order of their lanes: A is a2 (wordy), B is a3 (terse)
    String judge =
        script(
            "judge",
            """
            {"version": 1, "turns": [
              {"calls": [{"tool": "rank", "args": {"ranking": ["A", "B"],
                "reasons": {"A": "It names what is taken off and what is left.", "B": "Terse."}}}],
               "usage": {"inputTokens": 900, "outputTokens": 40, "cost": 0.01}}]}
            """);
    RunStatus st;
    try (Orchestrator run =
        Orchestrator.start(wb, options(), Orchestrator.Listener.NONE, "tasks")) {
      st =
          run.runTasks(
              List.of(SampleRepository.TASKS.get(0)),
              threeAttempts(
                  new Scoring(
                      Map.of("lines", 0.5),
                      // a scoring command, run in the sandbox in each candidate's worktree
                      List.of(new Scoring.Command("lines", "wc -l < src/Pricing.java", false)),
                      judge)));
    }
    AttemptGroup g = st.attempts("fix-discount").orElseThrow();
    assertThat(g.winner()).isEqualTo("fix-discount-a2");
    assertThat(g.judged().ranking()).containsExactly("fix-discount-a2", "fix-discount-a3");
    assertThat(g.judged().reasons())
        .containsEntry("fix-discount-a2", "It names what is taken off and what is left.");
    assertThat(g.reason()).contains("ranked 1 by the judge").contains("the judge: It names");
    assertThat(g.judge().cost()).isEqualTo(0.01);
    assertThat(g.candidates().get(1).scores())
        .filteredOn(sc -> sc.scorer().equals("lines"))
        .singleElement()
        .satisfies(sc -> assertThat(sc.value()).isEqualTo(26.0)); // wordy: 4 lines more than 22
    assertThat(g.candidates().get(2).scores())
        .filteredOn(sc -> sc.scorer().equals("lines"))
        .singleElement()
        .satisfies(sc -> assertThat(sc.value()).isEqualTo(22.0));
    // the judge's cost is the task's, and the run's
    assertThat(lane(st, "fix-discount-a2").taskCost()).isEqualTo(0.01);
    assertThat(st.budget().spent()).isEqualTo(0.01);
    assertThat(lane(st, "fix-discount-a2").state()).isEqualTo(LaneState.SHIPPED);
    assertThat(lane(st, "fix-discount-a3").setAside()).isTrue();
  }

  @Test
  void attemptsFromAForkEntryStartWithTheFilesOfThatMomentAndTheBestShips() throws Exception {
    String winner;
    try (Orchestrator run =
        Orchestrator.start(wb, options(), Orchestrator.Listener.NONE, "tasks")) {
      run.runTasks(List.of(SampleRepository.TASKS.get(2))); // fix-rounding: its bad edit fails
      ForkPoint at = ForkPoint.afterFailure(run.session(), "fix-rounding", "verification failed");
      String group =
          run.forkAttempts(
              at.entryId(),
              "Hint: rounding up breaks 1.234; round half up to the nearest cent.",
              new AttemptsPlan(2, List.of(), Scoring.defaults()));
      assertThat(group).isEqualTo("fix-rounding-2");
      List<String> lanes = run.attemptLanes(group);
      assertThat(lanes).containsExactly("fix-rounding-2-a1", "fix-rounding-2-a2");
      run.awaitAll();
      RunStatus st = run.status();
      AttemptGroup g = st.attempts(group).orElseThrow();
      assertThat(g.forkOf()).isEqualTo("fix-rounding");
      // the same diff: the quicker one wins
      winner = g.winner();
      String other = winner.endsWith("a1") ? "fix-rounding-2-a2" : "fix-rounding-2-a1";
      assertThat(st.lanes())
          .extracting(LaneStatus::lane, LaneStatus::state, LaneStatus::forkOf)
          .contains(
              tuple(winner, LaneState.SHIPPED, "fix-rounding"),
              tuple(other, LaneState.FINISHED, "fix-rounding"));
      assertThat(lane(st, other).setAside()).isTrue();
      assertThat(st.succeeded()).isTrue();
    }
    assertThat(
            git.run(shop.remote(), List.of("show", "task/" + winner + ":src/Pricing.java"))
                .stdout())
        .contains("RoundingMode.HALF_UP");
    // each attempt started from the files of the checkpoint before the bad edit (its good edit
    // replaced Math.floor), not from the failed lane's
    for (String l : List.of("fix-rounding-2-a1", "fix-rounding-2-a2")) {
      assertThat(git.run(shop.repo(), List.of("show", "task/" + l + ":src/Pricing.java")).stdout())
          .contains("RoundingMode.HALF_UP")
          .doesNotContain("Math.ceil");
    }
  }
}
