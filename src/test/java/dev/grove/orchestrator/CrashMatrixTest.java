package dev.grove.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.grove.git.Git;
import dev.grove.session.SessionStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * grove killed (as by {@code kill -9}) at each step of a lane's way out, then resumed: every lane
 * ends exactly once in the right state, nothing unverified ships, no step is recorded twice,
 * nothing is left behind.
 */
class CrashMatrixTest {
  static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path tmp;

  static List<String> points() {
    List<String> all = new ArrayList<>(CrashPoint.RUN);
    all.addAll(CrashPoint.ALL);
    return all;
  }

  @ParameterizedTest(name = "killed at {0}")
  @MethodSource("points")
  void aRunKilledAtAnyStepIsFinishedExactlyOnceByResume(String point) throws Exception {
    Git git = new Git(Map.of());
    SampleRepository.Made shop = SampleRepository.create(tmp, git);
    Path script = SampleRepository.writeScript(tmp.resolve("agents.json"));
    ArrayNode tasks = JSON.createArrayNode();
    for (Task t : SampleRepository.TASKS) {
      tasks.addObject().put("slug", t.slug()).put("task", t.text()).put("verify", t.verify());
    }
    Path tasksFile = tmp.resolve("tasks.json");
    JSON.writeValue(tasksFile.toFile(), tasks);

    KilledGrove.at(
        tmp,
        point,
        "run",
        "--tasks",
        tasksFile.toString(),
        "--model",
        "scripted:" + script,
        "--repo",
        shop.repo().toString(),
        "--parallel",
        "3");

    Workbench wb = TestBench.open(tmp, shop.repo(), "scripted:" + script);
    String runId = Runs.list(wb.sessionsDir()).get(0);
    try (SessionStore s = SessionStore.open(wb.sessionsDir().resolve(runId + ".jsonl"))) {
      assertThat(RunStatus.of(runId, s).state())
          .as("no process holds it")
          .isNotEqualTo(RunState.LIVE);
      if (CrashPoint.RUN.contains(point)) {
        assertThat(RunStatus.of(runId, s).state())
            .as("tasks not given yet are work left")
            .isEqualTo(RunState.INTERRUPTED);
      }
    }
    RunStatus after;
    try (Orchestrator run =
        Orchestrator.reopen(wb, runId, Orchestrator.Options.none(), Orchestrator.Listener.NONE)) {
      after = run.resume();
      RunLog log = new RunLog(run.session());
      for (LaneStatus lane : after.lanes()) {
        List<RunEvent> events = log.read(lane.lane()).stream().map(RunLog.Logged::event).toList();
        long commits = events.stream().filter(e -> e instanceof RunEvent.LaneCommitted).count();
        long pushes = events.stream().filter(e -> e instanceof RunEvent.LanePushed).count();
        long prs = events.stream().filter(e -> e instanceof RunEvent.PullRequestOpened).count();
        long cleaned = events.stream().filter(e -> e instanceof RunEvent.LaneCleaned).count();
        assertThat(commits).as(lane.lane() + " commits recorded").isEqualTo(1);
        assertThat(pushes).as(lane.lane() + " pushes recorded").isLessThanOrEqualTo(1);
        assertThat(prs).as(lane.lane() + " pull requests recorded").isLessThanOrEqualTo(1);
        assertThat(cleaned).as(lane.lane() + " clean-ups recorded").isLessThanOrEqualTo(1);
        // nothing was pushed without a recorded pass of every verification of the very commit
        // pushed
        List<String> verifiedOk = new ArrayList<>();
        for (RunEvent e : events) {
          if (e instanceof RunEvent.LaneVerified v && v.ok()) {
            verifiedOk.add(v.commit());
          }
          if (e instanceof RunEvent.LanePushed pushed) {
            assertThat(verifiedOk).as(lane.lane() + " pushed unverified").contains(pushed.commit());
          }
        }
      }
    }
    assertThat(after.lanes())
        .as("%s", after.lanes())
        .extracting(LaneStatus::lane, LaneStatus::state)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("fix-discount", LaneState.SHIPPED),
            org.assertj.core.groups.Tuple.tuple("add-tax", LaneState.SHIPPED),
            org.assertj.core.groups.Tuple.tuple("fix-rounding", LaneState.FAILED));
    assertThat(git.run(shop.remote(), List.of("branch", "--format=%(refname:short)")).lines())
        .containsExactlyInAnyOrder("main", "task/fix-discount", "task/add-tax");
    // the shipped lanes' worktrees are gone (the failed one's stays, for a fork)
    assertThat(wb.worktrees().find("fix-discount")).isEmpty();
    assertThat(wb.worktrees().find("add-tax")).isEmpty();
    try (SessionStore s = SessionStore.open(wb.sessionsDir().resolve(runId + ".jsonl"))) {
      assertThat(RunStatus.of(runId, s).state()).isEqualTo(RunState.FINISHED);
    }
  }

  /**
   * An automatic retry (a fork with a hint) killed between its spawn event and its hint: resumed,
   * it starts from the entry it was forked at, with the hint — not afresh from its task.
   */
  @org.junit.jupiter.api.Test
  void aRetryKilledBeforeItsHintCarriesOnFromItsForkPoint() throws Exception {
    Git git = new Git(Map.of());
    SampleRepository.Made shop = SampleRepository.create(tmp, git);
    Path script = SampleRepository.writeScript(tmp.resolve("agents.json"));
    Task rounding = SampleRepository.TASKS.get(2);
    KilledGrove.at(
        tmp,
        CrashPoint.FORK.get(0),
        "run",
        rounding.text(),
        "--verify",
        rounding.verify(),
        "--retries",
        "1",
        "--model",
        "scripted:" + script,
        "--repo",
        shop.repo().toString());

    Workbench wb = TestBench.open(tmp, shop.repo(), "scripted:" + script);
    String runId = Runs.list(wb.sessionsDir()).get(0);
    RunStatus after;
    try (Orchestrator run =
        Orchestrator.reopen(wb, runId, Orchestrator.Options.none(), Orchestrator.Listener.NONE)) {
      after = run.resume();
      String retry =
          after.lanes().stream()
              .filter(l -> l.forkOf() != null)
              .map(LaneStatus::lane)
              .findFirst()
              .orElseThrow();
      List<dev.grove.session.Entry> context = run.session().contextOfLane(retry);
      List<dev.grove.session.Body.Message> messages =
          context.stream()
              .map(e -> e.body())
              .filter(dev.grove.session.Body.Message.class::isInstance)
              .map(dev.grove.session.Body.Message.class::cast)
              .toList();
      assertThat(messages)
          .filteredOn(m -> m.role() == dev.grove.session.Role.SYSTEM)
          .as("one system prompt: the fork carries on the first agent's conversation")
          .hasSize(1);
      assertThat(messages)
          .filteredOn(
              m ->
                  m.role() == dev.grove.session.Role.USER
                      && m.content().startsWith("Hint: a previous attempt"))
          .as("the hint, once")
          .hasSize(1);
      assertThat(messages)
          .extracting(dev.grove.session.Body.Message::content)
          .as("what the first agent did before the fork point")
          .contains("Let me read the rounding code.");
    }
    assertThat(after.lanes())
        .extracting(LaneStatus::state)
        .containsExactlyInAnyOrder(LaneState.FAILED, LaneState.SHIPPED);
  }
}
