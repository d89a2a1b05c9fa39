package dev.grove.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.grove.model.ChatModel;
import dev.grove.model.ModelConfig;
import dev.grove.model.Models;
import dev.grove.sandbox.Backend;
import dev.grove.sandbox.Sandbox;
import dev.grove.sandbox.SandboxPolicy;
import dev.grove.sandbox.Sandboxes;
import dev.grove.session.Body;
import dev.grove.session.Durability;
import dev.grove.session.Entry;
import dev.grove.session.Role;
import dev.grove.session.SessionStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The loop end to end: a scripted model, the real tools, real bubblewrap, a real session file. */
class AgentTest {
  @TempDir Path tmp;
  Path worktree;
  SessionStore session;
  Sandbox sandbox;
  final List<Agent.Step> steps = new ArrayList<>();

  @BeforeEach
  void setUp() throws IOException {
    worktree = Files.createDirectories(tmp.resolve("wt"));
    copyShop(worktree);
    Path home = Files.createDirectories(tmp.resolve("home"));
    sandbox =
        Sandboxes.create(
            Backend.BUBBLEWRAP,
            SandboxPolicy.standard(home, home.resolve(".grove")),
            Map.of(
                "PATH",
                System.getenv().getOrDefault("PATH", "/usr/bin:/bin"),
                "OPENAI_API_KEY",
                "sk-must-not-leak"));
    session =
        SessionStore.create(
            tmp.resolve("s.jsonl"),
            worktree.toString(),
            new SessionStore.Options(Durability.NONE, Clock.systemUTC(), new SplittableRandom(1)));
  }

  @AfterEach
  void tearDown() {
    session.close();
  }

  /** The demo's shop repository: a pricing library with failing tests. */
  static void copyShop(Path to) throws IOException {
    Path from = Path.of("src/main/resources/dev/grove/demo/shop");
    try (Stream<Path> all = Files.walk(from)) {
      for (Path p : all.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
  }

  Agent.Outcome run(String script, Agent.Limits limits) throws IOException {
    Agent.begin(
        session,
        "fix-discount",
        null,
        "You are a coding agent.",
        "Fix Pricing.discount so the DiscountTest passes.");
    return agent(script, limits).run();
  }

  /** An agent on the lane as it is in the file (begun, or left by an earlier run). */
  Agent agent(String script, Agent.Limits limits) throws IOException {
    Path scriptFile = tmp.resolve("script-" + steps.size() + "-" + System.nanoTime() + ".json");
    Files.writeString(scriptFile, script);
    ChatModel model =
        Models.create("scripted:" + scriptFile, ModelConfig.defaults(), Map.of(), tmp);
    CodingTools tools =
        new CodingTools(
            new Workspace(worktree),
            sandbox,
            this::listing,
            Clock.systemUTC(),
            CodingTools.Options.defaults());
    return new Agent(
        session,
        "fix-discount",
        model,
        tools,
        Checkpointer.NONE,
        limits,
        Clock.systemUTC(),
        steps::add);
  }

  List<String> listing() {
    try (Stream<Path> all = Files.walk(worktree)) {
      return all.filter(Files::isRegularFile)
          .map(p -> worktree.relativize(p).toString())
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  List<Body.Message> toolResults() {
    List<Body.Message> out = new ArrayList<>();
    for (Entry e : session.contextOfLane("fix-discount")) {
      if (e.body() instanceof Body.Message m && m.role() == Role.TOOL) {
        out.add(m);
      }
    }
    return out;
  }

  Body.Event lastEvent() {
    return (Body.Event) session.entry(session.laneHead("fix-discount").orElseThrow()).body();
  }

  static final String FIX =
      """
      {"turns": [
        {"text": "Reading the code.", "calls": [{"tool": "read_file", "args": {"path": "src/Pricing.java"}}]},
        {"calls": [{"tool": "edit_file", "args": {"path": "src/Pricing.java",
            "old": "return price * percent / 100;", "new": "return price - price * percent / 100;"}}]},
        {"calls": [{"tool": "run_command", "args": {"command": "sh run-tests.sh DiscountTest"}}]},
        {"when": {"lastToolResult": {"failed": false}},
         "calls": [{"tool": "finish", "args": {"summary": "Fixed discount: it subtracted the wrong amount."}}]}
      ]}
      """;

  @Test
  void editsRunsTestsInTheSandboxAndFinishes() throws Exception {
    Agent.Outcome outcome = run(FIX, Agent.Limits.defaults());
    assertThat(outcome).isInstanceOf(Agent.Outcome.Finished.class);
    assertThat(((Agent.Outcome.Finished) outcome).summary()).startsWith("Fixed discount");
    assertThat(outcome.stats().steps()).isEqualTo(4);
    assertThat(Files.readString(worktree.resolve("src/Pricing.java")))
        .contains("return price - price * percent / 100;");
    List<Body.Message> results = toolResults();
    assertThat(results).hasSize(4);
    assertThat(results.get(0).content()).contains("public static double discount");
    assertThat(results.get(2).isError()).isFalse();
    assertThat(results.get(2).content())
        .contains("$ sh run-tests.sh DiscountTest")
        .contains("exit code 0")
        .contains("3 passed, 0 failed");
    Body.Event end = lastEvent();
    assertThat(end.kind()).isEqualTo("lane.finished");
    assertThat(end.data().path("steps").asInt()).isEqualTo(4);
    assertThat(steps)
        .extracting(Agent.Step::tool)
        .containsExactly("read_file", "edit_file", "run_command", "finish");
    assertThat(Files.readString(session.file())).doesNotContain("sk-must-not-leak");
  }

  @Test
  void toolErrorsGoBackToTheModelAndTheLoopGoesOn() throws Exception {
    String script =
        """
        {"turns": [
          {"calls": [{"tool": "write_file", "args": {"path": "../escape.txt", "content": "x"}},
                     {"tool": "edit_file", "args": {"path": "src/Pricing.java", "old": "return", "new": "return"}},
                     {"tool": "read_file", "args": "{not json"},
                     {"tool": "no_such_tool", "args": {}}]},
          {"calls": [{"tool": "run_command", "args": {"command": "sh run-tests.sh DiscountTest"}}]},
          {"when": {"lastToolResult": {"failed": true, "contains": "3 failed"}},
           "calls": [{"tool": "run_command", "args": {"command": "sleep 600", "timeout_seconds": 1}}]},
          {"when": {"lastToolResult": {"failed": true, "contains": "timed out"}},
           "calls": [{"tool": "finish", "args": {"summary": "gave up"}}]}
        ]}
        """;
    Agent.Outcome outcome = run(script, Agent.Limits.defaults());
    assertThat(outcome).isInstanceOf(Agent.Outcome.Finished.class);
    List<Body.Message> results = toolResults();
    assertThat(results)
        .extracting(Body.Message::isError)
        .containsExactly(true, true, true, true, true, true, false);
    assertThat(results.get(0).content()).contains("'..' is not allowed");
    assertThat(results.get(1).content()).contains("old and new are the same");
    assertThat(results.get(2).content()).contains("not valid JSON");
    assertThat(results.get(3).content())
        .contains("there is no tool named 'no_such_tool'")
        .contains("read_file");
    assertThat(results.get(4).content()).contains("exit code 1").contains("3 failed");
    assertThat(results.get(5).content()).contains("timed out after 1 s");
    assertThat(Files.exists(tmp.resolve("escape.txt"))).isFalse();
  }

  @Test
  void theStepLimitFailsTheLaneAndSaysSo() throws Exception {
    Agent.Outcome outcome = run(FIX, new Agent.Limits(2, 0, 0, Duration.ZERO));
    assertThat(outcome).isInstanceOf(Agent.Outcome.Failed.class);
    assertThat(((Agent.Outcome.Failed) outcome).reason())
        .isEqualTo("reached the step limit (2 model calls)");
    assertThat(lastEvent().kind()).isEqualTo("lane.failed");
    assertThat(lastEvent().data().path("reason").asText()).contains("step limit");
  }

  @Test
  void theCostLimitCountsEveryAssistantTurn() throws Exception {
    String script =
        """
        {"usage": {"inputTokens": 1000, "outputTokens": 100, "cost": 0.40},
         "turns": [
          {"calls": [{"tool": "list_files", "args": {}}]},
          {"calls": [{"tool": "list_files", "args": {}}]},
          {"calls": [{"tool": "list_files", "args": {}}]},
          {"calls": [{"tool": "finish", "args": {"summary": "too late"}}]}
        ]}
        """;
    Agent.Outcome outcome = run(script, new Agent.Limits(0, 0, 1.00, Duration.ZERO));
    assertThat(outcome).isInstanceOf(Agent.Outcome.Failed.class);
    assertThat(((Agent.Outcome.Failed) outcome).reason()).contains("cost limit ($1.00)");
    assertThat(outcome.stats().steps()).isEqualTo(3);
    assertThat(outcome.stats().usage().cost())
        .isEqualTo(1.20, org.assertj.core.data.Offset.offset(1e-9));
  }

  @Test
  void aResumedLaneCarriesOnCountingItsStepsAndCostAgainstItsLimits() throws Exception {
    // the scripted model carries on past the assistant turns already in the lane
    String script =
        """
        {"usage": {"inputTokens": 1000, "outputTokens": 100, "cost": 0.40},
         "turns": [
          {"calls": [{"tool": "list_files", "args": {}}]},
          {"calls": [{"tool": "list_files", "args": {}}]},
          {"calls": [{"tool": "list_files", "args": {}}]},
          {"calls": [{"tool": "finish", "args": {"summary": "too late"}}]}
        ]}
        """;
    Agent.Outcome first = run(script, new Agent.Limits(2, 0, 0, Duration.ZERO));
    assertThat(first.stats().steps()).isEqualTo(2);

    steps.clear();
    Agent.Outcome resumed = agent(script, new Agent.Limits(0, 0, 1.00, Duration.ZERO)).run();

    // the third step is numbered 3 and brings the lane's cost to $1.20, over its $1.00
    assertThat(steps).extracting(Agent.Step::number).containsExactly(3);
    assertThat(resumed).isInstanceOf(Agent.Outcome.Failed.class);
    assertThat(((Agent.Outcome.Failed) resumed).reason()).contains("cost limit ($1.00)");
    assertThat(resumed.stats().steps()).isEqualTo(3);
    assertThat(resumed.stats().usage().cost())
        .isEqualTo(1.20, org.assertj.core.data.Offset.offset(1e-9));
  }

  @Test
  void aModelErrorFailsTheLaneWithItsReason() throws Exception {
    Agent.Outcome outcome =
        run("{\"turns\": [{\"error\": \"the provider is down\"}]}", Agent.Limits.defaults());
    assertThat(outcome).isInstanceOf(Agent.Outcome.Failed.class);
    assertThat(((Agent.Outcome.Failed) outcome).reason())
        .startsWith("model: ")
        .contains("the provider is down");
  }

  @Test
  void aModelThatStopsCallingToolsIsNudgedThenFailed() throws Exception {
    String script =
        """
        {"turns": [{"text": "I think it is done."}, {"text": "Really."}, {"text": "Yes."}, {"text": "Done!"}]}
        """;
    Agent.Outcome outcome = run(script, Agent.Limits.defaults());
    assertThat(outcome).isInstanceOf(Agent.Outcome.Failed.class);
    assertThat(((Agent.Outcome.Failed) outcome).reason()).contains("without calling finish");
    assertThat(session.contextOfLane("fix-discount"))
        .filteredOn(e -> ((Body.Message) e.body()).role() == Role.USER)
        .extracting(e -> ((Body.Message) e.body()).content())
        .contains(Agent.NUDGE);
  }

  @Test
  void theModelSeesWhatAnotherWriterAddsToTheLane() throws Exception {
    String script =
        """
        {"turns": [
          {"calls": [{"tool": "list_files", "args": {}}]},
          {"when": {"anyUser": "interjection"}, "calls": [{"tool": "finish", "args": {"summary": "saw it"}}]}
        ]}
        """;
    Path scriptFile = Files.writeString(tmp.resolve("interject.json"), script);
    ChatModel model =
        Models.create("scripted:" + scriptFile, ModelConfig.defaults(), Map.of(), tmp);
    CodingTools real =
        new CodingTools(
            new Workspace(worktree),
            sandbox,
            this::listing,
            Clock.systemUTC(),
            CodingTools.Options.defaults());
    ToolSet interjecting =
        new ToolSet() {
          @Override
          public List<dev.grove.model.ToolSpec> specs() {
            return real.specs();
          }

          @Override
          public ToolResult call(dev.grove.session.ToolCall call) {
            // someone else writes to the lane while the tool runs (a person, another process)
            session.append(
                dev.grove.session.Draft.onLane(
                    "fix-discount", Body.Message.of(Role.USER, "an interjection")));
            return real.call(call);
          }

          @Override
          public boolean mayHaveChangedFiles(dev.grove.session.ToolCall call, ToolResult result) {
            return false;
          }
        };
    Agent.begin(session, "fix-discount", null, "You are a coding agent.", "List the files.");
    Agent.Outcome outcome =
        new Agent(
                session,
                "fix-discount",
                model,
                interjecting,
                Checkpointer.NONE,
                Agent.Limits.defaults(),
                Clock.systemUTC(),
                Agent.Listener.NONE)
            .run();
    assertThat(outcome).isInstanceOf(Agent.Outcome.Finished.class);
  }

  @Test
  void anInterruptedAgentStopsAndRecordsIt() throws Exception {
    Thread.currentThread().interrupt();
    try {
      Agent.Outcome outcome = run(FIX, Agent.Limits.defaults());
      assertThat(outcome).isInstanceOf(Agent.Outcome.Stopped.class);
      assertThat(lastEvent().kind()).isEqualTo("lane.stopped");
    } finally {
      Thread.interrupted();
    }
  }
}
