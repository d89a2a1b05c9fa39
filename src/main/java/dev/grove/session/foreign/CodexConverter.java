package dev.grove.session.foreign;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.grove.session.Body;
import dev.grove.session.Entry;
import dev.grove.session.Problem;
import dev.grove.session.Role;
import dev.grove.session.ToolCall;
import dev.grove.session.foreign.Convert.Bad;
import java.io.IOException;
import java.io.Writer;
import java.time.Instant;
import java.util.List;

/**
 * Codex CLI rollouts ({@code ~/.codex/sessions/YYYY/MM/DD/rollout-*.jsonl}) as grove sessions, one
 * grove line per rollout line. A rollout is linear: each line hangs below the one before, on lane
 * {@code main}, and has the id {@code codex-<line number>}.
 *
 * <ul>
 *   <li>{@code session_meta} (line 1): the header;
 *   <li>{@code response_item}: {@code message} (user, assistant, developer, system), {@code
 *       function_call} and {@code custom_tool_call} (an assistant message with one tool call),
 *       {@code function_call_output} and {@code custom_tool_call_output} (a tool message with the
 *       matching toolCallId); any other item ({@code reasoning}, {@code web_search_call}, …) an
 *       event {@code codex.<item type>};
 *   <li>{@code compacted}: a compaction summary covering everything before it;
 *   <li>{@code turn_context}, {@code event_msg} and any other line: an event {@code codex.<type>}
 *       ({@code codex.event_msg.<payload type>}), left out of context. The model named by the last
 *       {@code turn_context} is the model of the assistant messages after it.
 * </ul>
 */
final class CodexConverter extends Converter {
  static final String LANE = "main";
  private static final ObjectMapper JSON = new ObjectMapper();

  private String prevNode;
  private String root;
  private String model;

  /**
   * Reads rollout lines from {@code in} and writes grove lines to {@code out}; problems are kept.
   */
  void convert(Lines in, Writer out, String sourceFile) throws IOException {
    int lines =
        Convert.lines(in, out, problems, (line, lineNo) -> convertLine(line, lineNo, sourceFile));
    if (lines == 0) {
      problems.add(new Problem(1, "the file is empty: it has no Codex session_meta line"));
    }
  }

  private String convertLine(String line, int lineNo, String sourceFile) throws Bad {
    JsonNode n = Convert.object(line, "Codex rollout line");
    String type = n.path("type").asText("");
    JsonNode p = n.path("payload");
    if (lineNo == 1) {
      if (!type.equals("session_meta")) {
        throw new Bad("the first line is not a Codex session_meta line");
      }
      ObjectNode h = JSON.createObjectNode();
      h.put("type", "session");
      h.put("version", 1);
      String id = p.path("id").asText("");
      h.put("id", id.isBlank() ? "codex-session" : id);
      JsonNode ts = p.hasNonNull("timestamp") ? p.get("timestamp") : n.get("timestamp");
      h.put("createdAt", Convert.instant(ts, "the session_meta line").toString());
      h.put("cwd", p.path("cwd").asText(null));
      ObjectNode src = h.putObject("importedFrom");
      src.put("tool", "codex");
      src.put("file", sourceFile);
      if (p.hasNonNull("cli_version")) {
        src.put("version", p.get("cli_version").asText());
      }
      return h.toString();
    }
    if (type.isEmpty()) {
      throw new Bad("Codex rollout line has no type");
    }
    if (type.equals("session_meta")) {
      throw new Bad("a second Codex session_meta line (only the first line is one)");
    }
    if (!p.isObject()) {
      throw new Bad("Codex " + type + " line has no payload object");
    }
    Instant ts =
        n.hasNonNull("timestamp") ? Convert.instant(n.get("timestamp"), type + " line") : null;
    String id = String.format("codex-%08d", lineNo);
    String parent = prevNode;
    if (type.equals("turn_context") && p.hasNonNull("model")) {
      model = p.get("model").asText();
    }
    Body body;
    try {
      body =
          switch (type) {
            case "response_item" -> item(p);
            case "compacted" ->
                root == null
                    ? new Body.Event("codex.compacted", p)
                    : new Body.Summary(
                        Body.SummaryKind.COMPACTION, root, parent, p.path("message").asText(""));
            case "event_msg" -> new Body.Event("codex.event_msg." + p.path("type").asText(), p);
            default -> new Body.Event("codex." + type, p);
          };
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new Bad("Codex " + type + " line: " + e.getMessage());
    }
    entries++;
    prevNode = id;
    if (root == null) {
      root = id;
    }
    return new Entry(id, parent, ts, LANE, false, body, 0).toJson();
  }

  private Body item(JsonNode p) {
    String kind = p.path("type").asText("");
    return switch (kind) {
      case "message" -> {
        String text = text(p.get("content"));
        yield switch (p.path("role").asText("")) {
          case "assistant" ->
              new Body.Message(
                  Role.ASSISTANT,
                  text,
                  List.of(),
                  null,
                  false,
                  model == null ? null : "openai:" + model,
                  null,
                  null);
          case "user" -> Body.Message.of(Role.USER, text);
          case "developer", "system" -> Body.Message.of(Role.SYSTEM, text);
          default -> new Body.Event("codex.message", p);
        };
      }
      case "function_call", "custom_tool_call" -> {
        JsonNode args = p.get(kind.equals("function_call") ? "arguments" : "input");
        yield new Body.Message(
            Role.ASSISTANT,
            null,
            List.of(
                new ToolCall(p.path("call_id").asText(""), p.path("name").asText(""), args(args))),
            null,
            false,
            model == null ? null : "openai:" + model,
            null,
            null);
      }
      case "function_call_output", "custom_tool_call_output" -> {
        JsonNode o = p.get("output");
        boolean failed =
            o != null
                && o.isObject()
                && o.path("success").isBoolean()
                && !o.path("success").asBoolean();
        yield Body.Message.toolResult(p.path("call_id").asText(""), output(o), failed);
      }
      default -> new Body.Event("codex." + (kind.isEmpty() ? "response_item" : kind), p);
    };
  }

  /** Arguments as a JSON object text: Codex stores them as a string holding JSON, or raw input. */
  private static String args(JsonNode a) {
    if (a == null || a.isNull()) {
      return "{}";
    }
    if (a.isTextual()) {
      try {
        JsonNode parsed = JSON.readTree(a.asText());
        if (parsed != null && parsed.isObject()) {
          return parsed.toString();
        }
      } catch (IOException e) {
        // not JSON: kept as the tool's raw input below
      }
      return JSON.createObjectNode().put("input", a.asText()).toString();
    }
    return a.isObject() ? a.toString() : JSON.createObjectNode().set("input", a).toString();
  }

  /** A tool's output: a string, or an object with {@code content} (text or content items). */
  private static String output(JsonNode o) {
    if (o == null || o.isNull()) {
      return "";
    }
    if (o.isTextual()) {
      return o.asText();
    }
    if (o.isObject() && o.has("content")) {
      return output(o.get("content"));
    }
    if (o.isArray()) {
      return text(o);
    }
    return o.toString();
  }

  /** The text of Codex content items ({@code input_text}, {@code output_text}), joined. */
  private static String text(JsonNode content) {
    if (content == null || content.isNull()) {
      return "";
    }
    if (content.isTextual()) {
      return content.asText();
    }
    StringBuilder sb = new StringBuilder();
    for (JsonNode b : content) {
      if (b.has("text")) {
        if (!sb.isEmpty()) {
          sb.append('\n');
        }
        sb.append(b.path("text").asText(""));
      }
    }
    return sb.toString();
  }
}
