package dev.grove.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.grove.agent.ToolResult;
import dev.grove.git.Git;
import dev.grove.session.ToolCall;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The conflict radar on a real run: two scripted agents change the same function of the demo
 * repository (real git, real bubblewrap); the radar sees it while both still work.
 */
class RadarTest {
  @TempDir Path tmp;
  SampleRepository.Made shop;
  Workbench wb;
  final Git git = new Git(Map.of());

  /**
   * Each agent edits Pricing.discount, then waits (at most two minutes) until the test says the
   * radar has seen them, then finishes: so what the radar records, it records before they finish.
   */
  static final String AGENTS =
      """
      {"version": 1, "agents": [
        {"name": "a", "when": {"task": "alpha"}, "turns": [
          {"calls": [{"tool": "edit_file", "args": {"path": "src/Pricing.java",
            "old": "return price * percent / 100;", "new": "return price - price * percent / 100;"}}]},
          {"calls": [{"tool": "run_command", "args": {"command": "%1$s"}}]},
          {"calls": [{"tool": "finish", "args": {"summary": "Discount, one way"}}]}]},
        {"name": "b", "when": {"task": "beta"}, "turns": [
          {"calls": [{"tool": "edit_file", "args": {"path": "src/Pricing.java",
            "old": "return price * percent / 100;", "new": "return price * (100 - percent) / 100;"}}]},
          {"calls": [{"tool": "run_command", "args": {"command": "%1$s"}}]},
          {"calls": [{"tool": "finish", "args": {"summary": "Discount, another way"}}]}]}]}
      """
          .formatted(
              "i=0; while [ ! -f .radar-seen ] && [ $i -lt 1200 ]; do sleep 0.1; i=$((i+1));"
                  + " done; rm -f .radar-seen");

  @BeforeEach
  void setUp() throws IOException {
    shop = SampleRepository.create(tmp, git);
    Path script = Files.writeString(tmp.resolve("agents.json"), AGENTS);
    wb = TestBench.open(tmp, shop.repo(), "scripted:" + script);
  }

  @Test
  void lanesChangingTheSameFunctionAreSeenAtRiskBeforeTheyFinish() throws Exception {
    List<Task> tasks =
        List.of(
            new Task("cut-a", "Fix the discount (alpha)", null),
            new Task("cut-b", "Fix the discount (beta)", null));
    Orchestrator.Listener seen =
        new Orchestrator.Listener() {
          @Override
          public void lane(String lane, LaneState state, String what) {
            if (what.startsWith("at risk: conflicts with")) {
              for (String l : List.of("cut-a", "cut-b")) {
                try {
                  Files.writeString(wb.worktrees().root().resolve(l).resolve(".radar-seen"), "");
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              }
            }
          }
        };
    Orchestrator.Options options =
        new Orchestrator.Options(null, 2, 0, null, "origin", null, false)
            .withRadar(Duration.ofMillis(20));
    RunStatus st;
    List<RunLog.Logged> events;
    String agentStatus;
    try (Orchestrator run = Orchestrator.start(wb, options, seen, "tasks")) {
      st = run.runTasks(tasks);
      events = new RunLog(run.session()).read();
      ToolResult r = new OrchestratorTools(run).call(new ToolCall("call_1", "agent_status", "{}"));
      agentStatus = ((ToolResult.Ok) r).text();
    }
    int firstRisk = -1;
    int firstFinish = -1;
    RunEvent.Risk risk = null;
    for (int i = 0; i < events.size(); i++) {
      RunEvent e = events.get(i).event();
      if (firstRisk < 0 && e instanceof RunEvent.RadarRisks r && !r.risks().isEmpty()) {
        firstRisk = i;
        risk = r.risks().get(0);
      }
      if (firstFinish < 0 && e instanceof RunEvent.LaneFinished) {
        firstFinish = i;
      }
    }
    assertThat(firstRisk).as("a radar.risks event").isNotNegative();
    assertThat(firstRisk).as("recorded before a lane finished").isLessThan(firstFinish);
    assertThat(risk.lane()).isEqualTo("cut-a");
    assertThat(risk.other()).isEqualTo("cut-b");
    assertThat(risk.kind()).isEqualTo(RunEvent.RiskKind.CONFLICT);
    assertThat(risk.files()).containsExactly("src/Pricing.java");
    assertThat(risk.detail()).startsWith("both change src/Pricing.java:");
    // status marks both lanes, each naming the other and the file
    assertThat(st.lanes()).allSatisfy(l -> assertThat(l.state()).isEqualTo(LaneState.FINISHED));
    LaneStatus b =
        st.lanes().stream().filter(l -> l.lane().equals("cut-b")).findFirst().orElseThrow();
    assertThat(b.risks()).hasSize(1);
    assertThat(b.risks().get(0).describe()).isEqualTo("conflicts with cut-a in src/Pricing.java");
    // and the orchestrator agent's agent_status says so
    assertThat(agentStatus)
        .contains("at risk: conflicts with cut-b in src/Pricing.java")
        .contains("at risk: conflicts with cut-a in src/Pricing.java");
  }
}
