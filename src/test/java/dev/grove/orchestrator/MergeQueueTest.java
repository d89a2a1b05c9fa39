package dev.grove.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

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
 * {@code grove merge --all}: shipped lanes landed one after another on the demo repository (real
 * git, a bare remote, bubblewrap), each merge verified in a scratch worktree before the base moves.
 */
class MergeQueueTest {
  @TempDir Path tmp;
  SampleRepository.Made shop;
  Workbench wb;
  final Git git = new Git(Map.of());

  static final String PRICING_RESOLVED;

  static {
    String base =
        new String(
            readResource("/dev/grove/demo/shop/src/Pricing.java"),
            java.nio.charset.StandardCharsets.UTF_8);
    PRICING_RESOLVED =
        base.replace("return price * percent / 100;", "return price * (100 - percent) / 100;");
  }

  static byte[] readResource(String name) {
    try (var in = MergeQueueTest.class.getResourceAsStream(name)) {
      return in.readAllBytes();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /**
   * alpha fixes the discount; beta fixes it another way (the same line: it conflicts with alpha);
   * gamma implements withTax, and its own check wants the discount line as it was (so it breaks
   * once alpha is merged). Forked with a hint that it no longer merges, beta rewrites the file.
   */
  static String agents() throws Exception {
    return """
        {"version": 1, "agents": [
          {"name": "alpha", "when": {"task": "alpha"}, "turns": [
            {"calls": [{"tool": "edit_file", "args": {"path": "src/Pricing.java",
              "old": "return price * percent / 100;", "new": "return price - price * percent / 100;"}}]},
            {"calls": [{"tool": "finish", "args": {"summary": "Discount: what is left to pay"}}]}]},
          {"name": "beta", "when": {"task": "beta"}, "turns": [
            {"calls": [{"tool": "edit_file", "args": {"path": "src/Pricing.java",
              "old": "return price * percent / 100;", "new": "return price * (100 - percent) / 100;"}}]},
            {"calls": [{"tool": "finish", "args": {"summary": "Discount: the share left"}}]},
            {"when": {"anyUser": "no longer merges"},
             "calls": [{"tool": "write_file", "args": {"path": "src/Pricing.java", "content": %s}}]},
            {"calls": [{"tool": "finish", "args": {"summary": "Discount: the share left, onto main"}}]}]},
          {"name": "gamma", "when": {"task": "gamma"}, "turns": [
            {"calls": [{"tool": "edit_file", "args": {"path": "src/Pricing.java",
              "old": "throw new UnsupportedOperationException(\\"not implemented yet\\");",
              "new": "return price * (1 + rate);"}}]},
            {"calls": [{"tool": "finish", "args": {"summary": "withTax"}}]}]}]}
        """
        .formatted(
            new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(PRICING_RESOLVED));
  }

  static final Task ALPHA =
      new Task("alpha", "Fix the discount (alpha)", "sh run-tests.sh DiscountTest");
  static final Task BETA =
      new Task("beta", "Fix the discount (beta)", "sh run-tests.sh DiscountTest");
  static final Task GAMMA =
      new Task(
          "gamma",
          "Implement withTax (gamma)",
          "grep -q 'return price [*] percent / 100;' src/Pricing.java && sh run-tests.sh TaxTest");

  @BeforeEach
  void setUp() throws Exception {
    shop = SampleRepository.create(tmp, git);
    Path script = Files.writeString(tmp.resolve("agents.json"), agents());
    wb = TestBench.open(tmp, shop.repo(), "scripted:" + script);
  }

  Orchestrator.Options options() {
    // one at a time: the lanes ship in the order given, which is the queue's order among equals
    return new Orchestrator.Options(null, 1, 0, null, "origin", null, true)
        .withRadar(Duration.ZERO);
  }

  String main() {
    return git.run(shop.repo(), List.of("rev-parse", "main")).stdout().strip();
  }

  @Test
  void theQueueStopsAtALaneWhoseChecksFailOnceMergedAndLeavesTheBaseAtTheLastGoodMerge() {
    try (Orchestrator run =
        Orchestrator.start(wb, options(), Orchestrator.Listener.NONE, "tasks")) {
      RunStatus shipped = run.runTasks(List.of(ALPHA, GAMMA));
      assertThat(shipped.count(LaneState.SHIPPED)).isEqualTo(2);
      MergeQueue.Report r = MergeQueue.run(run, new MergeQueue.Options(null, true, false, null));
      assertThat(r.steps()).hasSize(2);
      MergeQueue.Step.Merged alpha = (MergeQueue.Step.Merged) r.steps().get(0);
      assertThat(alpha.lane()).isEqualTo("alpha");
      assertThat(alpha.verified()).containsExactly("sh run-tests.sh DiscountTest");
      MergeQueue.Step.Broke gamma = (MergeQueue.Step.Broke) r.steps().get(1);
      assertThat(gamma.lane()).isEqualTo("gamma");
      assertThat(gamma.command()).startsWith("grep -q");
      assertThat(r.done()).isFalse();
      assertThat(r.left()).containsExactly("gamma");
      // the base holds alpha's merge and not gamma's
      assertThat(main()).isEqualTo(alpha.commit());
      assertThat(git.run(shop.repo(), List.of("show", "main:src/Pricing.java")).stdout())
          .contains("return price - price * percent / 100;")
          .contains("not implemented yet");
      RunStatus st = run.status();
      assertThat(st.lanes())
          .extracting(LaneStatus::lane, LaneStatus::state)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple("alpha", LaneState.MERGED),
              org.assertj.core.groups.Tuple.tuple("gamma", LaneState.SHIPPED));
      assertThat(st.lanes().get(1).detail())
          .startsWith("merge blocked: `grep -q")
          .contains("failed after merging into main");
      // no scratch worktree is left behind
      assertThat(wb.worktrees().root().toFile().list((d, n) -> n.startsWith(".scratch-")))
          .isEmpty();
    }
  }

  @Test
  void aLaneThatConflictsStopsTheQueueAndResolveHandsItToAnAgentWhoseForkLands() {
    try (Orchestrator run =
        Orchestrator.start(wb, options(), Orchestrator.Listener.NONE, "tasks")) {
      run.runTasks(List.of(ALPHA, BETA));
      MergeQueue.Report r = MergeQueue.run(run, new MergeQueue.Options(null, true, false, null));
      assertThat(r.steps()).extracting(MergeQueue.Step::lane).containsExactly("alpha", "beta");
      MergeQueue.Step.Conflicted beta = (MergeQueue.Step.Conflicted) r.steps().get(1);
      assertThat(beta.files()).containsExactly("src/Pricing.java");
      assertThat(r.left()).containsExactly("beta");
      String afterAlpha = main();

      MergeQueue.Report resolved =
          MergeQueue.run(run, new MergeQueue.Options(null, true, true, null));
      assertThat(resolved.steps())
          .extracting(MergeQueue.Step::getClass)
          .containsExactly(
              MergeQueue.Step.Conflicted.class,
              MergeQueue.Step.Resolving.class,
              MergeQueue.Step.Merged.class);
      MergeQueue.Step.Resolving fork = (MergeQueue.Step.Resolving) resolved.steps().get(1);
      assertThat(fork.fork()).isEqualTo("beta-2");
      assertThat(fork.state()).isEqualTo(LaneState.SHIPPED);
      assertThat(resolved.done()).isTrue();
      // the fork started from main as it was, with beta's work merged in and told why
      RunStatus st = run.status();
      LaneStatus b2 =
          st.lanes().stream().filter(l -> l.lane().equals("beta-2")).findFirst().orElseThrow();
      assertThat(b2.forkOf()).isEqualTo("beta");
      assertThat(b2.state()).isEqualTo(LaneState.MERGED);
      assertThat(
              git.run(
                      shop.repo(),
                      List.of("merge-base", "--is-ancestor", afterAlpha, "task/beta-2"))
                  .exitCode())
          .isZero();
      assertThat(git.run(shop.repo(), List.of("show", "main:src/Pricing.java")).stdout())
          .contains("return price * (100 - percent) / 100;")
          .doesNotContain("<<<<<<<");
    }
  }

  @Test
  void aMergeKilledAfterTheBaseMovedIsRecordedOnceWhenMergedAgainAndTheBaseStaysPut()
      throws Exception {
    String runId;
    try (Orchestrator run =
        Orchestrator.start(wb, options(), Orchestrator.Listener.NONE, "tasks")) {
      assertThat(run.runTasks(List.of(ALPHA)).count(LaneState.SHIPPED)).isEqualTo(1);
      runId = run.runId();
    }
    String before = main();
    // `grove merge --all` in a process of its own, killed the moment the base has moved and before
    // the merge is recorded
    KilledGrove.at(
        tmp,
        "land",
        List.of("-Duser.home=" + tmp.resolve("home")),
        "merge",
        "--all",
        "--run",
        runId,
        "--repo",
        shop.repo().toString());
    String landed = main();
    assertThat(landed).as("the base moved before the kill").isNotEqualTo(before);

    try (Orchestrator run =
        Orchestrator.reopen(wb, runId, Orchestrator.Options.none(), Orchestrator.Listener.NONE)) {
      MergeQueue.Report again =
          MergeQueue.run(run, new MergeQueue.Options(null, true, false, null));
      assertThat(again.done()).isTrue();
      assertThat(main()).as("merged once: no second commit on the base").isEqualTo(landed);
      long merged =
          new RunLog(run.session())
              .read("alpha").stream().filter(e -> e.event() instanceof RunEvent.LaneMerged).count();
      assertThat(merged).isEqualTo(1);
      assertThat(run.status().lanes())
          .extracting(LaneStatus::lane, LaneStatus::state)
          .containsExactly(org.assertj.core.groups.Tuple.tuple("alpha", LaneState.MERGED));
      assertThat(git.run(shop.repo(), List.of("show", "main:src/Pricing.java")).stdout())
          .contains("return price - price * percent / 100;");
    }
  }
}
