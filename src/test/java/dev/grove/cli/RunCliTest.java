package dev.grove.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.grove.git.Git;
import dev.grove.orchestrator.SampleRepository;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The run commands in-process against a real repository, bare remote and bubblewrap. */
class RunCliTest {
  static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path tmp;
  SampleRepository.Made shop;
  CliRunner cli;
  Path script;
  final Git git = new Git(Map.of());

  @BeforeEach
  void setUp() {
    shop = SampleRepository.create(tmp, git);
    script = SampleRepository.writeScript(tmp.resolve("agents.json"));
    cli = new CliRunner(shop.repo());
    cli.env.put("GROVE_HOME", tmp.resolve("grove-home").toString());
    cli.env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
  }

  Path tasksFile(String json) throws Exception {
    return Files.writeString(tmp.resolve("tasks-" + System.nanoTime() + ".json"), json);
  }

  @Test
  void runStatusForkAndMerge() throws Exception {
    Path tasks =
        tasksFile(
            """
        [{"slug": "fix-discount", "task": "Fix the discount", "verify": "sh run-tests.sh DiscountTest"},
         {"slug": "fix-rounding", "task": "Fix the rounding", "verify": "sh run-tests.sh RoundingTest"}]
        """);
    CliRunner.Result run =
        cli.run("run", "--tasks", tasks.toString(), "--model", "scripted:" + script, "--json");
    assertThat(run.exit()).as(run.toString()).isEqualTo(1); // fix-rounding fails its verification
    JsonNode st = JSON.readTree(run.out().substring(run.out().indexOf("{\n")));
    assertThat(st.path("succeeded").asBoolean()).isFalse();
    assertThat(st.path("lanes"))
        .extracting(l -> l.path("lane").asText() + ":" + l.path("state").asText())
        .containsExactlyInAnyOrder("fix-discount:shipped", "fix-rounding:failed");
    String runId = st.path("run").asText();

    CliRunner.Result list = cli.run("status");
    assertThat(list.out()).contains(runId).contains("finished");
    CliRunner.Result one = cli.run("status", runId.substring(0, 12));
    assertThat(one.out())
        .contains("fix-discount")
        .contains("shipped")
        .contains("verification failed");

    // fork the failed lane from the entry just before its bad edit, found by its label-free id
    Path session = Path.of(st.path("file").asText());
    String before = beforeBadEdit(session);
    CliRunner.Result fork =
        cli.run(
            "fork",
            before.substring(0, 6),
            "--hint",
            "Hint: round half up, not up.",
            "--model",
            "scripted:" + script);
    assertThat(fork.exit()).as(fork.toString()).isZero();
    assertThat(fork.out()).contains("fix-rounding-2").contains("shipped");

    CliRunner.Result merge = cli.run("merge", "fix-discount", "--json");
    assertThat(merge.exit()).as(merge.toString()).isZero();
    assertThat(JSON.readTree(merge.out()).path("merged").asBoolean()).isTrue();
    CliRunner.Result merge2 = cli.run("merge", "fix-rounding-2");
    assertThat(merge2.exit()).as(merge2.toString()).isZero();
    assertThat(git.run(shop.repo(), List.of("show", "main:src/Pricing.java")).stdout())
        .contains("return price - price * percent / 100;")
        .contains("RoundingMode.HALF_UP");
    assertThat(git.run(shop.remote(), List.of("show", "main:src/Pricing.java")).stdout())
        .contains("RoundingMode.HALF_UP");
    assertThat(Files.readString(shop.repo().resolve("src/Pricing.java")))
        .contains("RoundingMode.HALF_UP"); // checked out

    CliRunner.Result notShipped = cli.run("merge", "fix-rounding");
    assertThat(notShipped.exit()).isEqualTo(1);
    assertThat(notShipped.err())
        .contains("lane fix-rounding of run")
        .contains("is failed; only shipped work");

    CliRunner.Result dry = cli.run("clean", "--dry-run");
    assertThat(dry.out()).contains("fix-rounding").contains("would remove (failed)");
    CliRunner.Result clean = cli.run("clean");
    assertThat(clean.out()).contains("fix-rounding").contains("removed");
    // its work was committed on its branch before its verification failed: the branch keeps it
    assertThat(git.run(shop.repo(), List.of("log", "-1", "--format=%s", "task/fix-rounding")).out())
        .isNotBlank();
  }

  @Test
  void mergeConflictsAreReportedFileByFileAndChangeNothing() throws Exception {
    Path conflicting =
        Files.writeString(
            tmp.resolve("conflict.json"),
            """
        {"agents": [
          {"name": "a", "when": {"task": "first"}, "turns": [
            {"calls": [{"tool": "write_file", "args": {"path": "README.md", "content": "# shop, by A\\n"}}]},
            {"calls": [{"tool": "finish", "args": {"summary": "A's readme"}}]}]},
          {"name": "b", "when": {"task": "second"}, "turns": [
            {"calls": [{"tool": "write_file", "args": {"path": "README.md", "content": "# shop, by B\\n"}}]},
            {"calls": [{"tool": "finish", "args": {"summary": "B's readme"}}]}]}]}
        """);
    CliRunner.Result run =
        cli.run("run", "first readme", "second readme", "--model", "scripted:" + conflicting);
    assertThat(run.exit()).as(run.toString()).isZero();
    assertThat(cli.run("merge", "first-readme").exit()).isZero();
    String mainBefore = git.run(shop.repo(), List.of("rev-parse", "main")).out();
    CliRunner.Result conflict = cli.run("merge", "second-readme");
    assertThat(conflict.exit()).isEqualTo(1);
    assertThat(conflict.out())
        .contains("cannot merge task/second-readme into main: 1 conflicting file")
        .contains("  README.md")
        .contains("CONFLICT");
    assertThat(git.run(shop.repo(), List.of("rev-parse", "main")).out()).isEqualTo(mainBefore);
    assertThat(git.run(shop.repo(), List.of("status", "--porcelain")).stdout()).isEmpty();
  }

  @Test
  void agentRunWorksAlone() throws Exception {
    CliRunner.Result r =
        cli.run(
            "agent",
            "run",
            "--task",
            "Fix the discount",
            "--worktree",
            "solo",
            "--model",
            "scripted:" + script,
            "--json");
    assertThat(r.exit()).as(r.toString()).isZero();
    JsonNode j = JSON.readTree(r.out()); // the JSON alone: progress goes to stderr
    assertThat(j.path("state").asText()).isEqualTo("finished");
    assertThat(j.path("steps").asInt()).isEqualTo(4);
    assertThat(j.path("branch").asText()).isEqualTo("task/solo");
    assertThat(r.err()).contains("[solo] step 3 · run_command ok");
    Path wt = Path.of(j.path("worktree").asText());
    assertThat(Files.readString(wt.resolve("src/Pricing.java")))
        .contains("price - price * percent / 100");
    assertThat(cli.run("session", "validate", j.path("session").asText()).exit()).isZero();
    // checkpoints were recorded and bound to the session's entries
    assertThat(cli.run("checkpoint", "list", j.path("session").asText()).out())
        .contains("edited src/Pricing.java");
  }

  @Test
  void badRunInputsGetClearErrors() throws Exception {
    CliRunner.Result none = cli.run("run", "--model", "scripted:" + script);
    assertThat(none.exit()).isEqualTo(2);
    assertThat(none.err()).contains("give tasks");
    CliRunner.Result both =
        cli.run("run", "a task", "--plan", "a goal", "--model", "scripted:" + script);
    assertThat(both.exit()).isEqualTo(2);
    CliRunner.Result sandbox =
        cli.run("run", "a task", "--sandbox", "chroot", "--model", "scripted:" + script);
    assertThat(sandbox.exit()).isEqualTo(2);
    assertThat(sandbox.err()).contains("--sandbox must be bubblewrap or none");
    CliRunner.Result noModel = cli.run("run", "a task");
    assertThat(noModel.exit()).isEqualTo(2);
    assertThat(noModel.err()).contains("no model given");
    CliRunner.Result badTasks =
        cli.run(
            "run",
            "--tasks",
            tasksFile("{\"not\": \"an array\"}").toString(),
            "--model",
            "scripted:" + script);
    assertThat(badTasks.exit()).isEqualTo(2);
    assertThat(badTasks.err()).contains("must hold a JSON array");
    CliRunner.Result noRun = cli.run("status", "19990101");
    assertThat(noRun.exit()).isNotZero();
    assertThat(noRun.err()).contains("no run");
    CliRunner.Result why = cli.run("why", "src/Pricing.java");
    assertThat(why.exit()).isEqualTo(2);
    assertThat(why.err()).contains("give FILE:LINE");
    CliRunner.Result notGrove = cli.run("why", "src/Pricing.java:3");
    assertThat(notGrove.exit()).isEqualTo(1);
    assertThat(notGrove.out()).contains("grove did not make this commit");
    CliRunner.Result noSandbox =
        cli.run(
            "run",
            "Fix the discount",
            "--sandbox",
            "none",
            "--model",
            "scripted:" + script,
            "--no-ship");
    assertThat(noSandbox.err()).contains("warning");
  }

  @Test
  void aBadModelFailsBeforeAnythingIsCreated() throws Exception {
    for (String[] args :
        new String[][] {
          {"run", "a task", "--model", "bogus"},
          {"run", "a task", "--model", "scripted:" + tmp.resolve("missing.json")},
          {"run", "a task", "--model", "openai:gpt-4.1"},
          {"agent", "run", "--task", "a task", "--model", "nope:thing"}
        }) {
      CliRunner.Result r = cli.run(args);
      assertThat(r.exit()).as(String.join(" ", args) + "\n" + r).isEqualTo(2);
    }
    CliRunner.Result openai = cli.run("run", "a task", "--model", "openai:gpt-4.1");
    assertThat(openai.err()).contains("OPENAI_API_KEY");
    assertThat(git.run(shop.repo(), List.of("branch", "--list", "task/*")).stdout()).isEmpty();
    Path sessions = dev.grove.orchestrator.Runs.dir(shop.repo());
    if (Files.isDirectory(sessions)) {
      try (var files = Files.list(sessions)) {
        assertThat(files.toList()).isEmpty();
      }
    }
  }

  @Test
  void aSingleAgentsSessionIsNotARun() throws Exception {
    assertThat(
            cli.run("agent", "run", "--task", "Fix the discount", "--model", "scripted:" + script)
                .exit())
        .isZero();
    assertThat(cli.run("status").out()).contains("no runs yet");
    CliRunner.Result resume = cli.run("resume", "--model", "scripted:" + script);
    assertThat(resume.exit()).isZero();
    assertThat(resume.out()).contains("nothing to resume");
  }

  /** The tool result just before fix-rounding's bad edit (the scripted Math.ceil edit). */
  private static String beforeBadEdit(Path session) throws Exception {
    String previous = null;
    for (String line : Files.readAllLines(session)) {
      JsonNode n = JSON.readTree(line);
      if ("fix-rounding".equals(n.path("lane").asText())
          && n.path("content").asText("").contains("Rounding up instead")) {
        return n.path("parentId").asText();
      }
      previous = n.path("id").asText();
    }
    throw new AssertionError("no bad edit in " + session + " (last entry " + previous + ")");
  }
}
