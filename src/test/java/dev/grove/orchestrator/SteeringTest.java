package dev.grove.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.grove.git.Git;
import dev.grove.secrets.Secrets;
import dev.grove.session.Body;
import dev.grove.session.Entry;
import dev.grove.session.Role;
import dev.grove.session.SessionStore;
import dev.grove.session.ToolCall;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Steering a run from outside: a message written by another process reaches the running agent
 * before its next model call, as a user entry at a point where every tool call has its result; a
 * stop request stops it; the registry lists the repository.
 */
class SteeringTest {
  /** An agent that keeps looking around until a person says "ping", then answers and ends. */
  static String listener() throws java.io.IOException {
    try (java.io.InputStream in =
        SteeringTest.class.getResourceAsStream("/scripts/listener.json")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @TempDir Path tmp;
  SampleRepository.Made shop;
  Workbench wb;

  @BeforeEach
  void setUp() throws Exception {
    shop = SampleRepository.create(tmp, new Git(Map.of()));
    Path script = Files.writeString(tmp.resolve("listener.json"), listener());
    wb = TestBench.open(tmp, shop.repo(), "scripted:" + script);
  }

  /** A listener that counts down once the lane has taken a step (it is running). */
  static Orchestrator.Listener stepped(CountDownLatch latch) {
    return new Orchestrator.Listener() {
      @Override
      public void step(dev.grove.agent.Agent.Step step) {
        latch.countDown();
      }
    };
  }

  @Test
  void aMessageFromAnotherProcessReachesTheRunningAgentBetweenTurns() throws Exception {
    CountDownLatch running = new CountDownLatch(1);
    Orchestrator.Options options =
        new Orchestrator.Options(null, 2, 0, null, "origin", null, false);
    try (Orchestrator run = Orchestrator.start(wb, options, stepped(running), "tasks")) {
      String lane = run.spawn(new Task("listen", "Wait for a word from the user", null));
      assertThat(running.await(60, TimeUnit.SECONDS)).isTrue();

      Process say =
          new ProcessBuilder(
                  ProcessHandle.current().info().command().orElse("java"),
                  "-cp",
                  System.getProperty("java.class.path"),
                  "dev.grove.cli.Main",
                  "say",
                  lane,
                  "ping: the README is all you need",
                  "--repo",
                  shop.repo().toString())
              .redirectErrorStream(true)
              .start();
      assertThat(say.waitFor(60, TimeUnit.SECONDS)).isTrue();
      String said = new String(say.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(say.exitValue()).as(said).isZero();
      assertThat(said).contains("message ").contains("reads it before its next model call");

      assertThat(run.await(lane)).isEqualTo(LaneState.FINISHED);
      SessionStore s = run.session();
      List<Entry> context = s.context(s.laneHead(lane).orElseThrow());
      int at = -1;
      for (int i = 0; i < context.size(); i++) {
        Body.Message m = (Body.Message) context.get(i).body();
        if (m.role() == Role.USER && "ping: the README is all you need".equals(m.content())) {
          at = i;
        }
      }
      assertThat(at).as("the message is a user entry of the lane's conversation").isPositive();
      // every tool call made before it has its result before it: the conversation stays valid
      Set<String> calls = new HashSet<>();
      Set<String> answered = new HashSet<>();
      for (Entry e : context.subList(0, at)) {
        Body.Message m = (Body.Message) e.body();
        m.toolCalls().stream().map(ToolCall::id).forEach(calls::add);
        if (m.toolCallId() != null) {
          answered.add(m.toolCallId());
        }
      }
      assertThat(answered).isEqualTo(calls);
      Body.Message reply = (Body.Message) context.get(at + 1).body();
      assertThat(reply.role()).isEqualTo(Role.ASSISTANT);
      assertThat(reply.content()).isEqualTo("pong: I read your message.");
      assertThat(run.status().lanes().get(0).detail()).isEqualTo("answered the ping");
    }
  }

  @Test
  void aStopRequestStopsTheLaneBeforeItsNextModelCall() throws Exception {
    CountDownLatch running = new CountDownLatch(1);
    Orchestrator.Options options =
        new Orchestrator.Options(null, 2, 0, null, "origin", null, false);
    try (Orchestrator run = Orchestrator.start(wb, options, stepped(running), "tasks")) {
      String lane = run.spawn(new Task("listen", "Wait for a word from the user", null));
      assertThat(running.await(60, TimeUnit.SECONDS)).isTrue();
      try (SessionStore other = SessionStore.open(run.session().file())) {
        Steering.requestStop(other, lane, "stopped from the dashboard");
      }
      assertThat(run.await(lane)).isEqualTo(LaneState.STOPPED);
      LaneStatus l = run.status().lanes().get(0);
      assertThat(l.detail()).isEqualTo("stopped from the dashboard");
      // an ended lane reads nothing more: asking again is refused with what to do instead
    }
    try (Orchestrator inspected = Orchestrator.inspect(wb, Runs.list(wb.sessionsDir()).get(0))) {
      assertThat(inspected.status().lanes().get(0).state()).isEqualTo(LaneState.STOPPED);
    }
  }

  /** A run of one lane at a time on the shop with the demo's scripted agents. */
  private Orchestrator demoRun() {
    Path script = SampleRepository.writeScript(tmp.resolve("agents.json"));
    return Orchestrator.start(
        TestBench.open(tmp, shop.repo(), "scripted:" + script),
        new Orchestrator.Options(null, 1, 0, null, "origin", null, false),
        Orchestrator.Listener.NONE,
        "tasks");
  }

  @Test
  void aMessageToAnEndedLaneIsRefusedSayingWhatToDoInstead() throws Exception {
    try (Orchestrator run = demoRun()) {
      Task discount = SampleRepository.TASKS.get(0);
      run.runTasks(List.of(new Task(discount.slug(), discount.text(), null)));
      assertThatThrownBy(
              () -> Steering.say(run.session(), "fix-discount", "one more thing", Secrets.none()))
          .isInstanceOf(OrchestratorException.class)
          .hasMessageContaining("has ended (finished)")
          .hasMessageContaining("grove fork");
      assertThatThrownBy(() -> Steering.say(run.session(), "nope", "hello", Secrets.none()))
          .isInstanceOf(OrchestratorException.NotFound.class)
          .hasMessageContaining("fix-discount");
    }
  }

  @Test
  void aRunRegistersItsRepositoryAndAMovedOneIsListedAsMissing() throws Exception {
    try (Orchestrator run = demoRun()) {
      assertThat(run.runId()).isNotBlank();
    }
    Repositories registry = Repositories.at(tmp.resolve("grove-home"));
    assertThat(registry.list())
        .singleElement()
        .satisfies(
            k -> {
              assertThat(k.repo()).isEqualTo(shop.repo().toRealPath());
              assertThat(k.runs()).isEqualTo(wb.sessionsDir().toAbsolutePath().normalize());
              assertThat(k.missing()).isFalse();
            });
    Files.move(shop.repo(), tmp.resolve("moved"));
    assertThat(registry.list()).singleElement().satisfies(k -> assertThat(k.missing()).isTrue());
    Files.writeString(registry.file(), "{ not json");
    assertThat(registry.list()).isEmpty();
  }
}
