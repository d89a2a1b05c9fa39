package dev.grove.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.grove.session.Body;
import dev.grove.session.Draft;
import dev.grove.session.Durability;
import dev.grove.session.Parent;
import dev.grove.session.Role;
import dev.grove.session.SessionStore;
import dev.grove.session.ToolCall;
import dev.grove.session.Usage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScriptedModelTest {
  @TempDir Path dir;

  ChatModel script(String json) throws IOException {
    Path p = dir.resolve("s.json");
    Files.writeString(p, json);
    return Models.create("scripted:s.json", ModelConfig.defaults(), Map.of(), dir);
  }

  static List<ToolSpec> tools(String... names) {
    return Arrays.stream(names).map(n -> new ToolSpec(n, "", null)).toList();
  }

  static Body.Message user(String text) {
    return Body.Message.of(Role.USER, text);
  }

  static Body.Message assistant(ModelReply r) {
    return new Body.Message(
        Role.ASSISTANT, r.text(), r.toolCalls(), null, false, r.model(), r.usage(), null);
  }

  static Body.Message result(ModelReply r, String text, boolean failed) {
    return Body.Message.toolResult(r.toolCalls().get(0).id(), text, failed);
  }

  @Test
  void playsItsTurnsInOrderWithDeterministicIdsAndUsage() throws IOException {
    ChatModel m =
        script(
            """
        {"usage": {"inputTokens": 1000, "outputTokens": 50, "cost": 0.01},
         "turns": [
          {"text": "Reading.", "calls": [{"tool": "read_file", "args": {"path": "a.txt"}},
                                         {"tool": "read_file", "args": {"path": "b.txt"}}]},
          {"text": "Done.", "usage": {"inputTokens": 5, "outputTokens": 1}}]}""");
    List<Body.Message> c = new ArrayList<>(List.of(user("task")));

    ModelReply first = m.chat(new ModelRequest(c, tools("read_file")));
    c.add(assistant(first));
    c.add(Body.Message.toolResult("call_1_1", "A", false));
    c.add(Body.Message.toolResult("call_1_2", "B", false));
    ModelReply second = m.chat(new ModelRequest(c, tools("read_file")));

    assertThat(first)
        .isEqualTo(
            new ModelReply(
                "Reading.",
                List.of(
                    new ToolCall("call_1_1", "read_file", "{\"path\":\"a.txt\"}"),
                    new ToolCall("call_1_2", "read_file", "{\"path\":\"b.txt\"}")),
                new Usage(1000, 50, 0.01),
                "scripted:s.json"));
    assertThat(second)
        .isEqualTo(new ModelReply("Done.", List.of(), new Usage(5, 1, 0), "scripted:s.json"));
    assertThat(m.name()).isEqualTo("scripted:s.json");
  }

  @Test
  void branchesOnTheLastToolResultAndFillsInWhatItsPatternCaptured() throws IOException {
    ChatModel m =
        script(
            """
        {"turns": [
          {"calls": [{"tool": "run_command", "args": {"command": "mvn test"}}]},
          {"id": "fix", "when": {"lastToolResult": {"failed": true, "matches": "FAIL (?<test>\\\\w+)"}},
           "text": "${test} fails.", "calls": [{"tool": "read_file", "args": {"path": "src/test/${test}.java"}}]},
          {"id": "ok", "when": {"lastToolResult": {"failed": false}}, "text": "All green."}]}""");
    List<Body.Message> base = List.of(user("task"));
    ModelReply run = m.chat(new ModelRequest(base, List.of()));

    ModelReply afterFailure =
        m.chat(
            new ModelRequest(
                List.of(
                    base.get(0),
                    assistant(run),
                    result(run, "FAIL LoginTest\nFAIL CartTest", true)),
                List.of()));
    ModelReply afterSuccess =
        m.chat(
            new ModelRequest(
                List.of(base.get(0), assistant(run), result(run, "BUILD SUCCESS", false)),
                List.of()));

    assertThat(afterFailure.text()).isEqualTo("LoginTest fails.");
    assertThat(afterFailure.toolCalls().get(0).arguments())
        .isEqualTo("{\"path\":\"src/test/LoginTest.java\"}");
    assertThat(afterSuccess.text()).isEqualTo("All green.");
  }

  /**
   * The demo's story on a real session: the agent's edit makes the tests fail; a lane forked from
   * just before that edit with a hint is played by the same script (a fresh instance: nothing is
   * remembered) and takes the good path.
   */
  @Test
  void aLaneForkedWithAHintTakesTheGoodPathOfTheSameScript() {
    Path script = Path.of("docs/scripts/fix-login.toml").toAbsolutePath();
    List<ToolSpec> tools = tools("read_file", "edit_file", "run_command", "finish");
    try (SessionStore s =
        SessionStore.create(
            dir.resolve("run.jsonl"),
            dir.toString(),
            SessionStore.Options.defaults().withDurability(Durability.NONE))) {
      s.append(
          new Draft(
              Parent.root(), "fix-login", Body.Message.of(Role.SYSTEM, "You are a coding agent.")));
      s.append(Draft.onLane("fix-login", user("Fix the login bug: valid passwords are rejected.")));

      List<ToolCall> first =
          run(
              s,
              "fix-login",
              Models.create("scripted:" + script, ModelConfig.defaults(), Map.of()),
              tools);

      assertThat(first)
          .extracting(ToolCall::name)
          .containsExactly("read_file", "edit_file", "run_command", "finish");
      assertThat(first.get(1).arguments()).contains("Session.java");
      assertThat(first.get(3).arguments()).contains("Not fixed: 2 test failures");

      String beforeBadEdit =
          s.contextOfLane("fix-login").stream()
              .filter(e -> e.body() instanceof Body.Message m && "call_1_1".equals(m.toolCallId()))
              .findFirst()
              .orElseThrow()
              .id();
      s.append(
          new Draft(
              Parent.of(beforeBadEdit),
              "fix-login-2",
              user("Hint: the bug is in Login.java: the password check is inverted.")));

      List<ToolCall> retry =
          run(
              s,
              "fix-login-2",
              Models.create("scripted:" + script, ModelConfig.defaults(), Map.of()),
              tools);

      assertThat(retry)
          .extracting(ToolCall::name)
          .containsExactly("edit_file", "run_command", "finish");
      assertThat(retry.get(0).arguments()).contains("Login.java", "if (passwordMatches)");
      assertThat(retry.get(2).arguments()).contains("Fixed the inverted password check");
    }
  }

  /** A minimal agent loop: tests pass unless Session.java was edited on this lane. */
  private static List<ToolCall> run(
      SessionStore s, String lane, ChatModel model, List<ToolSpec> tools) {
    List<ToolCall> made = new ArrayList<>();
    boolean brokeSession = false;
    for (int step = 0; step < 10; step++) {
      List<Body.Message> context =
          s.contextOfLane(lane).stream().map(e -> (Body.Message) e.body()).toList();
      ModelReply r = model.chat(new ModelRequest(context, tools));
      s.append(Draft.onLane(lane, assistant(r)));
      for (ToolCall c : r.toolCalls()) {
        made.add(c);
        brokeSession |= c.name().equals("edit_file") && c.arguments().contains("Session.java");
        Body.Message result =
            c.name().equals("run_command")
                ? Body.Message.toolResult(
                    c.id(),
                    brokeSession ? "Tests run: 4, Failures: 2" : "Tests run: 4, Failures: 0",
                    brokeSession)
                : Body.Message.toolResult(c.id(), "ok", false);
        s.append(Draft.onLane(lane, result));
        if (c.name().equals("finish")) {
          return made;
        }
      }
    }
    throw new AssertionError("the script did not finish: " + made);
  }

  @Test
  void whenTheScriptRunsOutItEndsCleanlyAndStaysEnded() throws IOException {
    ChatModel m = script("{\"turns\": [{\"text\": \"Only turn.\"}]}");
    ModelReply only = m.chat(new ModelRequest(List.of(user("task")), tools("finish")));

    ModelReply end =
        m.chat(new ModelRequest(List.of(user("task"), assistant(only)), tools("finish")));
    ModelReply still =
        m.chat(
            new ModelRequest(
                List.of(
                    user("task"),
                    assistant(only),
                    assistant(end),
                    Body.Message.toolResult("call_2_end", "finished", false)),
                tools("finish")));
    ModelReply noFinishTool =
        m.chat(new ModelRequest(List.of(user("task"), assistant(only)), List.of()));

    assertThat(end.text()).isEqualTo("The script s.json has no more turns.");
    assertThat(end.toolCalls())
        .containsExactly(
            new ToolCall(
                "call_2_end", "finish", "{\"summary\":\"The script s.json has no more turns.\"}"));
    assertThat(still.text()).isEqualTo(end.text());
    assertThat(noFinishTool.toolCalls()).isEmpty();
  }

  @Test
  void nextGoesBackToAnEarlierTurnSoAScriptCanWaitInALoop() throws IOException {
    ChatModel m =
        script(
            """
        {"turns": [
          {"id": "wait", "calls": [{"tool": "wait"}]},
          {"when": {"lastToolResult": "still running"}, "calls": [{"tool": "agent_status"}], "next": "wait"},
          {"text": "All done."}]}""");
    List<Body.Message> c = new ArrayList<>(List.of(user("task")));
    List<String> said = new ArrayList<>();
    for (String status : List.of("a: still running", "a: still running", "a: finished")) {
      ModelReply r = m.chat(new ModelRequest(c, List.of()));
      said.add(r.toolCalls().get(0).name());
      c.add(assistant(r));
      c.add(result(r, status, false));
      if (status.contains("still")) {
        ModelReply s = m.chat(new ModelRequest(c, List.of()));
        said.add(s.toolCalls().get(0).name());
        c.add(assistant(s));
        c.add(result(s, "a: working", false));
      }
    }
    said.add(m.chat(new ModelRequest(c, List.of())).text());

    assertThat(said)
        .containsExactly("wait", "agent_status", "wait", "agent_status", "wait", "All done.");
  }

  @Test
  void oneScriptDrivesSeveralAgentsChosenByToolsAndTask() throws IOException {
    ChatModel m =
        script(
            """
        {"agents": [
          {"name": "orchestrator", "when": {"hasTool": "spawn_agent"},
           "turns": [{"calls": [{"tool": "spawn_agent", "args": {"slug": "a", "task": "Fix the login bug"}},
                                {"tool": "spawn_agent", "args": {"slug": "b", "task": "Add search"}}]}]},
          {"name": "login", "when": {"task": {"matches": "(?i)login"}}, "turns": [{"text": "login agent"}]},
          {"name": "other", "turns": [{"text": "other agent"}]}]}""");

    ModelReply orchestrator =
        m.chat(
            new ModelRequest(
                List.of(user("Ship two features")),
                tools("spawn_agent", "wait", "agent_status", "fork_agent", "open_pull_request")));
    ModelReply login =
        m.chat(
            new ModelRequest(
                List.of(Body.Message.of(Role.SYSTEM, "sys"), user("Fix the login bug")),
                tools("read_file")));
    ModelReply other =
        m.chat(
            new ModelRequest(
                List.of(
                    user("Add search"),
                    new Body.Message(Role.ASSISTANT, "x", List.of(), null, false, null, null, null),
                    user("a later login remark")),
                tools("read_file")));

    assertThat(orchestrator.toolCalls())
        .extracting(ToolCall::name)
        .containsExactly("spawn_agent", "spawn_agent");
    assertThat(login.text()).isEqualTo("login agent");
    assertThat(other.text())
        .as("chosen by the task, not by later messages")
        .isEqualTo("The script s.json (agent 'other') has no more turns.");
  }

  @Test
  void theExampleRunDrivesAnOrchestratorThroughAForkWithACapturedEntry() {
    ChatModel m =
        Models.create(
            "scripted:docs/scripts/run.json", ModelConfig.defaults(), Map.of(), Path.of(""));
    List<ToolSpec> tools =
        tools("spawn_agent", "agent_status", "wait", "fork_agent", "open_pull_request", "finish");
    List<Body.Message> c = new ArrayList<>(List.of(user("Ship the spring release")));
    Map<String, String> results =
        Map.of(
            "agent_status",
                "fix-login   failed   tests fail after edit_file; fork at 3c4d5e6f\nadd-search  finished",
            "wait", "all agents stopped");
    List<String> calls = new ArrayList<>();
    for (int step = 0; step < 12; step++) {
      ModelReply r = m.chat(new ModelRequest(c, tools));
      c.add(assistant(r));
      for (ToolCall call : r.toolCalls()) {
        calls.add(call.name() + (call.name().equals("fork_agent") ? " " + call.arguments() : ""));
        c.add(Body.Message.toolResult(call.id(), results.getOrDefault(call.name(), "ok"), false));
      }
      if (calls.get(calls.size() - 1).equals("finish")) {
        break;
      }
    }

    assertThat(calls)
        .containsExactly(
            "spawn_agent",
            "spawn_agent",
            "spawn_agent",
            "wait",
            "agent_status",
            "fork_agent {\"entry\":\"3c4d5e6f\",\"hint\":\"Hint: the bug is in Login.java, not Session.java: the password "
                + "check is inverted.\"}",
            "wait",
            "agent_status",
            "open_pull_request",
            "open_pull_request",
            "open_pull_request",
            "finish");
  }

  @Test
  void theExampleRunGivesEachSpawnedAgentItsOwnPart() {
    ChatModel m =
        Models.create(
            "scripted:docs/scripts/run.json", ModelConfig.defaults(), Map.of(), Path.of(""));

    ModelReply login =
        m.chat(
            new ModelRequest(
                List.of(user("Fix the login bug: valid passwords are rejected.")),
                tools("read_file", "finish")));
    ModelReply docs =
        m.chat(
            new ModelRequest(
                List.of(user("Document the search box in README.md.")),
                tools("list_files", "finish")));

    assertThat(login.toolCalls().get(0).name()).isEqualTo("read_file");
    assertThat(docs.toolCalls().get(0).name()).isEqualTo("list_files");
  }

  @Test
  void stringArgumentsAreSentAsTheyAreToPlayAModelsMalformedOutput() throws IOException {
    ChatModel m =
        script(
            "{\"turns\": [{\"calls\": [{\"tool\": \"read_file\", \"args\": \"{path: oops\"}]}]}");

    assertThat(
            m.chat(new ModelRequest(List.of(user("t")), List.of())).toolCalls().get(0).arguments())
        .isEqualTo("{path: oops");
  }

  @Test
  void anErrorTurnFailsTheCall() throws IOException {
    ChatModel m = script("{\"turns\": [{\"id\": \"down\", \"error\": \"the provider is down\"}]}");

    assertThatThrownBy(() -> m.chat(new ModelRequest(List.of(user("t")), List.of())))
        .isInstanceOfSatisfying(
            ModelException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(ModelException.Kind.SCRIPT);
              assertThat(e.getMessage())
                  .isEqualTo(
                      "script "
                          + dir.resolve("s.json")
                          + ", turn 1 ('down') fails on purpose: "
                          + "the provider is down");
            });
  }

  @Test
  void conditionsCombineWithAnyOfAndNotAndIgnoreCaseInContains() throws IOException {
    ChatModel m =
        script(
            """
        {"turns": [
          {"when": {"anyOf": [{"lastUser": "retry"}, {"system": "careful"}], "not": {"anyUser": "hurry"}},
           "text": "careful path"},
          {"text": "plain path"}]}""");

    assertThat(
            m.chat(
                    new ModelRequest(
                        List.of(Body.Message.of(Role.SYSTEM, "Be CAREFUL."), user("go")),
                        List.of()))
                .text())
        .isEqualTo("careful path");
    assertThat(
            m.chat(new ModelRequest(List.of(user("go"), user("Please Retry")), List.of())).text())
        .isEqualTo("careful path");
    assertThat(m.chat(new ModelRequest(List.of(user("hurry"), user("retry")), List.of())).text())
        .isEqualTo("plain path");
    assertThat(m.chat(new ModelRequest(List.of(user("go")), List.of())).text())
        .isEqualTo("plain path");
  }

  @Test
  void calledLooksAtTheToolsEarlierTurnsCalled() throws IOException {
    ChatModel m =
        script(
            """
        {"turns": [
          {"calls": [{"tool": "deploy"}]},
          {"when": {"not": {"called": "rollback"}}, "calls": [{"tool": "rollback"}]},
          {"when": {"called": "rollback"}, "text": "rolled back"}]}""");
    ModelReply deploy = m.chat(new ModelRequest(List.of(user("go")), List.of()));
    ModelReply rollback =
        m.chat(
            new ModelRequest(
                List.of(user("go"), assistant(deploy), result(deploy, "ok", false)), List.of()));

    assertThat(rollback.toolCalls().get(0).name()).isEqualTo("rollback");
    assertThat(
            m.chat(
                    new ModelRequest(
                        List.of(
                            user("go"),
                            assistant(deploy),
                            result(deploy, "ok", false),
                            assistant(rollback),
                            result(rollback, "ok", false)),
                        List.of()))
                .text())
        .isEqualTo("rolled back");
  }

  @Test
  void aScriptWithNoAgentForTheConversationSaysWhichAgentsItHas() throws IOException {
    ChatModel m =
        script(
            "{\"agents\": [{\"name\": \"login\", \"when\": {\"task\": \"login\"}, \"turns\": [{\"text\": \"x\"}]}]}");

    assertThatThrownBy(
            () -> m.chat(new ModelRequest(List.of(user("Add search")), tools("read_file"))))
        .hasMessage(
            "script "
                + dir.resolve("s.json")
                + " has no agent for this conversation (task: 'Add search', "
                + "tools: [read_file]); agents: [login]. Add one without \"when\" last, as a fallback.");
  }

  @Test
  void badScriptsAreRefusedOnLoadNamingTheFileAndTheTurn() throws IOException {
    String file = dir.resolve("s.json").toString();
    assertThatThrownBy(
            () -> script("{\"turns\": [{\"text\": \"a\"}, {\"wehn\": {}, \"text\": \"b\"}]}"))
        .hasMessage(
            "script "
                + file
                + ", turn 2: unknown key 'wehn' (known: calls, error, id, next, text, usage, when)");
    assertThatThrownBy(
            () ->
                script(
                    "{\"turns\": [{\"id\": \"t\", \"when\": {\"lastToolResult\": {\"matches\": \"(\"}},"
                        + " \"text\": \"a\"}]}"))
        .hasMessageStartingWith(
            "script "
                + file
                + ", turn 1 ('t'), when lastToolResult: \"matches\" is not a valid "
                + "regular expression: Unclosed group");
    assertThatThrownBy(() -> script("{\"turns\": [{\"text\": \"a\", \"next\": \"nowhere\"}]}"))
        .hasMessage(
            "script " + file + ", turn 1: \"next\": no turn has the id 'nowhere' (ids: [])");
    assertThatThrownBy(() -> script("{\"turns\": [{\"text\": \"fork ${entry}\"}]}"))
        .hasMessage(
            "script "
                + file
                + ", turn 1: uses ${entry}, but no \"matches\" in its \"when\" has a group "
                + "(?<entry>…)");
    assertThatThrownBy(() -> script("{\"turns\": [{\"id\": \"quiet\"}]}"))
        .hasMessage(
            "script "
                + file
                + ", turn 1 ('quiet'): says nothing: give \"text\", \"calls\" or \"error\"");
    assertThatThrownBy(
            () ->
                script(
                    "{\"turns\": [{\"when\": {\"lastUser\": {\"failed\": true}}, \"text\": \"a\"}]}"))
        .hasMessage(
            "script " + file + ", turn 1, when lastUser: \"failed\" applies to tool results only");
    assertThatThrownBy(
            () -> script("{\"turns\": [{\"when\": {\"lastTool\": \"x\"}, \"text\": \"a\"}]}"))
        .hasMessageStartingWith(
            "script "
                + file
                + ", turn 1, when: unknown condition 'lastTool' (known: lastToolResult,");
    assertThatThrownBy(() -> script("{\"turns\": [{\"calls\": [{\"args\": {}}]}]}"))
        .hasMessage(
            "script " + file + ", turn 1, call 1: needs \"tool\": the name of the tool to call");
    assertThatThrownBy(() -> script("{\"agents\": [{\"name\": \"a\", \"turns\": []}]}"))
        .hasMessage(
            "script "
                + file
                + ", agent 'a': \"turns\" must be a non-empty list of turns (or give \"file\")");
    assertThatThrownBy(() -> script("{\"turns\": [{\"text\": \"a\"}],\n \"agents\": []}"))
        .hasMessage(
            "script "
                + file
                + ": give either \"turns\" (one agent) or \"agents\" (several), not both");
    assertThatThrownBy(() -> script("{\"turns\": [\n  {\"text\": \"a\"\n]}"))
        .hasMessageStartingWith("script " + file + " is not valid JSON: ")
        .hasMessageContaining("(line 3, column 1)");
    assertThatThrownBy(
            () -> Models.create("scripted:missing.json", ModelConfig.defaults(), Map.of(), dir))
        .hasMessage("script " + dir.resolve("missing.json") + " does not exist")
        .isInstanceOfSatisfying(
            ModelException.class, e -> assertThat(e.kind()).isEqualTo(ModelException.Kind.SCRIPT));
  }

  @Test
  void tomlScriptsAndIncludedFilesReadLikeJson() throws IOException {
    Files.writeString(
        dir.resolve("agent.toml"),
        """
        [[turns]]
        text = '''
        Two lines,
        one turn.'''
        calls = [{ tool = "write_file", args = { path = "a.txt", content = "x\\n" } }]
        """);
    ChatModel m = script("{\"agents\": [{\"name\": \"a\", \"file\": \"agent.toml\"}]}");

    ModelReply r = m.chat(new ModelRequest(List.of(user("t")), List.of()));

    assertThat(r.text()).isEqualTo("Two lines,\none turn.");
    assertThat(r.toolCalls().get(0).arguments())
        .isEqualTo("{\"path\":\"a.txt\",\"content\":\"x\\n\"}");
  }

  @Test
  void everyExampleScriptInTheDocsLoads() throws IOException {
    try (var files = Files.list(Path.of("docs/scripts"))) {
      List<Path> scripts = files.toList();
      assertThat(scripts).isNotEmpty();
      for (Path p : scripts) {
        assertThat(
                Models.create("scripted:" + p, ModelConfig.defaults(), Map.of(), Path.of(""))
                    .name())
            .isEqualTo("scripted:" + p);
      }
    }
  }
}
