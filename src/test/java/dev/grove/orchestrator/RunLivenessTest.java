package dev.grove.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.grove.git.Git;
import dev.grove.session.SessionStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run a live process works on is known as such, and nobody else takes it; its options outlive a
 * stop.
 */
class RunLivenessTest {
  @TempDir Path tmp;
  final Git git = new Git(Map.of());

  static final String SLOW =
      """
      {"turns": [{"calls": [{"tool": "run_command", "args": {"command": "sleep 30"}}]},
                 {"calls": [{"tool": "write_file", "args": {"path": "NOTES.md", "content": "notes\\n"}}]},
                 {"calls": [{"tool": "finish", "args": {"summary": "wrote the notes"}}]}]}
      """;

  @Test
  void twoRunsStartedTogetherNeverTakeOneLaneName() throws Exception {
    SampleRepository.Made shop = SampleRepository.create(tmp, git);
    Path quick = Files.writeString(tmp.resolve("quick.json"), SLOW.replace("sleep 30", "true"));
    Workbench wb = TestBench.open(tmp, shop.repo(), "scripted:" + quick);
    Orchestrator.Options noShip = new Orchestrator.Options(null, 1, 0, null, "origin", null, false);
    try (Orchestrator first = Orchestrator.start(wb, noShip, Orchestrator.Listener.NONE, "tasks");
        Orchestrator second = Orchestrator.start(wb, noShip, Orchestrator.Listener.NONE, "tasks")) {
      // both choose before either has a worktree or a branch: only the claim tells them apart
      String a = first.spawn(Task.of("write the notes"));
      String b = second.spawn(Task.of("write the notes"));
      assertThat(a).isEqualTo("write-the-notes");
      assertThat(b).isEqualTo("write-the-notes-2");
      first.awaitAll();
      second.awaitAll();
      assertThat(first.status().lanes())
          .singleElement()
          .extracting(LaneStatus::state)
          .isEqualTo(LaneState.FINISHED);
      assertThat(second.status().lanes())
          .singleElement()
          .extracting(LaneStatus::state)
          .isEqualTo(LaneState.FINISHED);
    }
    // once both runs ended, their claims no longer hold anything back (branches still do)
    try (Orchestrator third =
        Orchestrator.start(
            wb,
            new Orchestrator.Options(null, 1, 0, null, "origin", null, false),
            Orchestrator.Listener.NONE,
            "tasks")) {
      assertThat(third.spawn(Task.of("write the notes"))).isEqualTo("write-the-notes-3");
      third.awaitAll();
    }
    assertThat(Files.readString(Runs.dir(shop.repo()).resolve("lanes.claimed")).lines())
        .singleElement()
        .asString()
        .endsWith(" write-the-notes-3");
  }

  @Test
  void aLiveRunIsRefusedToOthersNamingItsHolderAndIsInterruptedOnceStopped() throws Exception {
    SampleRepository.Made shop = SampleRepository.create(tmp, git);
    Path script = Files.writeString(tmp.resolve("slow.json"), SLOW);
    Workbench wb = TestBench.open(tmp, shop.repo(), "scripted:" + script);
    String runId;
    try (Orchestrator run =
        Orchestrator.start(
            wb,
            new Orchestrator.Options(null, 1, 0, null, "origin", null, false),
            Orchestrator.Listener.NONE,
            "tasks")) {
      runId = run.runId();
      Thread worker =
          Thread.ofPlatform().start(() -> run.runTasks(List.of(Task.of("write the notes"))));
      waitUntilRunning(run);
      try (SessionStore other = SessionStore.open(run.session().file())) {
        RunStatus seen = RunStatus.of(runId, other);
        assertThat(seen.state()).isEqualTo(RunState.LIVE);
        assertThat(seen.resumable()).isFalse();
      }
      assertThatThrownBy(
              () ->
                  Orchestrator.reopen(
                      wb, runId, Orchestrator.Options.none(), Orchestrator.Listener.NONE))
          .isInstanceOf(OrchestratorException.Busy.class)
          .hasMessageContaining("is live")
          .hasMessageContaining("process " + ProcessHandle.current().pid());
      run.stop();
      worker.join(30_000);
    }
    try (SessionStore s = SessionStore.open(Runs.dir(shop.repo()).resolve(runId + ".jsonl"))) {
      RunStatus st = RunStatus.of(runId, s);
      assertThat(st.state()).isEqualTo(RunState.INTERRUPTED);
      assertThat(st.resumable()).isTrue();
    }
    // resumed without saying, the run keeps its --no-ship: the lane finishes and nothing is pushed
    Path quick = Files.writeString(tmp.resolve("quick.json"), SLOW.replace("sleep 30", "true"));
    Workbench again = TestBench.open(tmp, shop.repo(), "scripted:" + quick);
    try (Orchestrator run =
        Orchestrator.reopen(
            again, runId, Orchestrator.Options.none(), Orchestrator.Listener.NONE)) {
      RunStatus st = run.resume();
      assertThat(st.lanes())
          .singleElement()
          .extracting(LaneStatus::state)
          .isEqualTo(LaneState.FINISHED);
      assertThat(st.state()).isEqualTo(RunState.FINISHED);
    }
    assertThat(git.run(shop.remote(), List.of("branch", "--list", "task/*")).stdout()).isEmpty();
  }

  private static void waitUntilRunning(Orchestrator run) throws InterruptedException {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (run.status().lanes().stream().noneMatch(l -> l.state() == LaneState.RUNNING)
        && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    Thread.sleep(300);
  }
}
