package dev.grove.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.grove.git.Git;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run's budget: reached mid-run, its lanes stop cleanly; resumed with a larger one, they finish.
 * The demo's agents, each model call costing a cent, on real git and bubblewrap.
 */
class BudgetTest {
  @TempDir Path tmp;
  SampleRepository.Made shop;
  Workbench wb;
  final Git git = new Git(Map.of());

  @BeforeEach
  void setUp() throws Exception {
    shop = SampleRepository.create(tmp, git);
    Path demo = SampleRepository.writeScript(tmp.resolve("demo.json"));
    Path script =
        Files.writeString(
            tmp.resolve("agents.json"),
            Files.readString(demo).replace("\"cost\": 0.0}", "\"cost\": 0.01}"));
    wb = TestBench.open(tmp, shop.repo(), "scripted:" + script);
  }

  @Test
  void aBudgetReachedMidRunStopsTheLanesAndResumeWithALargerOneFinishesThem() {
    // fix-discount takes 4 model calls, add-tax 5: $0.09 in all
    Orchestrator.Options options =
        new Orchestrator.Options(null, 2, 0, null, "origin", null, true)
            .withBudget(0.03)
            .withRadar(Duration.ZERO);
    String runId;
    RunStatus st;
    try (Orchestrator run = Orchestrator.start(wb, options, Orchestrator.Listener.NONE, "tasks")) {
      runId = run.runId();
      st = run.runTasks(SampleRepository.TASKS.subList(0, 2));
    }
    assertThat(st.budget().limit()).isEqualTo(0.03);
    assertThat(st.budget().reached()).isTrue();
    // calls under way when it was reached finish and are charged: at most one per lane more
    assertThat(st.budget().spent()).isBetween(0.03 - 1e-9, 0.05 + 1e-9);
    assertThat(st.lanes())
        .allSatisfy(
            l -> {
              assertThat(l.state()).isEqualTo(LaneState.STOPPED);
              assertThat(l.detail()).contains("budget");
            });
    assertThat(st.state()).isEqualTo(RunState.INTERRUPTED);
    assertThat(st.resumable()).isTrue();

    // resuming without more money starts nothing, and says how to go on
    try (Orchestrator run =
        Orchestrator.reopen(wb, runId, Orchestrator.Options.none(), Orchestrator.Listener.NONE)) {
      assertThatThrownBy(run::resume)
          .isInstanceOf(OrchestratorException.class)
          .hasMessageContaining("budget")
          .hasMessageContaining("grove resume --budget");
    }
    try (Orchestrator run =
        Orchestrator.reopen(
            wb,
            runId,
            Orchestrator.Options.none().withBudget(1.0).withRadar(Duration.ZERO),
            Orchestrator.Listener.NONE)) {
      st = run.resume();
    }
    assertThat(st.lanes())
        .as(
            st.lanes().stream()
                .map(l -> l.lane() + ": " + l.state() + " " + l.detail() + " " + l.shippingFailed())
                .toList()
                .toString())
        .extracting(LaneStatus::lane, LaneStatus::state)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("fix-discount", LaneState.SHIPPED),
            org.assertj.core.groups.Tuple.tuple("add-tax", LaneState.SHIPPED));
    assertThat(st.budget().limit()).isEqualTo(1.0);
    assertThat(st.budget().reached()).isFalse();
    assertThat(st.budget().spent()).isGreaterThanOrEqualTo(0.09 - 1e-9);
    assertThat(st.succeeded()).isTrue();
    assertThat(git.run(shop.remote(), List.of("branch", "--list", "task/*")).stdout())
        .contains("task/fix-discount")
        .contains("task/add-tax");
  }
}
