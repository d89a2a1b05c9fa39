package dev.grove.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.grove.git.Git;
import dev.grove.orchestrator.Runs;
import dev.grove.orchestrator.SampleRepository;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ctrl-C on a real {@code grove run} process: the run stops cleanly, says what each lane reached
 * and how to carry on, and {@code grove resume} finishes it as it was started (here: not shipped),
 * the lane's steps numbered on from where they stopped.
 */
class InterruptTest {
  @TempDir Path tmp;

  @Test
  void ctrlCStopsTheRunWithAResumeHintAndResumeKeepsItsNoShip() throws Exception {
    Git git = new Git(Map.of());
    SampleRepository.Made shop = SampleRepository.create(tmp, git);
    Path script = tmp.resolve("slow.json");
    Files.writeString(
        script,
        """
        {"turns": [
          {"calls": [{"tool": "run_command",
                      "args": {"command": "echo one > one.txt; sleep 120"}}]},
          {"calls": [{"tool": "finish", "args": {"summary": "Write one.txt"}}]}
        ]}
        """);
    Path home = tmp.resolve("grove-home");
    String java = ProcessHandle.current().info().command().orElse("java");
    Path log = tmp.resolve("run.log");
    ProcessBuilder pb =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                "dev.grove.cli.Main",
                "run",
                "Write one.txt",
                "--model",
                "scripted:" + script,
                "--repo",
                shop.repo().toString(),
                "--no-ship")
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    pb.environment().put("GROVE_HOME", home.toString());
    Process p = pb.start();
    Path sessions = Runs.dirIn(shop.repo().resolve(".git"));
    String runId = awaitCommandRunning(sessions, p, log);

    new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor();
    assertThat(p.waitFor(90, TimeUnit.SECONDS)).as("grove ends after Ctrl-C").isTrue();
    String out = Files.readString(log);
    assertThat(out)
        .contains("stopped run " + runId)
        .contains("1 stopped")
        .contains("grove resume " + runId + " --repo " + shop.repo());

    CliRunner cli = new CliRunner(tmp);
    cli.env.put("GROVE_HOME", home.toString());
    cli.env.put("PATH", System.getenv("PATH"));
    CliRunner.Result resumed = cli.run("resume", runId, "--repo", shop.repo().toString(), "--json");
    assertThat(resumed.exit()).as(resumed.toString()).isZero();
    JsonNode lane = Json.MAPPER.readTree(resumed.out()).path("lanes").path(0);
    assertThat(lane.path("state").asText()).as(resumed.out()).isEqualTo("finished");
    // not shipped: the run was started with --no-ship
    assertThat(git.run(shop.remote(), List.of("branch", "--format=%(refname:short)")).lines())
        .containsExactly("main");
    // the finishing step is the lane's second, not a new first
    String file = Files.readString(sessions.resolve(runId + ".jsonl"));
    assertThat(file).containsPattern("\"kind\":\"lane.finished\".*\"steps\":2");
  }

  /** Waits until the agent's command runs in its sandbox; returns the run's id. */
  private static String awaitCommandRunning(Path sessions, Process p, Path log) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline) {
      assertThat(p.isAlive()).as(() -> readQuietly(log)).isTrue();
      List<String> runs = Runs.list(sessions);
      if (!runs.isEmpty()
          && Files.readString(sessions.resolve(runs.get(0) + ".jsonl")).contains("sleep 120")
          && ProcessHandle.allProcesses()
              .anyMatch(
                  h -> h.info().commandLine().orElse("").contains("echo one > one.txt; sleep"))) {
        return runs.get(0);
      }
      Thread.sleep(100);
    }
    throw new AssertionError("the agent's command never ran:\n" + readQuietly(log));
  }

  private static String readQuietly(Path log) {
    try {
      return Files.readString(log);
    } catch (java.io.IOException e) {
      return e.toString();
    }
  }
}
