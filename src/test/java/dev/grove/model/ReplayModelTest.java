package dev.grove.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.grove.session.Body;
import dev.grove.session.Draft;
import dev.grove.session.Durability;
import dev.grove.session.Entry;
import dev.grove.session.Parent;
import dev.grove.session.Role;
import dev.grove.session.SessionStore;
import dev.grove.session.ToolCall;
import dev.grove.session.Usage;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplayModelTest {
  @TempDir Path dir;
  Entry read;
  Entry finish;
  Entry sideTask;

  static Body.Message assistant(String text, Usage usage, ToolCall... calls) {
    return new Body.Message(
        Role.ASSISTANT, text, List.of(calls), null, false, "openai:gpt-4.1", usage, null);
  }

  static final ToolCall READ = new ToolCall("call_7", "read_file", "{\"path\":\"Login.java\"}");
  static final ToolCall FINISH = new ToolCall("call_8", "finish", "{\"summary\":\"done\"}");

  /**
   * Lane main: task, read, result, finish. Lane side: a sub-agent with its own task, written last.
   */
  @BeforeEach
  void record() {
    try (SessionStore s =
        SessionStore.create(
            dir.resolve("run.jsonl"),
            dir.toString(),
            SessionStore.Options.defaults().withDurability(Durability.NONE))) {
      s.append(
          new Draft(
              Parent.root(), "main", Body.Message.of(Role.SYSTEM, "You are a coding agent.")));
      Entry task = s.append(Draft.onLane("main", Body.Message.of(Role.USER, "Fix the login bug")));
      read =
          s.append(Draft.onLane("main", assistant("Reading.", new Usage(1200, 30, 0.0036), READ)));
      s.append(Draft.onLane("main", Body.Message.toolResult("call_7", "class Login {}", false)));
      finish = s.append(Draft.onLane("main", assistant(null, new Usage(1300, 12, 0.0027), FINISH)));
      s.append(Draft.label(read.id(), "first-look"));
      s.append(
          new Draft(Parent.of(task.id()), "side", Body.Message.of(Role.USER, "Add search"), true));
      sideTask = s.append(Draft.onLane("side", assistant("Searching.", null)));
    }
  }

  ChatModel replay(String target) {
    return Models.create("replay:" + target, ModelConfig.defaults(), Map.of(), dir);
  }

  static ModelRequest after(String task, Body.Message... turns) {
    List<Body.Message> c = new java.util.ArrayList<>(List.of(Body.Message.of(Role.USER, task)));
    c.addAll(List.of(turns));
    return new ModelRequest(c, List.of(new ToolSpec("finish", "", null)));
  }

  @Test
  void playsTheRecordedTurnsOfAnEntrysPathInOrderWithTheirIdsAndTokensAtNoCost() {
    ChatModel m = replay("run.jsonl#" + finish.id());

    ModelReply first = m.chat(after("Fix the login bug"));
    ModelReply second =
        m.chat(
            after(
                "Fix the login bug",
                assistant("Reading.", null, READ),
                Body.Message.toolResult("call_7", "class Login {} // changed since", false)));

    assertThat(first)
        .isEqualTo(
            new ModelReply(
                "Reading.",
                List.of(READ),
                new Usage(1200, 30, 0),
                "replay:run.jsonl#" + finish.id()));
    assertThat(second.toolCalls()).containsExactly(FINISH);
    assertThat(second.text()).isNull();
  }

  @Test
  void pastTheLastRecordedTurnItEndsCleanly() {
    ChatModel m = replay("run.jsonl#first-look");

    ModelReply end =
        m.chat(
            after(
                "Fix the login bug",
                assistant("Reading.", null, READ),
                Body.Message.toolResult("call_7", "x", false)));

    assertThat(end.text()).isEqualTo("The recorded session (lane 'main') has no more turns.");
    assertThat(end.toolCalls()).extracting(ToolCall::name).containsExactly("finish");
  }

  @Test
  void anEntryMayBeNamedByLabelOrLaneOrIdPrefix() {
    assertThat(replay("run.jsonl#first-look").chat(after("x")).text()).isEqualTo("Reading.");
    assertThat(replay("run.jsonl#side").chat(after("x")).text()).isEqualTo("Searching.");
    assertThat(replay("run.jsonl#" + finish.id().substring(0, 5)).chat(after("x")).text())
        .isEqualTo("Reading.");
  }

  @Test
  void withoutAnEntryEachConversationGetsTheLaneOfItsTaskElseTheLaneWrittenLast() {
    ChatModel m = replay("run.jsonl");

    assertThat(m.chat(after("Fix the login bug")).text()).isEqualTo("Reading.");
    assertThat(m.chat(after("Add search")).text()).isEqualTo("Searching.");
    assertThat(m.chat(after("Something else")).text()).isEqualTo("Searching.");
  }

  @Test
  void aMissingFileOrEntryIsAConfigurationError() {
    assertThatThrownBy(() -> replay("nope.jsonl"))
        .hasMessage(
            "replay:nope.jsonl: session file " + dir.resolve("nope.jsonl") + " does not exist")
        .isInstanceOfSatisfying(
            ModelException.class, e -> assertThat(e.kind()).isEqualTo(ModelException.Kind.CONFIG));
    assertThatThrownBy(() -> replay("run.jsonl#nothing"))
        .hasMessageStartingWith(
            "replay:run.jsonl#nothing: 'nothing' is neither an entry (id, prefix or label) nor a lane");
  }

  @Test
  void aSessionWithoutAssistantTurnsCannotBeReplayed() {
    try (SessionStore s =
        SessionStore.create(
            dir.resolve("empty.jsonl"),
            dir.toString(),
            SessionStore.Options.defaults().withDurability(Durability.NONE))) {
      s.append(new Draft(Parent.root(), "main", Body.Message.of(Role.USER, "hello")));
    }

    assertThatThrownBy(() -> replay("empty.jsonl"))
        .hasMessage(
            "replay:empty.jsonl: "
                + dir.resolve("empty.jsonl")
                + " has no assistant turns to replay");
  }
}
