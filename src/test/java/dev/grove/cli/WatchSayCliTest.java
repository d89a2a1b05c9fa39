package dev.grove.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.grove.agent.Agent;
import dev.grove.git.Git;
import dev.grove.orchestrator.LaneState;
import dev.grove.orchestrator.Orchestrator;
import dev.grove.orchestrator.SampleRepository;
import dev.grove.orchestrator.Task;
import dev.grove.orchestrator.Workbench;
import dev.grove.sandbox.Backend;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code grove watch} follows a run started elsewhere; {@code grove say} talks to its agent. */
class WatchSayCliTest {
  @TempDir Path tmp;

  @Test
  void watchFollowsALiveRunWhileSayTalksToItsAgentThenPrintsTheStatus() throws Exception {
    SampleRepository.Made shop = SampleRepository.create(tmp, new Git(Map.of()));
    Path script = tmp.resolve("listener.json");
    try (InputStream in = getClass().getResourceAsStream("/scripts/listener.json")) {
      Files.write(script, in.readAllBytes());
    }
    Workbench wb =
        Workbench.open(
            new Workbench.Settings(
                shop.repo(),
                tmp.resolve("grove-home"),
                tmp.resolve("home"),
                Map.of("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin")),
                Clock.systemUTC(),
                Backend.BUBBLEWRAP,
                "scripted:" + script,
                null,
                Agent.Limits.defaults(),
                null));
    CountDownLatch stepped = new CountDownLatch(1);
    Orchestrator.Listener listener =
        new Orchestrator.Listener() {
          @Override
          public void step(Agent.Step step) {
            stepped.countDown();
          }
        };
    CliRunner cli = new CliRunner(shop.repo());
    Orchestrator run =
        Orchestrator.start(
            wb,
            new Orchestrator.Options(null, 1, 0, null, "origin", null, false),
            listener,
            "tasks");
    boolean closed = false;
    try {
      String lane = run.spawn(new Task("listen", "Wait for a word from the user", null));
      assertThat(stepped.await(60, TimeUnit.SECONDS)).isTrue();
      CompletableFuture<CliRunner.Result> watching =
          CompletableFuture.supplyAsync(() -> cli.run("watch", run.runId(), "--interval", "100"));

      CliRunner.Result said = cli.run("say", lane, "ping: all is in the README", "--json");
      assertThat(said.exit()).as(said.toString()).isZero();
      JsonNode j = Json.MAPPER.readTree(said.out());
      assertThat(j.path("run").asText()).isEqualTo(run.runId());
      assertThat(j.path("lane").asText()).isEqualTo("listen");
      assertThat(j.path("entry").asText()).isNotBlank();
      assertThat(j.path("detail").asText()).contains("before its next model call");

      assertThat(run.await(lane)).isEqualTo(LaneState.FINISHED);
      run.close(); // the run's lock goes: watch sees no process works on it any more
      closed = true;
      CliRunner.Result watched = watching.get(60, TimeUnit.SECONDS);
      assertThat(watched.exit()).as(watched.toString()).isZero();
      assertThat(watched.out())
          .containsPattern("listen\\s+running")
          .containsPattern("listen\\s+finished")
          .contains("answered the ping")
          .contains("run " + run.runId() + " (FINISHED)");

      CliRunner.Result ended = cli.run("say", lane, "anything else?");
      assertThat(ended.exit()).isEqualTo(Exits.FAILED);
      assertThat(ended.err()).contains("has ended (finished)").contains("grove fork");
    } finally {
      if (!closed) {
        run.close();
      }
    }
  }
}
