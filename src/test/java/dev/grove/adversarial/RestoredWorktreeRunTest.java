package dev.grove.adversarial;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.grove.adversarial.Hostile.Shop;
import dev.grove.orchestrator.LaneState;
import dev.grove.orchestrator.LaneStatus;
import dev.grove.orchestrator.Orchestrator;
import dev.grove.orchestrator.ProjectTrust;
import dev.grove.orchestrator.RunStatus;
import dev.grove.orchestrator.Task;
import dev.grove.orchestrator.Workbench;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issues 9 and 16, what a restored worktree brings back. The setup command runs in the sandbox with
 * the network, in each new worktree, on files an agent may have rewritten: an agent rewrites the
 * setup script (its version would call out to a server on loopback), then fails or is stopped;
 * retry, fork and resume make worktrees again from its checkpoints. And it replaces a directory
 * that {@code .groveinclude} copies into by a link out of its worktree, which the checkpoint
 * restores. The agent's script never runs; nothing is copied through the link; the user's {@code
 * .grove} is never copied, even under a trusted {@code *}.
 */
class RestoredWorktreeRunTest {
  @TempDir Path tmp;
  WireMockServer spy;
  Shop shop;
  Path victim;

  @BeforeEach
  void setUp() throws Exception {
    spy = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
    spy.start();
    shop = Shop.create(tmp);
    Hostile.write(
        shop.repo().resolve("setup.sh"),
        "curl -s -m 60 "
            + spy.baseUrl()
            + "/base-setup-ran >/dev/null\n"
            + "mkdir -p build && echo base >> build/setup-log\n");
    shop.git("add", "setup.sh");
    shop.git("commit", "-q", "-m", "a setup script");
    // the user's untracked files, and a trusted list that copies them all into agents' worktrees
    Hostile.write(shop.repo().resolve(".env"), "DATABASE_URL=postgres://localhost/shop\n");
    Hostile.write(shop.repo().resolve("deploy.pem"), "-----BEGIN KEY-----\n");
    Hostile.write(shop.repo().resolve("config/local.properties"), "mode=dev\n");
    Hostile.write(shop.repo().resolve(".grove/config.toml"), "[run]\nparallel = 2\n");
    Hostile.write(shop.repo().resolve(".groveinclude"), "*\n");
    ProjectTrust.at(shop.groveHome()).trust(shop.repo().resolve(".groveinclude"));
    ProjectTrust.at(shop.groveHome()).trust(shop.repo().resolve(".grove/config.toml"));
    victim = Files.createDirectories(tmp.resolve("victim"));
  }

  @AfterEach
  void tearDown() {
    spy.stop();
  }

  /** The agent's setup script and a link out where the include list copies a directory. */
  String tamper() {
    return "printf '%s\\n' 'curl -s -m 60 "
        + spy.baseUrl()
        + "/agent-setup-ran >/dev/null' "
        + "'mkdir -p build && echo agent >> build/setup-log' > setup.sh && rm -rf config && ln -s '"
        + victim
        + "' config";
  }

  Workbench workbench(Scripted agent) {
    return shop.workbench(
        Scripted.spec(tmp.resolve("agent-" + System.nanoTime() + ".json"), agent), "sh setup.sh");
  }

  /**
   * What a restored worktree must look like: the base's setup ran there, then the checkpoint's
   * files came back.
   */
  void assertRestoredSafely(String worktree) throws Exception {
    Path wt = Path.of(worktree);
    assertThat(Files.readString(wt.resolve("build/setup-log")))
        .as("setup in %s", wt)
        .isEqualTo("base\n");
    assertThat(Files.readString(wt.resolve("setup.sh")))
        .as("the checkpoint's files in %s", wt)
        .contains("agent-setup-ran");
    assertThat(Files.isSymbolicLink(wt.resolve("config"))).isTrue();
  }

  void assertNothingReachedOrLeaked(int setups) throws Exception {
    assertThat(spy.findAll(anyRequestedFor(urlPathEqualTo("/agent-setup-ran"))))
        .as("the agent's setup ran")
        .isEmpty();
    assertThat(spy.findAll(anyRequestedFor(urlPathEqualTo("/base-setup-ran"))))
        .as("setups with the network")
        .hasSize(setups);
    try (Stream<Path> in = Files.list(victim)) {
      assertThat(in).as("copied through the restored link").isEmpty();
    }
    Hostile.assertNoSecretIn("the runs and commits", shop.everythingGroveWrote());
  }

  @Test
  void retryAndForkRunTheBasesSetupNeverTheAgentsAndCopyNothingThroughARestoredLink()
      throws Exception {
    Workbench wb =
        workbench(
            Scripted.anyTask()
                .run("ls -A > copied.txt; ls -A .grove >> copied.txt 2>&1; cat copied.txt")
                .run(tamper())
                .finish("Tampered."));
    RunStatus st;
    try (Orchestrator run =
        Orchestrator.start(
            wb,
            new Orchestrator.Options(null, 1, 1, null, "origin", null, true),
            Orchestrator.Listener.NONE,
            "tasks")) {
      run.runTasks(List.of(new Task("tamper", "rewrite the setup", "exit 1")));
      String head = run.session().laneHead("tamper").orElseThrow();
      String fork = run.fork(head, "Hint: try again.", null);
      run.await(fork);
      st = run.status();
    }
    assertThat(st.lanes())
        .extracting(LaneStatus::lane)
        .containsExactly("tamper", "tamper-2", "tamper-3");
    assertThat(st.lanes()).extracting(LaneStatus::state).containsOnly(LaneState.FAILED);
    String copied = Files.readString(Path.of(st.lanes().get(0).worktree()).resolve("copied.txt"));
    assertThat(copied)
        .contains(".env", "deploy.pem", "config")
        .doesNotContain("config.toml", ".groveinclude");
    assertRestoredSafely(st.lanes().get(1).worktree()); // the automatic retry
    assertRestoredSafely(st.lanes().get(2).worktree()); // the fork
    assertNothingReachedOrLeaked(3);
  }

  @Test
  void resumeRestoresALostWorktreeWithTheBasesSetupNeverTheAgents() throws Exception {
    Workbench wb =
        workbench(
            Scripted.anyTask().run(tamper()).run("touch started; sleep 30").finish("Tampered."));
    String runId;
    Path worktree;
    try (Orchestrator run =
        Orchestrator.start(
            wb,
            new Orchestrator.Options(null, 1, 0, null, "origin", null, true),
            Orchestrator.Listener.NONE,
            "tasks")) {
      runId = run.runId();
      Thread runner =
          Thread.ofPlatform().start(() -> run.runTasks(List.of(Task.of("rewrite the setup"))));
      worktree = wb.worktrees().root().resolve("rewrite-the-setup");
      long deadline = System.nanoTime() + 60_000_000_000L;
      while (!Files.exists(worktree.resolve("started")) && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertThat(worktree.resolve("started")).as("the agent reached its long command").exists();
      run.stop();
      runner.join(30_000);
      assertThat(run.status().lanes().get(0).state()).isEqualTo(LaneState.STOPPED);
    }
    try (Stream<Path> walk = Files.walk(worktree)) { // lost: deleted by hand, a crash
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
    RunStatus st;
    try (Orchestrator again =
        Orchestrator.reopen(wb, runId, Orchestrator.Options.none(), Orchestrator.Listener.NONE)) {
      st = again.resume();
    }
    assertThat(st.lanes()).extracting(LaneStatus::state).containsExactly(LaneState.SHIPPED);
    String shipped =
        Hostile.GIT.run(shop.remote(), List.of("show", "task/rewrite-the-setup:setup.sh")).out();
    assertThat(shipped)
        .contains(
            "agent-setup-ran"); // the agent's script is its work, shipped for review, never run
    assertNothingReachedOrLeaked(2);
  }
}
