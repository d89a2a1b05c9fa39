package dev.grove.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.grove.session.Body;
import dev.grove.session.Role;
import dev.grove.session.ToolCall;
import dev.grove.session.Usage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A deterministic model that plays a script (docs/scripted-model.md). It keeps no state between
 * calls: where it is in the script is worked out from the conversation it is sent, by playing the
 * script forward over the assistant turns already in it. So a lane forked from an earlier entry, a
 * resumed run and a fresh one all continue from the right turn, and a condition such as "a user
 * message contains 'hint'" sees a hint added by a fork.
 */
final class ScriptedModel implements ChatModel {
  static final String END_TOOL = "finish";

  private final Script script;
  private final String name;

  private ScriptedModel(Script script, String name) {
    this.script = script;
    this.name = name;
  }

  static ScriptedModel load(Path file, String name) {
    return new ScriptedModel(Script.load(file), name);
  }

  private record Choice(Script.Turn turn, Map<String, String> vars) {}

  @Override
  public ModelReply chat(ModelRequest request) {
    List<Body.Message> messages = request.messages();
    Set<String> tools = request.tools().stream().map(ToolSpec::name).collect(Collectors.toSet());
    Script.Agent agent = agentFor(messages, tools);
    int cursor = 0;
    boolean ended = false;
    int assistantTurns = 0;
    for (int i = 0; i < messages.size(); i++) {
      if (messages.get(i).role() != Role.ASSISTANT) {
        continue;
      }
      assistantTurns++;
      if (!ended) {
        Optional<Choice> played =
            choose(agent, cursor, new Condition.Conversation(messages.subList(0, i), tools));
        ended = played.isEmpty();
        cursor = played.map(c -> after(c.turn())).orElse(cursor);
      }
    }
    Optional<Choice> next =
        ended
            ? Optional.empty()
            : choose(agent, cursor, new Condition.Conversation(messages, tools));
    if (next.isEmpty()) {
      return end(agent, tools, assistantTurns + 1);
    }
    return play(agent, next.get(), assistantTurns + 1);
  }

  private Script.Agent agentFor(List<Body.Message> messages, Set<String> tools) {
    int i = 0;
    while (i < messages.size() && messages.get(i).role() != Role.USER) {
      i++;
    }
    int firstUser = i;
    List<Body.Message> head = messages.subList(0, Math.min(messages.size(), firstUser + 1));
    return Script.agentFor(script, new Condition.Conversation(head, tools))
        .orElseThrow(
            () -> {
              String task =
                  firstUser < messages.size()
                      ? String.valueOf(messages.get(firstUser).content())
                      : "(none)";
              return ModelException.script(
                  "script "
                      + script.file()
                      + " has no agent for this conversation (task: '"
                      + abbreviate(task)
                      + "', tools: "
                      + new java.util.TreeSet<>(tools)
                      + "); agents: "
                      + script.agents().stream().map(Script.Agent::name).toList()
                      + ". Add one without \"when\" last, as a fallback.");
            });
  }

  /** The first turn from {@code cursor} on whose condition holds. */
  private static Optional<Choice> choose(Script.Agent agent, int cursor, Condition.Conversation c) {
    for (int i = cursor; i < agent.turns().size(); i++) {
      Script.Turn t = agent.turns().get(i);
      Optional<Map<String, String>> vars = t.when().test(c);
      if (vars.isPresent()) {
        return Optional.of(new Choice(t, vars.get()));
      }
    }
    return Optional.empty();
  }

  private static int after(Script.Turn t) {
    return t.next() >= 0 ? t.next() : t.index() + 1;
  }

  private ModelReply play(Script.Agent agent, Choice choice, int turnNumber) {
    Script.Turn t = choice.turn();
    String where =
        "script "
            + script.file()
            + (agent.name() == null ? "" : ", agent '" + agent.name() + "'")
            + ", "
            + t.label();
    if (t.error() != null) {
      throw ModelException.script(
          where + " fails on purpose: " + Script.fill(t.error(), choice.vars(), where));
    }
    List<ToolCall> calls = new ArrayList<>();
    int k = 0;
    for (Script.Call c : t.calls()) {
      k++;
      JsonNode args = c.args();
      String text =
          args.isTextual()
              ? Script.fill(args.asText(), choice.vars(), where)
              : fill(args, choice.vars(), where).toString();
      calls.add(new ToolCall("call_" + turnNumber + "_" + k, c.tool(), text));
    }
    String text = t.text() == null ? null : Script.fill(t.text(), choice.vars(), where);
    return new ModelReply(text, calls, t.usage(), name);
  }

  private static JsonNode fill(JsonNode n, Map<String, String> vars, String where) {
    if (n.isTextual()) {
      return JsonNodeFactory.instance.textNode(Script.fill(n.asText(), vars, where));
    }
    if (n.isObject()) {
      ObjectNode o = JsonNodeFactory.instance.objectNode();
      n.properties()
          .iterator()
          .forEachRemaining(e -> o.set(e.getKey(), fill(e.getValue(), vars, where)));
      return o;
    }
    if (n.isArray()) {
      ArrayNode a = JsonNodeFactory.instance.arrayNode();
      n.forEach(e -> a.add(fill(e, vars, where)));
      return a;
    }
    return n;
  }

  /** The script has nothing more to say. */
  private ModelReply end(Script.Agent agent, Set<String> tools, int turnNumber) {
    String text =
        "The script "
            + script.file().getFileName()
            + (agent.name() == null ? "" : " (agent '" + agent.name() + "')")
            + " has no more turns.";
    return ending(text, tools, "call_" + turnNumber + "_end", name);
  }

  /**
   * A clean end: says so, and calls {@code finish} (with the text as its summary) when it is on
   * offer.
   */
  static ModelReply ending(String text, Set<String> tools, String callId, String model) {
    List<ToolCall> calls = new ArrayList<>();
    if (tools.contains(END_TOOL)) {
      ObjectNode args = JsonNodeFactory.instance.objectNode().put("summary", text);
      calls.add(new ToolCall(callId, END_TOOL, args.toString()));
    }
    return new ModelReply(text, calls, Usage.ZERO, model);
  }

  private static String abbreviate(String s) {
    String one = s.replaceAll("\\s+", " ").strip();
    return one.length() > 80 ? one.substring(0, 80) + "…" : one;
  }

  @Override
  public String name() {
    return name;
  }
}
