package dev.grove.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.grove.git.Git;
import dev.grove.session.Body;
import dev.grove.session.Entry;
import dev.grove.session.Node;
import dev.grove.session.Role;
import dev.grove.session.SessionStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whole runs on a real repository with a bare remote, the scripted demo agents and real bubblewrap.
 */
class OrchestratorTest {
  @TempDir Path tmp;
  SampleRepository.Made shop;
  Workbench wb;
  final Git git = new Git(Map.of());
  final List<String> events = java.util.Collections.synchronizedList(new ArrayList<>());

  @BeforeEach
  void setUp() {
    shop = SampleRepository.create(tmp, git);
    Path script = SampleRepository.writeScript(tmp.resolve("agents.json"));
    wb = TestBench.open(tmp, shop.repo(), "scripted:" + script);
  }

  Orchestrator.Listener listener() {
    return new Orchestrator.Listener() {
      @Override
      public void lane(String lane, LaneState state, String what) {
        events.add(lane + " " + state.label() + " " + what);
      }
    };
  }

  Orchestrator.Options options(int retries) {
    return new Orchestrator.Options(null, 3, retries, null, "origin", null, true);
  }

  String remoteLog(String branch) {
    return git.run(shop.remote(), List.of("log", "--format=%B%n--end--", branch)).stdout();
  }

  @Test
  void threeLanesInOneFileTwoShipTheThirdFailsItsVerification() throws Exception {
    RunStatus st;
    try (Orchestrator run = Orchestrator.start(wb, options(0), listener(), "tasks")) {
      st = run.runTasks(SampleRepository.TASKS);
      SessionStore s = run.session();
      // one session file; each lane's first entry hangs below the orchestrator's spawn entry for it
      for (String lane : List.of("fix-discount", "add-tax", "fix-rounding")) {
        List<Node> path = s.path(s.laneHead(lane).orElseThrow());
        Node first = path.stream().filter(n -> n.lane().equals(lane)).findFirst().orElseThrow();
        Entry spawn = s.entry(first.parentId());
        assertThat(spawn.lane()).isEqualTo("main");
        assertThat(((Body.Event) spawn.body()).kind()).isEqualTo("lane.spawned");
        assertThat(((Body.Event) spawn.body()).data().path("lane").asText()).isEqualTo(lane);
        assertThat(s.context(first.id()))
            .extracting(e -> ((Body.Message) e.body()).role())
            .containsExactly(Role.SYSTEM);
      }
    }
    assertThat(st.lanes())
        .extracting(LaneStatus::lane, LaneStatus::state)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("fix-discount", LaneState.SHIPPED),
            org.assertj.core.groups.Tuple.tuple("add-tax", LaneState.SHIPPED),
            org.assertj.core.groups.Tuple.tuple("fix-rounding", LaneState.FAILED));
    LaneStatus rounding =
        st.lanes().stream().filter(l -> l.lane().equals("fix-rounding")).findFirst().orElseThrow();
    assertThat(rounding.detail())
        .startsWith("verification failed: `sh run-tests.sh RoundingTest` exited 1");
    // shipped: committed with trailers, pushed, pull request recorded, worktree removed, branch
    // kept
    String log = remoteLog("task/fix-discount");
    assertThat(log)
        .startsWith("Fix Pricing.discount: return the price after the discount")
        .contains("Grove-Session: " + st.session())
        .contains("Grove-Entry: ")
        .contains("Grove-Lane: fix-discount");
    LaneStatus discount =
        st.lanes().stream().filter(l -> l.lane().equals("fix-discount")).findFirst().orElseThrow();
    assertThat(discount.pullRequest()).isEqualTo(shop.remote() + "#task/fix-discount");
    assertThat(discount.steps()).isEqualTo(4);
    assertThat(Files.exists(Path.of(discount.worktree()))).isFalse();
    assertThat(git.run(shop.repo(), List.of("branch", "--list", "task/*")).stdout())
        .contains("task/fix-discount")
        .contains("task/add-tax")
        .contains("task/fix-rounding");
    assertThat(git.run(shop.remote(), List.of("show", "task/add-tax:src/Pricing.java")).stdout())
        .contains("return price * (1 + rate);");
    // the failed lane's worktree is kept, with the bad edit in it
    assertThat(Files.readString(Path.of(rounding.worktree()).resolve("src/Pricing.java")))
        .contains("Math.ceil");
    assertThat(st.state()).isEqualTo(RunState.FINISHED);
  }

  @Test
  void aForkFromBeforeTheBadDecisionRestoresContextAndFilesAndSucceeds() throws Exception {
    try (Orchestrator run = Orchestrator.start(wb, options(0), listener(), "tasks")) {
      run.runTasks(List.of(SampleRepository.TASKS.get(2)));
      SessionStore s = run.session();
      ForkPoint at = ForkPoint.afterFailure(s, "fix-rounding", "verification failed");
      assertThat(at).isNotNull();
      // just before the bad decision: the result of reading the file, whose next step was the bad
      // edit
      Entry before = s.entry(at.entryId());
      assertThat(((Body.Message) before.body()).role()).isEqualTo(Role.TOOL);
      assertThat(((Body.Message) before.body()).content()).contains("Math.floor");
      assertThat(at.hint()).contains("edit_file").contains("Math.ceil").contains("RoundingTest");
      String oldHead = s.laneHead("fix-rounding").orElseThrow();
      String lane =
          run.fork(
              at.entryId(),
              "Hint: rounding up breaks 1.234; round half up to the nearest cent.",
              null);
      assertThat(lane).isEqualTo("fix-rounding-2");
      assertThat(run.await(lane)).isEqualTo(LaneState.SHIPPED);
      // the new lane's first entry hangs below ENTRY; its context is the old path up to ENTRY plus
      // the hint
      List<Node> path = s.path(s.laneHead(lane).orElseThrow());
      Node first = path.stream().filter(n -> n.lane().equals(lane)).findFirst().orElseThrow();
      assertThat(first.parentId()).isEqualTo(at.entryId());
      List<Entry> ctx = s.context(first.id());
      assertThat(ctx.subList(0, ctx.size() - 1))
          .extracting(Entry::id)
          .containsExactlyElementsOf(s.context(at.entryId()).stream().map(Entry::id).toList());
      assertThat(((Body.Message) ctx.get(ctx.size() - 1).body()).content())
          .startsWith("Hint: rounding up");
      // the old lane is untouched and still visible
      assertThat(s.laneHead("fix-rounding")).contains(oldHead);
      RunStatus st = run.status();
      assertThat(st.lanes())
          .extracting(LaneStatus::lane, LaneStatus::state)
          .contains(
              org.assertj.core.groups.Tuple.tuple("fix-rounding", LaneState.FAILED),
              org.assertj.core.groups.Tuple.tuple("fix-rounding-2", LaneState.SHIPPED));
      assertThat(
              st.lanes().stream()
                  .filter(l -> l.lane().equals(lane))
                  .findFirst()
                  .orElseThrow()
                  .forkOf())
          .isEqualTo("fix-rounding");
    }
    assertThat(
            git.run(shop.remote(), List.of("show", "task/fix-rounding-2:src/Pricing.java"))
                .stdout())
        .contains("RoundingMode.HALF_UP")
        .doesNotContain("Math.ceil");
  }

  @Test
  void aLaneThatCannotStartFailsBelowItsSpawnEntry() throws Exception {
    Workbench failing =
        TestBench.open(
            tmp,
            shop.repo(),
            wb.settings().modelSpec(),
            TestBench.env(),
            "echo cannot install; exit 3");
    try (Orchestrator run = Orchestrator.start(failing, options(0), listener(), "tasks")) {
      RunStatus st = run.runTasks(List.of(new Task("fix-discount", "Fix the discount", null)));
      LaneStatus l = st.lanes().get(0);
      assertThat(l.state()).isEqualTo(LaneState.FAILED);
      assertThat(l.detail()).contains("setup command").contains("exit code 3");
      SessionStore s = run.session();
      Entry failed = s.entry(s.laneHead("fix-discount").orElseThrow());
      assertThat(((Body.Event) failed.body()).kind()).isEqualTo("lane.failed");
      Entry spawn = s.entry(failed.parentId());
      assertThat(((Body.Event) spawn.body()).kind()).isEqualTo("lane.spawned");
    }
  }

  @Test
  void aFailedPushLeavesTheLaneFinishedAndResumeShipsIt() throws Exception {
    Path moved = tmp.resolve("away.git");
    String runId;
    try (Orchestrator run = Orchestrator.start(wb, options(0), listener(), "tasks")) {
      runId = run.runId();
      // the remote goes away after the run started (the pre-flight check saw it): the push fails
      Files.move(shop.remote(), moved);
      RunStatus st = run.runTasks(List.of(SampleRepository.TASKS.get(0)));
      LaneStatus l = st.lanes().get(0);
      assertThat(l.state()).isEqualTo(LaneState.FINISHED);
      assertThat(l.detail()).contains("shipping failed at push");
      assertThat(st.succeeded()).isFalse();
    }
    Files.move(moved, shop.remote());
    try (Orchestrator again = Orchestrator.reopen(wb, runId, options(0), listener())) {
      RunStatus st = again.resume();
      assertThat(st.lanes()).extracting(LaneStatus::state).containsExactly(LaneState.SHIPPED);
    }
    assertThat(remoteLog("task/fix-discount")).startsWith("Fix Pricing.discount");
  }

  @Test
  void aRelativeRemoteAndBuildOutputAreHandledWhenShipping() throws Exception {
    git.run(
        shop.repo(), List.of("remote", "set-url", "origin", "../" + shop.remote().getFileName()));
    Path script =
        Files.writeString(
            tmp.resolve("gen.json"),
            """
        {"turns": [{"calls": [{"tool": "write_file", "args": {"path": "NOTES.md", "content": "notes\\n"}}]},
                   {"calls": [{"tool": "run_command", "args": {"command": "mkdir -p lib/__pycache__ node_modules/x && echo b > lib/__pycache__/m.cpython-311.pyc && echo c > node_modules/x/i.js"}}]},
                   {"calls": [{"tool": "finish", "args": {"summary": "wrote the notes"}}]}]}
        """);
    Workbench bench = TestBench.open(tmp, shop.repo(), "scripted:" + script);
    try (Orchestrator run = Orchestrator.start(bench, options(0), listener(), "tasks")) {
      RunStatus st = run.runTasks(List.of(Task.of("write the notes")));
      assertThat(st.lanes())
          .singleElement()
          .extracting(LaneStatus::state)
          .isEqualTo(LaneState.SHIPPED);
      RunEvent.LaneCommitted committed =
          new RunLog(run.session())
              .read("write-the-notes").stream()
                  .map(RunLog.Logged::event)
                  .filter(e -> e instanceof RunEvent.LaneCommitted)
                  .map(e -> (RunEvent.LaneCommitted) e)
                  .findFirst()
                  .orElseThrow();
      assertThat(committed.paths()).containsExactly("NOTES.md");
      assertThat(committed.leftOut())
          .anySatisfy(
              l -> assertThat(l).startsWith("lib/__pycache__/m.cpython-311.pyc: build output"))
          .anySatisfy(l -> assertThat(l).startsWith("node_modules/x/i.js: build output"));
    }
    assertThat(
            git.run(shop.remote(), List.of("ls-tree", "-r", "--name-only", "task/write-the-notes"))
                .lines())
        .contains("NOTES.md")
        .noneMatch(p -> p.contains("__pycache__") || p.contains("node_modules"));
  }

  @Test
  void aMissingRemoteFailsBeforeAnyAgentWorks() {
    git.run(shop.repo(), List.of("remote", "remove", "origin"));
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> Orchestrator.start(wb, options(0), listener(), "tasks"))
        .isInstanceOf(OrchestratorException.class)
        .hasMessageContaining("no remote 'origin'")
        .hasMessageContaining("--no-ship");
    assertThat(Runs.list(wb.sessionsDir())).isEmpty();
    assertThat(git.run(shop.repo(), List.of("branch", "--list", "task/*")).stdout()).isEmpty();
  }

  @Test
  void retriesForkAFailedLaneAutomatically() throws Exception {
    RunStatus st;
    try (Orchestrator run = Orchestrator.start(wb, options(1), listener(), "tasks")) {
      st = run.runTasks(List.of(SampleRepository.TASKS.get(2)));
    }
    assertThat(st.lanes())
        .extracting(LaneStatus::lane, LaneStatus::state)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("fix-rounding", LaneState.FAILED),
            org.assertj.core.groups.Tuple.tuple("fix-rounding-2", LaneState.SHIPPED));
    assertThat(events)
        .anySatisfy(
            e ->
                assertThat(e).startsWith("fix-rounding-2 queued retrying fix-rounding from entry"));
  }
}
