package dev.grove.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.grove.agent.Agent;
import dev.grove.git.Git;
import dev.grove.session.Body;
import dev.grove.session.Entry;
import dev.grove.session.SessionStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Ctrl-C: a run stops cleanly, records it, and resume finishes it. */
class StopTest {
  @TempDir Path tmp;

  @Test
  void stoppingRecordsEachLaneAndResumeFinishesThem() throws Exception {
    Git git = new Git(Map.of());
    SampleRepository.Made shop = SampleRepository.create(tmp, git);
    Path script =
        Files.writeString(
            tmp.resolve("slow.json"),
            """
        {"turns": [
          {"calls": [{"tool": "run_command", "args": {"command": "sleep 30"}}]},
          {"calls": [{"tool": "write_file", "args": {"path": "NOTES.md", "content": "done\\n"}}]},
          {"calls": [{"tool": "finish", "args": {"summary": "wrote notes"}}]}]}
        """);
    Workbench wb = TestBench.open(tmp, shop.repo(), "scripted:" + script);
    List<String> seen = new CopyOnWriteArrayList<>();
    Orchestrator.Listener listener =
        new Orchestrator.Listener() {
          @Override
          public void lane(String lane, LaneState state, String what) {
            seen.add(lane + " " + state.label());
          }
        };
    String runId;
    try (Orchestrator run =
        Orchestrator.start(
            wb,
            new Orchestrator.Options(null, 2, 0, null, "origin", null, true),
            listener,
            "tasks")) {
      runId = run.runId();
      Thread runner =
          Thread.ofPlatform()
              .start(() -> run.runTasks(List.of(Task.of("notes one"), Task.of("notes two"))));
      long deadline = System.nanoTime() + 30_000_000_000L;
      while (seen.stream().filter(s -> s.endsWith(" running")).count() < 2
          && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      Thread.sleep(1000); // both are inside their 30-second command now
      long before = System.nanoTime();
      run.stop();
      runner.join(30_000);
      assertThat((System.nanoTime() - before) / 1_000_000)
          .as("stopping waits for no 30-second command")
          .isLessThan(20_000);
      RunStatus st = run.status();
      assertThat(st.lanes()).extracting(LaneStatus::state).containsOnly(LaneState.STOPPED);
      assertThat(st.state()).isEqualTo(RunState.INTERRUPTED);
      List<String> kinds = new ArrayList<>();
      SessionStore s = run.session();
      List<String> events = new ArrayList<>();
      s.forEachNode(
          n -> {
            if ("event".equals(n.type())) {
              events.add(n.id());
            }
          });
      for (Entry e : s.entries(events)) {
        kinds.add(((Body.Event) e.body()).kind());
      }
      assertThat(kinds).contains("lane.stopped", "run.interrupted").doesNotContain("run.finished");
    }
    try (Orchestrator again =
        Orchestrator.reopen(
            wb, runId, Orchestrator.Options.defaults(), Orchestrator.Listener.NONE)) {
      RunStatus done = again.resume();
      assertThat(done.lanes()).extracting(LaneStatus::state).containsOnly(LaneState.SHIPPED);
    }
    assertThat(git.run(shop.remote(), List.of("show", "task/notes-one:NOTES.md")).out())
        .isEqualTo("done");
  }

  @Test
  void aLaneWhoseWorktreeWasDeletedResumesWithTheFilesOfItsLastCheckpoint() throws Exception {
    Git git = new Git(Map.of());
    SampleRepository.Made shop = SampleRepository.create(tmp, git);
    Path script =
        Files.writeString(
            tmp.resolve("draft.json"),
            """
        {"turns": [
          {"calls": [{"tool": "write_file", "args": {"path": "NOTES.md", "content": "draft\\n"}}]},
          {"calls": [{"tool": "run_command", "args": {"command": "sleep 30"}}]},
          {"calls": [{"tool": "read_file", "args": {"path": "NOTES.md"}}]},
          {"when": {"lastToolResult": "draft"}, "calls": [{"tool": "write_file", "args": {"path": "NOTES.md", "content": "draft, then final\\n"}}]},
          {"calls": [{"tool": "finish", "args": {"summary": "notes"}}]}]}
        """);
    Workbench wb = TestBench.open(tmp, shop.repo(), "scripted:" + script);
    List<String> seen = new CopyOnWriteArrayList<>();
    Orchestrator.Listener listener =
        new Orchestrator.Listener() {
          @Override
          public void step(Agent.Step step) {
            seen.add(step.tool());
          }
        };
    String runId;
    Path worktree;
    try (Orchestrator run =
        Orchestrator.start(
            wb,
            new Orchestrator.Options(null, 1, 0, null, "origin", null, true),
            listener,
            "tasks")) {
      runId = run.runId();
      Thread runner = Thread.ofPlatform().start(() -> run.runTasks(List.of(Task.of("notes"))));
      long deadline = System.nanoTime() + 30_000_000_000L;
      while (!seen.contains("write_file") && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      Thread.sleep(800); // inside the long command
      run.stop();
      runner.join(30_000);
      worktree = Path.of(run.status().lanes().get(0).worktree());
    }
    assertThat(Files.readString(worktree.resolve("NOTES.md"))).isEqualTo("draft\n");
    try (var walk = Files.walk(worktree)) { // deleted by hand
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
    try (Orchestrator again =
        Orchestrator.reopen(
            wb, runId, Orchestrator.Options.defaults(), Orchestrator.Listener.NONE)) {
      RunStatus done = again.resume();
      assertThat(done.lanes())
          .as(String.valueOf(done.lanes()))
          .extracting(LaneStatus::state)
          .containsOnly(LaneState.SHIPPED);
    }
    assertThat(git.run(shop.remote(), List.of("show", "task/notes:NOTES.md")).out())
        .isEqualTo("draft, then final");
  }
}
