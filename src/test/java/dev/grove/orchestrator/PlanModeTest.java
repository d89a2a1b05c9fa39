package dev.grove.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
 * The orchestrator as an agent: a scripted model splits a goal, waits, forks the failure, ships.
 */
class PlanModeTest {
  static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path tmp;

  static final String BOSS =
      """
      {"name": "orchestrator", "when": {"hasTool": "spawn_agent"}, "turns": [
        {"text": "Three independent fixes; one agent each.",
         "calls": [
           {"tool": "spawn_agent", "args": {"slug": "fix-discount", "task": "Fix Pricing.discount so DiscountTest passes.", "verify": "sh run-tests.sh DiscountTest"}},
           {"tool": "spawn_agent", "args": {"slug": "add-tax", "task": "Implement Pricing.withTax so TaxTest passes.", "verify": "sh run-tests.sh TaxTest"}},
           {"tool": "spawn_agent", "args": {"slug": "fix-rounding", "task": "Make Pricing.round round half up; RoundingTest must pass.", "verify": "sh run-tests.sh RoundingTest"}}]},
        {"calls": [{"tool": "wait", "args": {"slug": "fix-discount"}}]},
        {"calls": [{"tool": "wait", "args": {"slug": "add-tax"}}]},
        {"calls": [{"tool": "wait", "args": {"slug": "fix-rounding"}}]},
        {"when": {"lastToolResult": {"matches": "fix-rounding\\\\s+failed.*?fork at (?<entry>[0-9a-f]{8})"}},
         "text": "fix-rounding failed; retrying it from just before its edit.",
         "calls": [{"tool": "fork_agent", "args": {"entry": "${entry}", "hint": "Hint: rounding up is wrong; round half up to the nearest cent."}}]},
        {"calls": [{"tool": "wait", "args": {"slug": "fix-rounding-2"}}]},
        {"calls": [{"tool": "open_pull_request", "args": {"slug": "fix-discount"}},
                   {"tool": "open_pull_request", "args": {"slug": "add-tax"}},
                   {"tool": "open_pull_request", "args": {"slug": "fix-rounding-2"}}]},
        {"calls": [{"tool": "finish", "args": {"summary": "Three fixes shipped; rounding needed one retry."}}]}]}
      """;

  @Test
  void anOrchestratorAgentSpawnsWaitsForksAndShips() throws Exception {
    Git git = new Git(Map.of());
    SampleRepository.Made shop = SampleRepository.create(tmp, git);
    ObjectNode script =
        (ObjectNode)
            JSON.readTree(
                SampleRepository.class.getResourceAsStream("/dev/grove/demo/agents.json"));
    ((ArrayNode) script.get("agents")).insert(0, JSON.readTree(BOSS));
    Path file = tmp.resolve("plan.json");
    JSON.writeValue(file.toFile(), script);
    Workbench wb = TestBench.open(tmp, shop.repo(), "scripted:" + file);
    RunStatus st;
    try (Orchestrator run =
        Orchestrator.start(
            wb,
            new Orchestrator.Options(null, 3, 0, null, "origin", null, true),
            Orchestrator.Listener.NONE,
            "plan")) {
      st = run.plan("Make all the shop's tests pass", null);
      List<Entry> main = run.session().contextOfLane("main");
      assertThat(main.get(0).body()).isInstanceOf(Body.Message.class);
      assertThat(((Body.Message) main.get(0).body()).role()).isEqualTo(Role.SYSTEM);
      assertThat(((Body.Message) main.get(1).body()).content())
          .isEqualTo("Make all the shop's tests pass");
      assertThat(main)
          .filteredOn(e -> ((Body.Message) e.body()).role() == Role.TOOL)
          .extracting(e -> ((Body.Message) e.body()).content())
          .anySatisfy(c -> assertThat(c).startsWith("forked into agent fix-rounding-2"))
          .anySatisfy(c -> assertThat(c).startsWith("pull request for fix-rounding-2: "));
    }
    assertThat(st.lanes())
        .extracting(LaneStatus::lane, LaneStatus::state)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("fix-discount", LaneState.SHIPPED),
            org.assertj.core.groups.Tuple.tuple("add-tax", LaneState.SHIPPED),
            org.assertj.core.groups.Tuple.tuple("fix-rounding", LaneState.FAILED),
            org.assertj.core.groups.Tuple.tuple("fix-rounding-2", LaneState.SHIPPED));
    assertThat(st.succeeded()).isTrue();
    assertThat(Files.readString(st.file())).contains("\"kind\":\"lane.finished\"");
  }

  @Test
  void anInterruptedOrchestratorAgentCarriesOnWhenResumed() throws Exception {
    Git git = new Git(Map.of());
    SampleRepository.Made shop = SampleRepository.create(tmp, git);
    Path script =
        Files.writeString(
            tmp.resolve("boss.json"),
            """
        {"agents": [
          {"name": "boss", "when": {"hasTool": "spawn_agent"}, "turns": [
            {"calls": [{"tool": "spawn_agent", "args": {"slug": "notes", "task": "write the notes"}}]},
            {"calls": [{"tool": "wait", "args": {"slug": "notes"}}]},
            {"id": "ship", "when": {"lastToolResult": {"matches": "notes\\\\s+finished"}},
             "calls": [{"tool": "open_pull_request", "args": {"slug": "notes"}}]},
            {"when": {"lastToolResult": "pull request for notes"},
             "calls": [{"tool": "finish", "args": {"summary": "notes shipped"}}]},
            {"when": {"not": {"lastToolResult": {"matches": "notes\\\\s+finished"}}},
             "calls": [{"tool": "wait", "args": {"slug": "notes"}}], "next": "ship"}]},
          {"name": "worker", "turns": [
            {"calls": [{"tool": "run_command", "args": {"command": "sleep 30"}}]},
            {"calls": [{"tool": "write_file", "args": {"path": "NOTES.md", "content": "notes\\n"}}]},
            {"calls": [{"tool": "finish", "args": {"summary": "wrote the notes"}}]}]}]}
        """);
    Workbench wb = TestBench.open(tmp, shop.repo(), "scripted:" + script);
    String runId;
    try (Orchestrator run =
        Orchestrator.start(
            wb,
            new Orchestrator.Options(null, 2, 0, null, "origin", null, true),
            Orchestrator.Listener.NONE,
            "plan")) {
      runId = run.runId();
      Thread boss = Thread.ofPlatform().start(() -> run.plan("Write the notes", null));
      long deadline = System.nanoTime() + 30_000_000_000L;
      while (run.status().lanes().stream().noneMatch(l -> l.state() == LaneState.RUNNING)
          && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      Thread.sleep(500);
      run.stop(); // Ctrl-C: the orchestrator agent and every agent stop
      boss.join(30_000);
      assertThat(run.status().lanes())
          .extracting(LaneStatus::state)
          .containsOnly(LaneState.STOPPED);
    }
    RunStatus done;
    try (Orchestrator again =
        Orchestrator.reopen(
            wb,
            runId,
            new Orchestrator.Options(null, 2, 0, null, "origin", null, true),
            Orchestrator.Listener.NONE)) {
      done = again.resume();
      List<Entry> main = again.session().contextOfLane("main");
      assertThat(main)
          .filteredOn(e -> ((Body.Message) e.body()).role() == Role.TOOL)
          .extracting(e -> ((Body.Message) e.body()).content())
          .anySatisfy(c -> assertThat(c).startsWith("pull request for notes: "));
    }
    assertThat(done.lanes()).extracting(LaneStatus::state).containsOnly(LaneState.SHIPPED);
    assertThat(git.run(shop.remote(), List.of("show", "task/notes:NOTES.md")).out())
        .isEqualTo("notes");
  }

  /**
   * grove killed (as by {@code kill -9}) after the orchestrator agent's instructions were written
   * and before its goal was: the goal is in no entry, so resume says so and runs no agent (one
   * without a goal would make up its work), and the run ends.
   */
  @Test
  void aRunKilledBeforeItsGoalWasWrittenIsNotResumedWithoutIt() throws Exception {
    Git git = new Git(Map.of());
    SampleRepository.Made shop = SampleRepository.create(tmp, git);
    Path script =
        Files.writeString(
            tmp.resolve("boss.json"),
            """
        {"agents": [
          {"name": "boss", "when": {"hasTool": "spawn_agent"}, "turns": [
            {"calls": [{"tool": "spawn_agent", "args": {"slug": "made-up", "task": "anything"}}]},
            {"calls": [{"tool": "finish", "args": {"summary": "made up"}}]}]}]}
        """);
    KilledGrove.at(
        tmp,
        CrashPoint.PLAN.get(0),
        "run",
        "--plan",
        "Write the notes",
        "--model",
        "scripted:" + script,
        "--repo",
        shop.repo().toString());

    Workbench wb = TestBench.open(tmp, shop.repo(), "scripted:" + script);
    String runId = Runs.list(wb.sessionsDir()).get(0);
    RunStatus done;
    try (Orchestrator again =
        Orchestrator.reopen(wb, runId, Orchestrator.Options.none(), Orchestrator.Listener.NONE)) {
      done = again.resume();
      assertThat(again.session().contextOfLane("main"))
          .as("no goal made up, no model asked")
          .extracting(e -> ((Body.Message) e.body()).role())
          .containsExactly(Role.SYSTEM);
      assertThat(new RunLog(again.session()).read("main"))
          .extracting(RunLog.Logged::event)
          .filteredOn(RunEvent.LaneFailed.class::isInstance)
          .extracting(e -> ((RunEvent.LaneFailed) e).reason())
          .singleElement()
          .asString()
          .contains("before its goal was", "grove run --plan");
    }
    assertThat(done.lanes()).isEmpty();
    try (var s = dev.grove.session.SessionStore.open(wb.sessionsDir().resolve(runId + ".jsonl"))) {
      assertThat(RunStatus.of(runId, s).state()).isNotEqualTo(RunState.LIVE);
    }
    // resumed again, it does not fail twice
    try (Orchestrator third =
        Orchestrator.reopen(wb, runId, Orchestrator.Options.none(), Orchestrator.Listener.NONE)) {
      third.resume();
      assertThat(new RunLog(third.session()).read("main"))
          .extracting(RunLog.Logged::event)
          .filteredOn(RunEvent.LaneFailed.class::isInstance)
          .hasSize(1);
    }
  }
}
