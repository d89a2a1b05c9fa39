package dev.grove.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.grove.git.Git;
import dev.grove.session.Body;
import dev.grove.session.Entry;
import dev.grove.session.Role;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An orchestrator model that tries to get around the user's choices: its agents still answer to
 * them.
 */
class HostileOrchestratorTest {
  @TempDir Path tmp;
  final Git git = new Git(Map.of());

  @Test
  void aModelChosenVerifyAddsToTheUsersAndNeverReplacesIt() throws Exception {
    SampleRepository.Made shop = SampleRepository.create(tmp, git);
    Path script =
        Files.writeString(
            tmp.resolve("boss.json"),
            """
        {"agents": [
          {"name": "boss", "when": {"hasTool": "spawn_agent"}, "turns": [
            {"calls": [{"tool": "spawn_agent", "args": {"slug": "notes", "task": "write the notes", "verify": "true"}}]},
            {"calls": [{"tool": "wait", "args": {"slug": "notes"}}]},
            {"calls": [{"tool": "open_pull_request", "args": {"slug": "notes"}}]},
            {"calls": [{"tool": "finish", "args": {"summary": "done"}}]}]},
          {"name": "worker", "turns": [
            {"calls": [{"tool": "write_file", "args": {"path": "NOTES.md", "content": "notes\\n"}}]},
            {"calls": [{"tool": "finish", "args": {"summary": "wrote the notes"}}]}]}]}
        """);
    Workbench wb = TestBench.open(tmp, shop.repo(), "scripted:" + script);
    RunStatus st;
    try (Orchestrator run =
        Orchestrator.start(
            wb,
            new Orchestrator.Options(null, 2, 0, "exit 1", "origin", null, true),
            Orchestrator.Listener.NONE,
            "plan")) {
      st = run.plan("Write the notes", null);
    }
    LaneStatus notes = st.lanes().get(0);
    assertThat(notes.state()).isEqualTo(LaneState.FAILED);
    assertThat(notes.detail()).contains("verification failed: `exit 1`");
    assertThat(git.run(shop.remote(), List.of("branch", "--list", "task/*")).stdout()).isEmpty();
  }

  @Test
  void oneReplyCannotSpawnMoreThanTheCap() throws Exception {
    SampleRepository.Made shop = SampleRepository.create(tmp, git);
    StringBuilder calls = new StringBuilder();
    for (int i = 0; i < 12; i++) {
      calls
          .append(i == 0 ? "" : ",")
          .append("{\"tool\": \"spawn_agent\", \"args\": {\"slug\": \"a")
          .append(i)
          .append("\", \"task\": \"say hi\"}}");
    }
    Path script =
        Files.writeString(
            tmp.resolve("boss.json"),
            """
        {"agents": [
          {"name": "boss", "when": {"hasTool": "spawn_agent"}, "turns": [
            {"calls": [%s]},
            {"calls": [{"tool": "finish", "args": {"summary": "done"}}]}]},
          {"name": "worker", "turns": [{"calls": [{"tool": "finish", "args": {"summary": "hi"}}]}]}]}
        """
                .formatted(calls));
    Workbench wb = TestBench.open(tmp, shop.repo(), "scripted:" + script);
    try (Orchestrator run =
        Orchestrator.start(
            wb,
            new Orchestrator.Options(null, 4, 0, null, "origin", null, true),
            Orchestrator.Listener.NONE,
            "plan")) {
      RunStatus st = run.plan("Spawn many", null);
      assertThat(st.lanes()).hasSize(OrchestratorTools.MAX_SPAWNS_PER_REPLY);
      List<Entry> main = run.session().contextOfLane("main");
      assertThat(main)
          .filteredOn(
              e ->
                  ((Body.Message) e.body()).role() == Role.TOOL
                      && ((Body.Message) e.body()).isError())
          .hasSize(12 - OrchestratorTools.MAX_SPAWNS_PER_REPLY)
          .allSatisfy(
              e -> assertThat(((Body.Message) e.body()).content()).contains("at most 8 agents"));
    }
  }

  @Test
  void anErrorInALaneFailsThatLaneAndTheRunEnds() throws Exception {
    SampleRepository.Made shop = SampleRepository.create(tmp, git);
    Path script =
        Files.writeString(
            tmp.resolve("w.json"),
            """
        {"turns": [{"calls": [{"tool": "write_file", "args": {"path": "a.txt", "content": "a"}}]},
                   {"calls": [{"tool": "finish", "args": {"summary": "done"}}]}]}
        """);
    Workbench wb = TestBench.open(tmp, shop.repo(), "scripted:" + script);
    Orchestrator.Listener exploding =
        new Orchestrator.Listener() {
          @Override
          public void step(dev.grove.agent.Agent.Step step) {
            throw new OutOfMemoryError("simulated: a lane ran out of memory");
          }
        };
    try (Orchestrator run =
        Orchestrator.start(
            wb,
            new Orchestrator.Options(null, 2, 0, null, "origin", null, true),
            exploding,
            "tasks")) {
      RunStatus st = run.runTasks(List.of(Task.of("write a")));
      assertThat(st.lanes())
          .singleElement()
          .satisfies(
              l -> {
                assertThat(l.state()).isEqualTo(LaneState.FAILED);
                assertThat(l.detail()).contains("OutOfMemoryError").contains("simulated");
              });
      assertThat(st.state()).isEqualTo(RunState.FINISHED);
    }
  }
}
