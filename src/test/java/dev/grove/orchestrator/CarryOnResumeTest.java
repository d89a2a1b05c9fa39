package dev.grove.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.grove.git.Git;
import dev.grove.session.Body;
import dev.grove.session.Draft;
import dev.grove.session.Entry;
import dev.grove.session.Role;
import dev.grove.session.SessionStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run that carries on from another session ({@link ImportedContext}), killed after its lane was
 * spawned and before the lane's first entry was written: resuming starts the agent below the
 * imported entry, with the imported context, not afresh.
 */
class CarryOnResumeTest {
  @TempDir Path tmp;

  @Test
  void aLaneSpawnedButNotBegunCarriesOnBelowTheImportedEntryWhenResumed() throws Exception {
    Git git = new Git(Map.of());
    SampleRepository.Made shop = SampleRepository.create(tmp, git);
    Path script =
        Files.writeString(
            tmp.resolve("agent.json"),
            """
            {"agents": [
              {"name": "carries-on", "when": {"task": "just flip the check"}, "turns": [
                {"when": {"lastUser": "carry on"},
                 "calls": [{"tool": "write_file", "args": {"path": "LOGIN.md", "content": "flipped\\n"}}]},
                {"calls": [{"tool": "finish", "args": {"summary": "flipped"}}]}]}]}
            """);
    Path source = tmp.resolve("source.jsonl");
    String asked;
    try (SessionStore s = SessionStore.create(source, "/elsewhere")) {
      asked =
          s.append(
                  new Draft(
                      dev.grove.session.Parent.root(),
                      "main",
                      Body.Message.of(Role.USER, "just flip the check")))
              .id();
    }
    Workbench wb = TestBench.open(tmp, shop.repo(), "scripted:" + script);
    ImportedContext imported;
    try (SessionStore s = SessionStore.open(source)) {
      imported = ImportedContext.of(s, asked);
    }
    Orchestrator.Options noShip =
        new Orchestrator.Options(null, 1, 0, null, null, null, false).withRadar(null);
    String runId;
    String baseCommit = git.run(shop.repo(), List.of("rev-parse", "HEAD")).stdout().strip();
    try (Orchestrator o =
        Orchestrator.start(wb, noShip, Orchestrator.Listener.NONE, "tasks", imported)) {
      runId = o.runId();
      // what a kill right after the spawn event leaves: the event, and no entry of the lane
      new RunLog(o.session())
          .append(
              "main",
              new RunEvent.LaneSpawned(
                  "flip",
                  "carry on: flip it",
                  "task/flip",
                  wb.worktrees().root().resolve("flip").toString(),
                  "main",
                  baseCommit,
                  null,
                  "scripted:" + script,
                  null,
                  asked,
                  null,
                  null,
                  null));
    }

    RunStatus after;
    try (Orchestrator o =
        Orchestrator.reopen(wb, runId, Orchestrator.Options.none(), Orchestrator.Listener.NONE)) {
      after = o.resume();
      List<Entry> context = o.session().contextOfLane("flip");
      assertThat(context.get(0).id()).as("the imported conversation comes first").isEqualTo(asked);
      assertThat(((Body.Message) context.get(1).body()).content()).contains("imported");
      assertThat(context.get(1).contextRoot()).isFalse();
      assertThat(((Body.Message) context.get(2).body()).content()).isEqualTo("carry on: flip it");
    }
    assertThat(after.lanes())
        .extracting(LaneStatus::lane, LaneStatus::state)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("flip", LaneState.FINISHED));
  }

  @Test
  void noTaskLaneCanTakeTheNameOfTheImportedConversationsLaneOrTheRunsOwn() {
    Git git = new Git(Map.of());
    SampleRepository.Made shop = SampleRepository.create(tmp, git);
    Path script = SampleRepository.writeScript(tmp.resolve("agents.json"));
    Workbench wb = TestBench.open(tmp, shop.repo(), "scripted:" + script);
    try (Orchestrator o =
        Orchestrator.start(
            wb,
            new Orchestrator.Options(null, 2, 0, null, null, null, false).withRadar(null),
            Orchestrator.Listener.NONE,
            "tasks")) {
      // its cost would not count against the budget, and carrying on would take it for imported
      assertThat(o.spawn(new Task(ImportedContext.LANE, "Write the notes", null)))
          .isEqualTo(ImportedContext.LANE + "-2");
      assertThat(o.spawn(new Task("main", "Write the notes", null))).isEqualTo("main-2");
      o.awaitAll();
    }
  }
}
