package dev.grove.adversarial;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A scripted model's part, written in Java rather than as JSON by hand (docs/scripted-model.md): the turns
 * of one agent, each a list of tool calls. Strings are taken as they are: a literal {@code ${} is escaped,
 * so shell commands need no care.
 */
final class Scripted {
  static final ObjectMapper JSON = new ObjectMapper();

  private final ArrayNode turns = JSON.createArrayNode();
  private ObjectNode when;
  private String name = "agent";

  /** The agent that plays conversations whose task contains {@code text}. */
  static Scripted forTask(String text) {
    Scripted s = new Scripted();
    s.name = "task-" + text.replaceAll("[^A-Za-z0-9]", "-");
    s.when = JSON.createObjectNode().put("task", text);
    return s;
  }

  /** The orchestrator agent of a {@code --plan} run (the conversation that offers spawn_agent). */
  static Scripted orchestrator() {
    Scripted s = new Scripted();
    s.name = "orchestrator";
    s.when = JSON.createObjectNode().put("hasTool", "spawn_agent");
    return s;
  }

  /** An agent for any conversation (put it last). */
  static Scripted anyTask() {
    return new Scripted();
  }

  Scripted run(String command) {
    return turn(call("run_command", "command", command));
  }

  Scripted write(String path, String content) {
    return turn(call("write_file", "path", path, "content", content));
  }

  Scripted finish(String summary) {
    return turn(call("finish", "summary", summary));
  }

  /** One assistant turn making these calls (parallel tool calls when several). */
  Scripted turn(ObjectNode... calls) {
    ArrayNode c = turns.addObject().putArray("calls");
    for (ObjectNode call : calls) {
      c.add(call);
    }
    return this;
  }

  /** A turn with text only, and these calls. */
  Scripted say(String text, ObjectNode... calls) {
    ObjectNode t = turns.addObject().put("text", literal(text));
    ArrayNode c = t.putArray("calls");
    for (ObjectNode call : calls) {
      c.add(call);
    }
    return this;
  }

  /** A tool call with string arguments given as name, value pairs. */
  static ObjectNode call(String tool, String... nameValue) {
    ObjectNode call = JSON.createObjectNode().put("tool", tool);
    ObjectNode args = call.putObject("args");
    for (int i = 0; i < nameValue.length; i += 2) {
      args.put(nameValue[i], literal(nameValue[i + 1]));
    }
    return call;
  }

  /** A tool call with arguments of any JSON type. */
  static ObjectNode call(String tool, ObjectNode args) {
    ObjectNode call = JSON.createObjectNode().put("tool", tool);
    call.set("args", args);
    return call;
  }

  private static String literal(String s) {
    return s.replace("${", "$${");
  }

  private ObjectNode agent() {
    ObjectNode a = JSON.createObjectNode().put("name", name);
    if (when != null) {
      a.set("when", when);
    }
    a.set("turns", turns);
    return a;
  }

  /**
   * Writes a script of these agents (the first whose condition holds plays a conversation); returns
   * the spec.
   */
  static String spec(Path file, Scripted... agents) {
    ObjectNode root = JSON.createObjectNode().put("version", 1);
    ArrayNode all = root.putArray("agents");
    for (Scripted a : agents) {
      all.add(a.agent());
    }
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      JSON.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), root);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return "scripted:" + file.toAbsolutePath();
  }
}
