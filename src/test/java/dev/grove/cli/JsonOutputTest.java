package dev.grove.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.grove.git.Git;
import dev.grove.orchestrator.SampleRepository;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every --json prints one JSON document on stdout and nothing else, in one vocabulary
 * (docs/json.md).
 */
class JsonOutputTest {
  static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path tmp;

  JsonNode json(CliRunner.Result r) throws Exception {
    assertThat(r.out().strip())
        .as(r.toString())
        .startsWith("{")
        .satisfiesAnyOf(s -> assertThat(s).endsWith("}"), s -> assertThat(s).endsWith("]"));
    return JSON.readTree(r.out());
  }

  JsonNode jsonArray(CliRunner.Result r) throws Exception {
    assertThat(r.out().strip()).as(r.toString()).startsWith("[").endsWith("]");
    return JSON.readTree(r.out());
  }

  @Test
  void everyCommandsJsonIsJsonAloneInOneVocabulary() throws Exception {
    Git git = new Git(Map.of());
    SampleRepository.Made shop = SampleRepository.create(tmp, git);
    Path script = SampleRepository.writeScript(tmp.resolve("agents.json"));
    CliRunner cli = new CliRunner(shop.repo());
    cli.env.put("GROVE_HOME", tmp.resolve("grove-home").toString());
    cli.env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
    Path tasks =
        Files.writeString(
            tmp.resolve("tasks.json"),
            """
        [{"slug": "fix-discount", "task": "Fix the discount", "verify": "sh run-tests.sh DiscountTest"},
         {"slug": "fix-rounding", "task": "Fix the rounding", "verify": "sh run-tests.sh RoundingTest"}]
        """);

    JsonNode run =
        json(
            cli.run("run", "--tasks", tasks.toString(), "--model", "scripted:" + script, "--json"));
    assertThat(run.path("state").asText()).as(run.toPrettyString()).isEqualTo("finished");
    assertThat(run.path("lanes").get(0).path("state").asText())
        .as(run.toPrettyString())
        .isEqualTo("shipped");
    assertThat(run.path("lanes"))
        .allSatisfy(l -> assertThat(l.has("detail") && l.has("worktree")).isTrue());
    String runId = run.path("run").asText();

    JsonNode list = jsonArray(cli.run("status", "--json"));
    assertThat(list.get(0).path("lanes").isArray())
        .isTrue(); // the same shape as one run, not a count
    assertThat(json(cli.run("status", runId, "--json")).path("run").asText()).isEqualTo(runId);

    JsonNode merged = json(cli.run("merge", "fix-discount", "--json"));
    assertThat(merged.path("merged").asBoolean()).isTrue();
    assertThat(json(cli.run("merge", "fix-discount", "--json")).path("already").asBoolean())
        .isTrue();
    JsonNode queue = json(cli.run("merge", "--all", runId, "--json"));
    assertThat(queue.path("run").asText()).isEqualTo(runId);
    assertThat(queue.path("into").asText()).isEqualTo("main");
    assertThat(queue.path("done").isBoolean() && queue.path("left").isArray()).isTrue();
    assertThat(queue.path("steps").isArray()).as(queue.toPrettyString()).isTrue();
    assertThat(queue.path("plan").asBoolean(true)).as("the local forge merges").isFalse();

    JsonNode clean = jsonArray(cli.run("clean", "--dry-run", "--json"));
    assertThat(clean).allSatisfy(c -> assertThat(c.has("detail") && c.has("worktree")).isTrue());

    JsonNode resume = json(cli.run("resume", runId, "--model", "scripted:" + script, "--json"));
    assertThat(resume.path("run").asText()).isEqualTo(runId);

    JsonNode agent =
        json(
            cli.run(
                "agent",
                "run",
                "--task",
                "Fix the discount",
                "--worktree",
                "solo",
                "--model",
                "scripted:" + script,
                "--json"));
    assertThat(agent.path("detail").asText()).isNotBlank();
    assertThat(agent.has("result")).isFalse();

    JsonNode worktrees = jsonArray(cli.run("worktree", "list", "--json"));
    assertThat(worktrees).allSatisfy(w -> assertThat(w.path("worktree").asText()).startsWith("/"));

    assertThat(jsonArray(cli.run("trust", "--show", "--json"))).isEmpty();
    assertThat(json(cli.run("doctor", "--json")).path("checks").isArray()).isTrue();
  }
}
