package dev.grove.model;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import dev.grove.session.Usage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A parsed, checked script for the scripted model (the format is in docs/scripted-model.md).
 * Everything that can be checked is checked on load, and each error names the file, the agent and
 * the turn.
 */
record Script(Path file, List<Agent> agents) {
  private static final Set<String> TOP_KEYS =
      Set.of("version", "description", "usage", "turns", "agents");
  private static final Set<String> AGENT_KEYS = Set.of("name", "when", "usage", "turns", "file");
  private static final Set<String> TURN_KEYS =
      Set.of("id", "when", "text", "calls", "next", "usage", "error");
  private static final Set<String> CALL_KEYS = Set.of("tool", "args");
  private static final Set<String> USAGE_KEYS = Set.of("inputTokens", "outputTokens", "cost");
  private static final Set<String> TEST_KEYS = Set.of("contains", "matches", "failed");
  private static final Pattern VAR = Pattern.compile("\\$\\$\\{|\\$\\{([A-Za-z][A-Za-z0-9]*)}");

  /** One agent's part: chosen for a conversation by {@code when}, played turn by turn. */
  record Agent(String name, Condition when, List<Turn> turns) {}

  /**
   * One assistant turn.
   *
   * @param next the index of the turn to go on from, or -1 for the one after this
   */
  record Turn(
      int index,
      String id,
      Condition when,
      String text,
      List<Call> calls,
      int next,
      Usage usage,
      String error) {
    /** "turn 3 ('edit')", for messages. */
    String label() {
      return "turn " + (index + 1) + (id == null ? "" : " ('" + id + "')");
    }
  }

  /**
   * A tool call; {@code args} is a JSON object, or a string sent as it is (malformed output on
   * purpose).
   */
  record Call(String tool, JsonNode args) {}

  static Script load(Path file) {
    JsonNode root;
    ObjectMapper mapper =
        file.getFileName().toString().endsWith(".toml") ? new TomlMapper() : new ObjectMapper();
    String kind = mapper instanceof TomlMapper ? "TOML" : "JSON";
    try {
      root = mapper.readTree(Files.readString(file));
    } catch (NoSuchFileException e) {
      throw ModelException.script("script " + file + " does not exist");
    } catch (JacksonException e) {
      throw ModelException.script("script " + file + " is not valid " + kind + ": " + problem(e));
    } catch (IOException e) {
      throw ModelException.script("script " + file + " cannot be read: " + e);
    }
    return new Parser(file).script(root);
  }

  /** A parser's complaint without Jackson's source description, with its line and column. */
  static String problem(JacksonException e) {
    String said =
        String.valueOf(e.getOriginalMessage())
            .replaceAll("\\s*\\(for \\w+ starting at \\[Source:.*?]\\)", "")
            .lines()
            .findFirst()
            .orElse("");
    return said
        + (e.getLocation() == null
            ? ""
            : " (line "
                + e.getLocation().getLineNr()
                + ", column "
                + e.getLocation().getColumnNr()
                + ")");
  }

  /** Reads one file's tree, with the place being read kept for messages. */
  private static final class Parser {
    private final Path file;

    Parser(Path file) {
      this.file = file;
    }

    private ModelException error(String where, String what) {
      return ModelException.script(
          "script " + file + (where.isEmpty() ? "" : ", " + where) + ": " + what);
    }

    Script script(JsonNode root) {
      if (root == null || !root.isObject()) {
        throw error(
            "", "must be an object with \"turns\" (or \"agents\"); see docs/scripted-model.md");
      }
      only(root, TOP_KEYS, "");
      JsonNode version = root.get("version");
      if (version != null && version.asInt() != 1) {
        throw error("", "version " + version + " is not one this grove reads (1)");
      }
      Usage usage = usage(root.get("usage"), "", Usage.ZERO);
      List<Agent> agents = new ArrayList<>();
      if (root.has("turns") == root.has("agents")) {
        throw error(
            "",
            "give either \"turns\" (one agent) or \"agents\" (several), not "
                + (root.has("turns") ? "both" : "neither"));
      }
      if (root.has("turns")) {
        agents.add(agent(null, root, usage));
      } else {
        JsonNode list = root.get("agents");
        if (!list.isArray() || list.isEmpty()) {
          throw error("", "\"agents\" must be a non-empty list");
        }
        Set<String> names = new TreeSet<>();
        for (JsonNode a : list) {
          if (!a.isObject() || !a.path("name").isTextual()) {
            throw error("agent " + (agents.size() + 1), "needs a \"name\"");
          }
          String name = a.get("name").asText();
          if (!names.add(name)) {
            throw error("agent '" + name + "'", "two agents have this name");
          }
          only(a, AGENT_KEYS, "agent '" + name + "'");
          agents.add(
              a.has("file")
                  ? included(name, a)
                  : agent(name, a, usage(a.get("usage"), "agent '" + name + "'", usage)));
        }
      }
      return new Script(file, agents);
    }

    /**
     * An agent whose turns are in a script file of their own (beside this one, unless absolute).
     */
    private Agent included(String name, JsonNode a) {
      String where = "agent '" + name + "'";
      if (a.has("turns") || a.has("usage") || !a.get("file").isTextual()) {
        throw error(
            where,
            "\"file\" names a script holding this agent's turns (and usage); give it or \"turns\", "
                + "not both");
      }
      Condition when =
          a.has("when") ? condition(a.get("when"), join(where, "when")) : Condition.ALWAYS;
      Path other = file.resolveSibling(a.get("file").asText());
      Script inner = Script.load(other);
      if (inner.agents().size() != 1 || inner.agents().get(0).name() != null) {
        throw error(
            where, "the script " + other + " must hold \"turns\" (one agent), not \"agents\"");
      }
      return new Agent(name, when, inner.agents().get(0).turns());
    }

    private Agent agent(String name, JsonNode node, Usage usage) {
      String where = name == null ? "" : "agent '" + name + "'";
      Condition when =
          node.has("when") ? condition(node.get("when"), join(where, "when")) : Condition.ALWAYS;
      JsonNode list = node.get("turns");
      if (list == null || !list.isArray() || list.isEmpty()) {
        throw error(
            where,
            "\"turns\" must be a non-empty list of turns"
                + (name == null ? "" : " (or give \"file\")"));
      }
      Map<String, Integer> ids = new HashMap<>();
      int i = 0;
      for (JsonNode t : list) {
        if (t.path("id").isTextual()) {
          String id = t.get("id").asText();
          if (!id.matches("[A-Za-z0-9_-]+")) {
            throw error(
                join(where, "turn " + (i + 1)),
                "id '" + id + "' must be letters, digits, '_' or '-'");
          }
          if (ids.put(id, i) != null) {
            throw error(
                join(where, "turn " + (i + 1)), "another turn already has the id '" + id + "'");
          }
        }
        i++;
      }
      List<Turn> turns = new ArrayList<>();
      i = 0;
      for (JsonNode t : list) {
        turns.add(turn(i++, t, where, ids, usage));
      }
      return new Agent(name, when, turns);
    }

    private Turn turn(
        int index, JsonNode t, String agentWhere, Map<String, Integer> ids, Usage usage) {
      String id = t.path("id").isTextual() ? t.get("id").asText() : null;
      String where =
          join(agentWhere, "turn " + (index + 1) + (id == null ? "" : " ('" + id + "')"));
      if (!t.isObject()) {
        throw error(where, "must be an object with \"text\" and/or \"calls\"");
      }
      only(t, TURN_KEYS, where);
      Condition when =
          t.has("when") ? condition(t.get("when"), join(where, "when")) : Condition.ALWAYS;
      String text = string(t, "text", where);
      String err = string(t, "error", where);
      List<Call> calls = new ArrayList<>();
      JsonNode cs = t.get("calls");
      if (cs != null) {
        if (!cs.isArray()) {
          throw error(where, "\"calls\" must be a list of {\"tool\": NAME, \"args\": {…}}");
        }
        int n = 0;
        for (JsonNode c : cs) {
          n++;
          String cw = where + ", call " + n;
          if (!c.isObject() || !c.path("tool").isTextual() || c.get("tool").asText().isBlank()) {
            throw error(cw, "needs \"tool\": the name of the tool to call");
          }
          only(c, CALL_KEYS, cw);
          JsonNode args = c.has("args") ? c.get("args") : new ObjectMapper().createObjectNode();
          if (!args.isObject() && !args.isTextual()) {
            throw error(cw, "\"args\" must be an object (or a string, sent as it is), not " + args);
          }
          calls.add(new Call(c.get("tool").asText(), args));
        }
      }
      if (text == null && calls.isEmpty() && err == null) {
        throw error(where, "says nothing: give \"text\", \"calls\" or \"error\"");
      }
      if (err != null && (text != null || !calls.isEmpty())) {
        throw error(
            where, "an \"error\" turn fails the call; it cannot also have \"text\" or \"calls\"");
      }
      int next = -1;
      if (t.has("next")) {
        String target = string(t, "next", where);
        Integer to = ids.get(target);
        if (to == null) {
          throw error(
              where,
              "\"next\": no turn has the id '"
                  + target
                  + "' (ids: "
                  + new TreeSet<>(ids.keySet())
                  + ")");
        }
        next = to;
      }
      Set<String> bound = when.captures();
      checkVars(text, bound, where);
      calls.forEach(c -> checkVars(c.args(), bound, where));
      return new Turn(index, id, when, text, calls, next, usage(t.get("usage"), where, usage), err);
    }

    private void checkVars(JsonNode n, Set<String> bound, String where) {
      if (n.isTextual()) {
        checkVars(n.asText(), bound, where);
      } else {
        n.forEach(child -> checkVars(child, bound, where));
      }
    }

    private void checkVars(String s, Set<String> bound, String where) {
      if (s == null) {
        return;
      }
      Matcher m = VAR.matcher(s);
      while (m.find()) {
        if (m.group(1) != null && !bound.contains(m.group(1))) {
          throw error(
              where,
              "uses ${"
                  + m.group(1)
                  + "}, but no \"matches\" in its \"when\" has a group (?<"
                  + m.group(1)
                  + ">…)"
                  + (bound.isEmpty() ? "" : " (it has: " + bound + ")"));
        }
      }
    }

    private Condition condition(JsonNode n, String where) {
      if (!n.isObject() || n.isEmpty()) {
        throw error(
            where,
            "a condition is an object such as {\"lastToolResult\": {\"failed\": true}} or "
                + "{\"anyUser\": \"hint\"}");
      }
      List<Condition> parts = new ArrayList<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = n.properties().iterator(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        String key = e.getKey();
        JsonNode v = e.getValue();
        String at = where + " " + key;
        switch (key) {
          case "not" -> parts.add(new Condition.Not(condition(v, at)));
          case "anyOf", "allOf" -> {
            if (!v.isArray() || v.isEmpty()) {
              throw error(at, "must be a non-empty list of conditions");
            }
            List<Condition> list = new ArrayList<>();
            v.forEach(c -> list.add(condition(c, at)));
            parts.add(key.equals("anyOf") ? new Condition.AnyOf(list) : new Condition.All(list));
          }
          case "hasTool", "called" -> {
            if (!v.isTextual()) {
              throw error(at, "must be a tool name");
            }
            parts.add(
                key.equals("hasTool")
                    ? new Condition.HasTool(v.asText())
                    : new Condition.Called(v.asText()));
          }
          default -> {
            Condition.Selector s =
                Condition.Selector.byKey(key)
                    .orElseThrow(
                        () ->
                            error(
                                where,
                                "unknown condition '"
                                    + key
                                    + "' (known: lastToolResult, anyToolResult, lastUser, anyUser, task, system, lastAssistant, "
                                    + "hasTool, called, not, anyOf, allOf)"));
            parts.add(new Condition.On(s, test(v, at, s)));
          }
        }
      }
      return parts.size() == 1 ? parts.get(0) : new Condition.All(parts);
    }

    private Condition.Test test(JsonNode v, String where, Condition.Selector s) {
      if (v.isTextual()) {
        return new Condition.Test(v.asText(), null, null);
      }
      if (!v.isObject()) {
        throw error(
            where, "must be a text to look for, or an object with contains, matches or failed");
      }
      only(v, TEST_KEYS, where);
      String contains = string(v, "contains", where);
      String regex = string(v, "matches", where);
      java.util.regex.Pattern p = null;
      if (regex != null) {
        try {
          p = java.util.regex.Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
          throw error(
              where,
              "\"matches\" is not a valid regular expression: "
                  + e.getDescription()
                  + " near index "
                  + e.getIndex()
                  + " of "
                  + regex);
        }
      }
      Boolean failed = null;
      if (v.has("failed")) {
        if (!v.get("failed").isBoolean()) {
          throw error(where, "\"failed\" must be true or false");
        }
        if (s.role != dev.grove.session.Role.TOOL) {
          throw error(where, "\"failed\" applies to tool results only");
        }
        failed = v.get("failed").asBoolean();
      }
      return new Condition.Test(contains, p, failed);
    }

    private Usage usage(JsonNode u, String where, Usage inherited) {
      if (u == null) {
        return inherited;
      }
      String at = join(where, "usage");
      if (!u.isObject()) {
        throw error(at, "must be {\"inputTokens\": N, \"outputTokens\": N, \"cost\": DOLLARS}");
      }
      only(u, USAGE_KEYS, at);
      try {
        return new Usage(
            u.path("inputTokens").asLong(0),
            u.path("outputTokens").asLong(0),
            u.path("cost").asDouble(0));
      } catch (IllegalArgumentException e) {
        throw error(at, e.getMessage());
      }
    }

    private String string(JsonNode n, String key, String where) {
      JsonNode v = n.get(key);
      if (v == null) {
        return null;
      }
      if (!v.isTextual()) {
        throw error(where, "\"" + key + "\" must be a string, not " + v);
      }
      return v.asText();
    }

    private void only(JsonNode n, Set<String> allowed, String where) {
      for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
        String key = it.next();
        if (!allowed.contains(key)) {
          throw error(
              where,
              "unknown key '"
                  + key
                  + "' (known: "
                  + String.join(", ", new TreeSet<>(allowed))
                  + ")");
        }
      }
    }

    private static String join(String a, String b) {
      return a.isEmpty() ? b : a + ", " + b;
    }
  }

  /** Replaces {@code ${name}} with captured values; {@code $${} stands for a literal {@code ${}. */
  static String fill(String s, Map<String, String> vars, String where) {
    Matcher m = VAR.matcher(s);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      String value;
      if (m.group(1) == null) {
        value = "${";
      } else {
        value = vars.get(m.group(1));
        if (value == null) {
          throw ModelException.script(
              where
                  + ": ${"
                  + m.group(1)
                  + "} was not captured (its group did not take part "
                  + "in the match)");
        }
      }
      m.appendReplacement(sb, Matcher.quoteReplacement(value));
    }
    m.appendTail(sb);
    return sb.toString();
  }

  static Optional<Agent> agentFor(Script s, Condition.Conversation c) {
    return s.agents().stream().filter(a -> a.when().test(c).isPresent()).findFirst();
  }
}
