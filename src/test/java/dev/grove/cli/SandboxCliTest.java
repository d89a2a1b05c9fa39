package dev.grove.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `grove sandbox run` and `grove doctor`, in-process, with real bubblewrap. */
class SandboxCliTest {
  static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;
  CliRunner cli;
  Path work;

  @BeforeEach
  void setUp() throws Exception {
    cli = new CliRunner(dir);
    cli.env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
    cli.env.put("GROVE_HOME", dir.resolve("grove-home").toString());
    work = Files.createDirectories(dir.resolve("work"));
  }

  @Test
  void runPassesTheCommandsOutputAndExitCodeThrough() {
    CliRunner.Result r =
        cli.run(
            "sandbox", "run", "--dir", "work", "--", "sh", "-c", "echo out; echo err >&2; exit 7");
    assertThat(r.exit()).as(r.toString()).isEqualTo(7);
    assertThat(r.out()).isEqualTo("out\n");
    assertThat(r.err()).isEqualTo("err\n");
  }

  @Test
  void optionsEndAtTheCommandSoItsOwnFlagsNeedNoDashes() {
    CliRunner.Result r =
        cli.run("sandbox", "run", "--dir", "work", "ls", "-a", "--indicator-style=slash");
    assertThat(r.exit()).as(r.toString()).isZero();
    assertThat(r.out()).contains("./").contains("../");
  }

  @Test
  void aTimeoutExitsWith124AndSaysEverythingWasKilled() {
    CliRunner.Result r =
        cli.run(
            "sandbox",
            "run",
            "--dir",
            "work",
            "--timeout",
            "300ms",
            "--",
            "sh",
            "-c",
            "echo before; sleep 30");
    assertThat(r.exit()).isEqualTo(SandboxCommand.TIMED_OUT);
    assertThat(r.out()).isEqualTo("before\n");
    assertThat(r.err())
        .contains("timed out after 300ms")
        .contains("everything it started were killed");
  }

  @Test
  void withSandboxNoneEveryRunIsWarned() {
    for (int i = 0; i < 2; i++) {
      CliRunner.Result r =
          cli.run("sandbox", "run", "--dir", "work", "--sandbox", "none", "--", "echo", "hi");
      assertThat(r.exit()).isZero();
      assertThat(r.out()).isEqualTo("hi\n");
      assertThat(r.err())
          .startsWith("grove: warning: --sandbox none: commands run WITHOUT a sandbox");
    }
  }

  @Test
  void jsonGivesTheWholeResult() throws Exception {
    CliRunner.Result r =
        cli.run(
            "sandbox",
            "run",
            "--dir",
            "work",
            "--json",
            "--max-output",
            "8",
            "--env",
            "X=1",
            "--",
            "sh",
            "-c",
            "echo $X; seq 1 100");
    JsonNode o = JSON.readTree(r.out());
    assertThat(o.path("backend").asText()).isEqualTo("bubblewrap");
    assertThat(o.path("exitCode").asInt()).isZero();
    assertThat(o.path("timedOut").asBoolean()).isFalse();
    assertThat(o.path("stdout").path("head").asText()).isEqualTo("1\n1\n");
    assertThat(o.path("stdout").path("tail").asText()).isEqualTo("100\n");
    assertThat(o.path("stdout").path("cutBytes").asLong()).isEqualTo(2 + 292 - 8);
  }

  @Test
  void groveHomeIsHiddenFromTheCommand() throws Exception {
    Files.createDirectories(dir.resolve("grove-home"));
    Files.writeString(dir.resolve("grove-home/config.toml"), "token = secret\n");
    CliRunner.Result r =
        cli.run(
            "sandbox",
            "run",
            "--dir",
            "work",
            "--",
            "cat",
            dir.resolve("grove-home/config.toml").toString());
    assertThat(r.exit()).isNotZero();
    assertThat(r.out()).doesNotContain("secret");
  }

  @Test
  void projectSettingsAreApplied() throws Exception {
    Path repo = dir.resolve("repo");
    Files.createDirectories(repo.resolve(".grove"));
    git(repo, "init", "-q");
    Path secret = Files.createDirectories(dir.resolve("secret"));
    Files.writeString(secret.resolve("key"), "hunter2\n");
    Files.writeString(
        repo.resolve(".grove/sandbox.properties"), "hidden = " + secret + "\nmax-output = 6\n");
    CliRunner.Result r =
        cli.run(
            "sandbox",
            "run",
            "--dir",
            "repo",
            "--",
            "sh",
            "-c",
            "cat " + secret.resolve("key") + "; echo 1234567890");
    assertThat(r.out()).doesNotContain("hunter2").startsWith("123\n[… 5 bytes cut …]\n90\n");

    Files.writeString(repo.resolve(".grove/sandbox.properties"), "read_only = ~/.m2\n");
    CliRunner.Result bad = cli.run("sandbox", "run", "--dir", "repo", "--", "true");
    assertThat(bad.exit()).isEqualTo(Exits.USAGE);
    assertThat(bad.err())
        .contains("sandbox.properties: unknown setting read_only")
        .contains("read-only");
  }

  @Test
  void aProjectFileThatWouldLoosenTheSandboxIsIgnoredWithWarnings() throws Exception {
    Path repo = dir.resolve("repo");
    Files.createDirectories(repo.resolve(".grove"));
    git(repo, "init", "-q");
    Files.writeString(
        repo.resolve(".grove/sandbox.properties"), "read-only = ~\nmax-processes = 100000\n");
    CliRunner.Result r = cli.run("sandbox", "run", "--dir", "repo", "--", "true");
    assertThat(r.exit()).as(r.toString()).isZero();
    assertThat(r.err())
        .contains(
            "grove: warning: "
                + repo.resolve(".grove/sandbox.properties").toRealPath()
                + ": read-only "
                + System.getProperty("user.home")
                + " ignored")
        .contains("max-processes = 100000 ignored");
  }

  @Test
  void aDirectoryThatDoesNotExistIsNotFound() {
    CliRunner.Result r = cli.run("sandbox", "run", "--dir", "nowhere", "--", "true");
    assertThat(r.exit()).isEqualTo(Exits.NOT_FOUND);
    assertThat(r.err()).contains("nowhere").contains("does not exist");
  }

  @Test
  void aCommandIsRequired() {
    CliRunner.Result r = cli.run("sandbox", "run", "--dir", "work");
    assertThat(r.exit()).isEqualTo(Exits.USAGE);
    assertThat(r.err()).contains("CMD");
  }

  @Test
  void doctorListsEveryCheck() throws Exception {
    CliRunner.Result r = cli.run("doctor", "--json");
    assertThat(r.exit()).as(r.toString()).isZero();
    JsonNode o = JSON.readTree(r.out());
    assertThat(o.path("ok").asBoolean()).isTrue();
    assertThat(o.path("checks").findValuesAsText("name"))
        .containsExactly(
            "java",
            "git",
            "bubblewrap",
            "namespaces",
            "uid",
            "kernel",
            "seccomp",
            "userns",
            "limits",
            "model",
            "repository");
    assertThat(o.path("checks").get(9).path("status").asText())
        .isEqualTo("warn"); // no default model here
    assertThat(o.path("checks").get(5).path("status").asText())
        .isEqualTo("ok"); // /proc/sys read-only inside
    CliRunner.Result text = cli.run("doctor");
    assertThat(text.out()).contains("ok    bubblewrap").contains("grove can run here.");
  }

  @Test
  void doctorSaysHowToInstallWhatIsMissing() throws Exception {
    cli.env.put("PATH", Files.createDirectories(dir.resolve("empty-bin")).toString());
    CliRunner.Result r = cli.run("doctor");
    assertThat(r.exit()).isEqualTo(Exits.FAILED);
    assertThat(r.out())
        .contains("FAIL  git")
        .contains("apt-get install git")
        .contains("FAIL  bubblewrap")
        .contains("apt-get install bubblewrap")
        .contains("grove cannot run here yet");
  }

  @Test
  void withoutBubblewrapRunFailsWithTheFix() throws Exception {
    cli.env.put("PATH", Files.createDirectories(dir.resolve("empty-bin")).toString());
    CliRunner.Result r = cli.run("sandbox", "run", "--dir", "work", "--", "true");
    assertThat(r.exit()).isEqualTo(Exits.IO);
    assertThat(r.err())
        .contains("bubblewrap (bwrap) is not installed")
        .contains("apt-get install bubblewrap")
        .contains("--sandbox none")
        .doesNotContain("Exception");
  }

  static void git(Path repo, String... args) throws Exception {
    java.util.List<String> argv = new java.util.ArrayList<>(java.util.List.of("git"));
    argv.addAll(java.util.List.of(args));
    Process p = new ProcessBuilder(argv).directory(repo.toFile()).inheritIO().start();
    assertThat(p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isZero();
  }
}
