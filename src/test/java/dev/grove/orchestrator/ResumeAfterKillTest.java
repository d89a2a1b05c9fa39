package dev.grove.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.grove.git.Git;
import dev.grove.session.Body;
import dev.grove.session.Entry;
import dev.grove.session.Node;
import dev.grove.session.SessionStore;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run whose orchestrator process is killed (SIGKILL) with three lanes mid-command, then resumed.
 */
class ResumeAfterKillTest {
  @TempDir Path tmp;

  static final String SCRIPT =
      """
      {"agents": [
        {"name": "discount", "when": {"task": "discount"}, "turns": [
          {"calls": [{"tool": "read_file", "args": {"path": "src/Pricing.java"}}]},
          {"calls": [{"tool": "run_command", "args": {"command": "echo thinking hard; sleep 30"}}]},
          {"calls": [{"tool": "edit_file", "args": {"path": "src/Pricing.java", "old": "return price * percent / 100;", "new": "return price - price * percent / 100;"}}]},
          {"calls": [{"tool": "finish", "args": {"summary": "Fixed discount"}}]}]},
        {"name": "tax", "when": {"task": "tax"}, "turns": [
          {"calls": [{"tool": "read_file", "args": {"path": "src/Pricing.java"}}]},
          {"calls": [{"tool": "run_command", "args": {"command": "echo thinking hard; sleep 30"}}]},
          {"calls": [{"tool": "edit_file", "args": {"path": "src/Pricing.java", "old": "throw new UnsupportedOperationException(\\"not implemented yet\\");", "new": "return price * (1 + rate);"}}]},
          {"calls": [{"tool": "finish", "args": {"summary": "Implemented withTax"}}]}]},
        {"name": "rounding", "when": {"task": "round"}, "turns": [
          {"calls": [{"tool": "read_file", "args": {"path": "src/Pricing.java"}}]},
          {"calls": [{"tool": "run_command", "args": {"command": "echo thinking hard; sleep 30"}}]},
          {"calls": [{"tool": "edit_file", "args": {"path": "src/Pricing.java", "old": "return Math.floor(amount * 100) / 100;", "new": "return java.math.BigDecimal.valueOf(amount).setScale(2, java.math.RoundingMode.HALF_UP).doubleValue();"}}]},
          {"calls": [{"tool": "finish", "args": {"summary": "Rounded half up"}}]}]}
      ]}
      """;

  @Test
  void noEntryIsLostAndTheLanesCarryOn() throws Exception {
    Git git = new Git(Map.of());
    SampleRepository.Made shop = SampleRepository.create(tmp, git);
    Path script = Files.writeString(tmp.resolve("slow.json"), SCRIPT);
    Path tasks =
        Files.writeString(
            tmp.resolve("tasks.json"),
            """
        [{"slug": "fix-discount", "task": "Fix the discount"},
         {"slug": "add-tax", "task": "Add the tax"},
         {"slug": "fix-rounding", "task": "Fix the rounding"}]
        """);
    Path groveHome = tmp.resolve("grove-home");
    String java = ProcessHandle.current().info().command().orElse("java");
    ProcessBuilder pb =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                "dev.grove.cli.Main",
                "run",
                "--tasks",
                tasks.toString(),
                "--model",
                "scripted:" + script,
                "--repo",
                shop.repo().toString(),
                "--parallel",
                "3")
            .redirectErrorStream(true);
    pb.environment().put("GROVE_HOME", groveHome.toString());
    Process p = pb.start();
    Set<String> sleeping = new HashSet<>();
    List<String> seen = new ArrayList<>();
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      for (String line;
          sleeping.size() < 3
              && System.nanoTime() < deadline
              && (line = out.readLine()) != null; ) {
        seen.add(line);
        if (line.contains("step 1 · read_file ok")) {
          sleeping.add(line.substring(1, line.indexOf(']'))); // its next call is the long command
        }
      }
      Thread.sleep(1500); // all three are now inside their 30-second command
      p.destroyForcibly(); // SIGKILL
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(sleeping)
        .as(String.join("\n", seen))
        .containsExactlyInAnyOrder("fix-discount", "add-tax", "fix-rounding");

    Path sessions = dev.grove.orchestrator.Runs.dir(shop.repo());
    Path file;
    try (var files = Files.list(sessions)) {
      file = files.filter(f -> f.toString().endsWith(".jsonl")).findFirst().orElseThrow();
    }
    assertThat(SessionStore.validate(file).problems()).isEmpty();
    Set<String> before = new HashSet<>();
    try (SessionStore s = SessionStore.open(file)) {
      s.forEachNode(n -> before.add(n.id()));
      RunStatus st = RunStatus.of("killed", s);
      assertThat(st.lanes()).allSatisfy(l -> assertThat(l.state()).isEqualTo(LaneState.RUNNING));
      // the process that held the run is gone: the run is interrupted, not running, and can be
      // resumed
      assertThat(st.state()).isEqualTo(RunState.INTERRUPTED);
      assertThat(st.resumable()).isTrue();
    }

    Workbench wb = TestBench.open(tmp, shop.repo(), "scripted:" + script);
    RunStatus after;
    try (Orchestrator run =
        Orchestrator.reopen(
            wb, null, Orchestrator.Options.defaults(), Orchestrator.Listener.NONE)) {
      after = run.resume();
      SessionStore s = run.session();
      // nothing written before the kill is lost, and each lane carried on from where it was
      Set<String> now = new HashSet<>();
      s.forEachNode(n -> now.add(n.id()));
      assertThat(now).containsAll(before);
      for (String lane : List.of("fix-discount", "add-tax", "fix-rounding")) {
        List<Node> path = s.path(s.laneHead(lane).orElseThrow());
        List<Entry> entries = s.entries(path.stream().map(Node::id).toList());
        long interrupted =
            entries.stream()
                .filter(
                    e ->
                        e.body() instanceof Body.Message m
                            && m.isError()
                            && m.content().startsWith("not finished: grove stopped"))
                .count();
        assertThat(interrupted).as(lane).isEqualTo(1);
        assertThat(
                entries.stream()
                    .filter(
                        e -> e.body() instanceof Body.Event ev && ev.kind().equals("lane.started")))
            .as(lane + " started twice: before the kill and on resume")
            .hasSize(2);
      }
    }
    assertThat(after.lanes()).extracting(LaneStatus::state).containsOnly(LaneState.SHIPPED);
    assertThat(git.run(shop.remote(), List.of("branch", "--format=%(refname:short)")).lines())
        .contains("task/fix-discount", "task/add-tax", "task/fix-rounding");
  }
}
