package dev.grove.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.grove.git.Git;
import dev.grove.orchestrator.SampleRepository;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** grove run --attempts and grove attempts, in-process against a real repository and bubblewrap. */
class AttemptsCliTest {
  static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path tmp;
  CliRunner cli;
  Path wordy;
  Path terse;

  @BeforeEach
  void setUp() throws Exception {
    SampleRepository.Made shop = SampleRepository.create(tmp, new Git(Map.of()));
    cli = new CliRunner(shop.repo());
    cli.env.put("GROVE_HOME", tmp.resolve("grove-home").toString());
    cli.env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
    wordy =
        Files.writeString(
            tmp.resolve("wordy.json"), dev.grove.orchestrator.AttemptsTestScripts.WORDY);
    terse =
        Files.writeString(
            tmp.resolve("terse.json"), dev.grove.orchestrator.AttemptsTestScripts.TERSE);
  }

  @Test
  void runWithAttemptsShipsTheBestAndGroveAttemptsShowsEveryScore() throws Exception {
    CliRunner.Result run =
        cli.run(
            "run",
            "Fix Pricing.discount so that DiscountTest passes",
            "--verify",
            "sh run-tests.sh DiscountTest",
            "--attempts",
            "2",
            "--models",
            "scripted:" + wordy + ",scripted:" + terse,
            "--no-ship",
            "--json");
    assertThat(run.exit()).as(run.toString()).isZero();
    JsonNode st = JSON.readTree(run.out().substring(run.out().indexOf("{\n")));
    String runId = st.path("run").asText();
    String group = st.path("attempts").get(0).path("group").asText();
    assertThat(st.path("attempts").get(0).path("winner").asText()).isEqualTo(group + "-a2");
    assertThat(st.path("lanes"))
        .extracting(l -> l.path("lane").asText() + ":" + l.path("chosen").asBoolean())
        .containsExactly(group + "-a1:false", group + "-a2:true");

    CliRunner.Result text = cli.run("attempts", runId, group);
    assertThat(text.exit()).as(text.toString()).isZero();
    assertThat(text.out())
        .contains(group + "-a2 chosen")
        .contains("* " + group + "-a2")
        .contains("diff 2 (1.00×1)")
        .contains("why: " + group + "-a2 scored");
    CliRunner.Result json = cli.run("attempts", runId, group + "-a1", "--json");
    JsonNode g = JSON.readTree(json.out());
    assertThat(g.path("winner").asText()).isEqualTo(group + "-a2");
    assertThat(g.path("attempts").get(0).path("scores")).isNotEmpty();

    CliRunner.Result status = cli.run("status", runId);
    assertThat(status.out()).contains("(attempt of " + group + ", set aside)");

    CliRunner.Result none = cli.run("attempts", runId, "nothing-here");
    assertThat(none.exit()).isEqualTo(3);
    assertThat(none.err()).contains("its attempts: " + group);
  }

  @Test
  void badAttemptsFlagsAreRefusedBeforeAnythingRuns() {
    CliRunner.Result zero = cli.run("run", "a task", "--attempts", "0");
    assertThat(zero.exit()).isEqualTo(2);
    assertThat(zero.err()).contains("--attempts must be between 1 and 16");
    CliRunner.Result weight = cli.run("run", "a task", "--attempts", "2", "--weight", "speed=1");
    assertThat(weight.exit()).isEqualTo(2);
    assertThat(weight.err()).contains("no scorer 'speed'");
    CliRunner.Result plan = cli.run("run", "--plan", "a goal", "--attempts", "2");
    assertThat(plan.exit()).isEqualTo(2);
    assertThat(plan.err()).contains("--attempts");
  }
}
