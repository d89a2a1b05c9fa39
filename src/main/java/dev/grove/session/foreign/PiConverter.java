package dev.grove.session.foreign;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.grove.session.Body;
import dev.grove.session.Dialect;
import dev.grove.session.Entry;
import dev.grove.session.Problem;
import dev.grove.session.Role;
import dev.grove.session.ToolCall;
import dev.grove.session.Usage;
import dev.grove.session.foreign.Convert.Bad;
import java.io.IOException;
import java.io.Writer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * pi session files (format versions 1, 2 and 3) as grove sessions, one grove line per pi line so
 * line numbers carry over. What pi puts in a model's context becomes a grove message or summary,
 * built so grove's context of an entry is the one pi's {@code buildSessionContext} builds:
 *
 * <ul>
 *   <li>{@code message}: user, assistant (text, tool calls, model, usage), toolResult (a tool
 *       message); {@code bashExecution} and {@code custom} messages become user messages with the
 *       text pi sends for them; thinking and image blocks are kept in a {@code pi} field;
 *   <li>{@code custom_message}: a user message; {@code branch_summary}: a branch summary;
 *   <li>{@code compaction}: a compaction summary covering its path up to {@code firstKeptEntryId};
 *   <li>{@code label}: a label (pi's labels sit in the chain: what hangs below one hangs below its
 *       parent in grove);
 *   <li>{@code model_change}, {@code thinking_level_change}, {@code session_info}, {@code custom}:
 *       events {@code pi.<type>} with the rest of the entry as data;
 *   <li>any other type: kept as an entry of that type, shown as such, left out of context.
 * </ul>
 *
 * Version 1 files have no ids: entries get ids from their line numbers and each hangs below the one
 * before, as pi's migration does. Everything goes on one lane, {@code main}, so its head is pi's
 * leaf: the last entry.
 */
final class PiConverter extends Converter {
  static final String LANE = "main";
  private static final ObjectMapper JSON = new ObjectMapper();

  // label id → the node it stands on; read by other threads when a file is read in place
  private final Map<String, String> alias = new ConcurrentHashMap<>();
  private final Map<Integer, String> idOfLine = new HashMap<>(); // version 1 only
  private volatile int version = 3;
  private String lastV1Id;

  /**
   * Where a file is read in place ({@link PiDialect}): each summary's span as it was worked out
   * when the file was indexed, for when the line is read again without the tree.
   */
  private final Map<String, Span> spans;

  /** A summary's kind (null: it covers nothing, and is an event) and the entries it covers. */
  private record Span(Body.SummaryKind kind, String from, String to) {}

  /** A converter writing a grove file: it keeps the tree itself. */
  PiConverter() {
    this.spans = null;
  }

  /** A converter for a file read in place: the loader keeps the tree; spans are kept here. */
  static PiConverter inPlace() {
    return new PiConverter(new ConcurrentHashMap<>());
  }

  private PiConverter(Map<String, Span> spans) {
    this.spans = spans;
  }

  /** The tree as a conversion keeps it: each node's parent and root, the last node. */
  private static final class Kept implements Dialect.Tree {
    private final Map<String, String> parentOf = new HashMap<>();
    private final Map<String, String> rootOf = new HashMap<>();
    private String prevNode;

    void add(String id, String parentId) {
      parentOf.put(id, parentId);
      rootOf.put(id, parentId == null ? id : rootOf.getOrDefault(parentId, parentId));
    }

    @Override
    public String parentOf(String id) {
      return parentOf.get(id);
    }

    @Override
    public String rootOf(String id) {
      return rootOf.get(id);
    }

    @Override
    public String previousNode() {
      return prevNode;
    }
  }

  /** Reads pi lines from {@code in} and writes grove lines to {@code out}; problems are kept. */
  void convert(Lines in, Writer out, String sourceFile) throws IOException {
    Kept tree = new Kept();
    int lines =
        Convert.lines(
            in, out, problems, (line, lineNo) -> convertLine(line, lineNo, sourceFile, tree));
    if (lines == 0) {
      problems.add(new Problem(1, "the file is empty: it has no pi session header"));
    }
  }

  /** The file's format version, known once its header was converted. */
  int version() {
    return version;
  }

  /** {@code id} with labels in pi's chain skipped: the node a child of a label hangs below. */
  String resolve(String id) {
    // a label's parent is resolved when the label is read, so a chain is longer than one step
    // only in a file whose labels name labels that come later: a cycle there ends the walk
    for (int steps = 0; id != null && steps <= alias.size(); steps++) {
      String to = alias.get(id);
      if (to == null) {
        return id;
      }
      id = to == ROOT ? null : to;
    }
    return id;
  }

  /** What {@link #alias} maps a label at a root to (a concurrent map holds no null). */
  @SuppressWarnings("StringEquality")
  private static final String ROOT = new String("");

  boolean hasLabels() {
    return !alias.isEmpty();
  }

  /**
   * One pi line as a grove line.
   *
   * @param tree what is known of the lines before, which are given in file order; null when a line
   *     of a file read in place is read again (its summaries' spans are then the ones kept)
   */
  String convertLine(String line, int lineNo, String sourceFile, Dialect.Tree tree) throws Bad {
    JsonNode n = Convert.object(line, "pi entry");
    String type = n.path("type").asText("");
    if (lineNo == 1) {
      if (!type.equals("session")) {
        throw new Bad("the first line is not a pi session header");
      }
      version = n.path("version").asInt(1);
      ObjectNode h = JSON.createObjectNode();
      h.put("type", "session");
      h.put("version", 1);
      h.put("id", text(n, "id", "pi-session"));
      h.put("createdAt", Convert.instant(n.get("timestamp"), "the header").toString());
      h.put("cwd", n.path("cwd").asText(null));
      ObjectNode src = h.putObject("importedFrom");
      src.put("tool", "pi");
      src.put("version", version);
      src.put("file", sourceFile);
      if (n.hasNonNull("parentSession")) {
        src.put("parentSession", n.get("parentSession").asText());
      }
      return h.toString();
    }
    if (type.isEmpty()) {
      throw new Bad("pi entry has no type");
    }
    if (type.equals("session")) {
      throw new Bad("a second pi session header (only the first line is one)");
    }
    String id;
    String rawParent;
    if (version < 2) {
      id = String.format("%08x", lineNo);
      rawParent = lastV1Id;
      lastV1Id = id;
      idOfLine.put(lineNo, id);
    } else {
      id = n.path("id").asText("");
      if (id.isEmpty()) {
        throw new Bad("pi " + type + " entry has no id");
      }
      rawParent = n.hasNonNull("parentId") ? n.get("parentId").asText() : null;
    }
    String parentId = resolve(rawParent);
    Instant ts =
        n.hasNonNull("timestamp") ? Convert.instant(n.get("timestamp"), "entry " + id) : null;
    entries++;
    if (type.equals("label")) {
      String target = resolve(n.path("targetId").asText(null));
      if (target == null) {
        throw new Bad("pi label " + id + " has no targetId");
      }
      if (tree != null) {
        alias.put(id, parentId == null ? ROOT : parentId);
      }
      return new Entry(id, target, ts, LANE, false, new Body.Label(target, label(n)), lineNo)
          .toJson();
    }
    if (tree instanceof Kept kept) {
      kept.add(id, parentId);
    }
    String json;
    try {
      json =
          switch (type) {
            case "message" -> message(n, id, parentId, ts, lineNo);
            case "custom_message" ->
                node(id, parentId, ts, Body.Message.of(Role.USER, blocksText(n.get("content"))));
            case "branch_summary" -> branchSummary(n, id, parentId, ts, tree);
            case "compaction" -> compaction(n, id, parentId, ts, tree);
            case "model_change", "thinking_level_change", "session_info", "custom" ->
                event(n, id, parentId, ts, type);
            default -> unknown(n, id, parentId, ts, type);
          };
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new Bad("pi " + type + " entry " + id + ": " + e.getMessage());
    }
    if (tree instanceof Kept kept) {
      kept.prevNode = id;
    }
    return json;
  }

  /**
   * A summary's span: worked out from {@code tree} (and kept, for a file read in place), or the one
   * kept when the line is read again.
   */
  private Span span(
      String id, Dialect.Tree tree, java.util.function.Function<Dialect.Tree, Span> work)
      throws Bad {
    if (tree == null) {
      Span kept = spans == null ? null : spans.get(id);
      if (kept == null) {
        throw new Bad("summary " + id + " was not indexed (was the file rewritten?)");
      }
      return kept;
    }
    Span span = work.apply(tree);
    if (spans != null) {
      spans.put(id, span);
    }
    return span;
  }

  private static String label(JsonNode n) {
    JsonNode l = n.get("label");
    return l == null || l.isNull() ? "" : l.asText();
  }

  private static String node(String id, String parentId, Instant ts, Body body) {
    return new Entry(id, parentId, ts, LANE, false, body, 0).toJson();
  }

  private static String withExtra(String json, JsonNode extra) {
    return Convert.withExtra(json, "pi", extra);
  }

  private String message(JsonNode n, String id, String parentId, Instant ts, int lineNo)
      throws Bad {
    JsonNode m = n.get("message");
    if (m == null || !m.isObject()) {
      throw new Bad("pi message " + id + " has no message object");
    }
    String role = m.path("role").asText("");
    ObjectNode extra = JSON.createObjectNode();
    JsonNode content = m.get("content");
    keepBlocks(content, extra);
    return switch (role) {
      case "user" ->
          withExtra(node(id, parentId, ts, Body.Message.of(Role.USER, blocksText(content))), extra);
      case "assistant" -> {
        List<ToolCall> calls = new ArrayList<>();
        if (content != null && content.isArray()) {
          for (JsonNode b : content) {
            if ("toolCall".equals(b.path("type").asText())) {
              JsonNode args = b.get("arguments");
              calls.add(
                  new ToolCall(
                      b.path("id").asText(""),
                      b.path("name").asText(""),
                      args == null || args.isNull() ? "{}" : args.toString()));
            }
          }
        }
        String text = blocksText(content);
        String model = m.hasNonNull("model") ? m.get("model").asText() : null;
        if (model != null && m.hasNonNull("provider")) {
          model = m.get("provider").asText() + ":" + model;
        }
        JsonNode u = m.get("usage");
        Usage usage = null;
        if (u != null && u.isObject()) {
          usage =
              new Usage(
                  Math.max(0, u.path("input").asLong(0)),
                  Math.max(0, u.path("output").asLong(0)),
                  Math.max(0, u.path("cost").path("total").asDouble(0)));
          extra.set("usage", u);
        }
        for (String k : List.of("api", "stopReason", "errorMessage")) {
          if (m.hasNonNull(k)) {
            extra.set(k, m.get(k));
          }
        }
        yield withExtra(
            node(
                id,
                parentId,
                ts,
                new Body.Message(
                    Role.ASSISTANT,
                    calls.isEmpty() || !text.isEmpty() ? text : null,
                    calls,
                    null,
                    false,
                    model,
                    usage,
                    null)),
            extra);
      }
      case "toolResult" -> {
        if (m.hasNonNull("toolName")) {
          extra.put("toolName", m.get("toolName").asText());
        }
        yield withExtra(
            node(
                id,
                parentId,
                ts,
                Body.Message.toolResult(
                    m.path("toolCallId").asText(""),
                    blocksText(content),
                    m.path("isError").asBoolean(false))),
            extra);
      }
      case "bashExecution" -> {
        if (m.path("excludeFromContext").asBoolean(false)) {
          yield event(n, id, parentId, ts, "message.bashExecution");
        }
        yield withExtra(
            node(id, parentId, ts, Body.Message.of(Role.USER, bashText(m))), bashExtra(m));
      }
      case "custom", "hookMessage" ->
          withExtra(node(id, parentId, ts, Body.Message.of(Role.USER, blocksText(content))), extra);
      default -> unknown(n, id, parentId, ts, "message");
    };
  }

  private static ObjectNode bashExtra(JsonNode m) {
    ObjectNode o = JSON.createObjectNode();
    o.put("role", "bashExecution");
    for (String k : List.of("command", "exitCode", "cancelled", "truncated", "fullOutputPath")) {
      if (m.has(k)) {
        o.set(k, m.get(k));
      }
    }
    return o;
  }

  /** The text pi sends the model for a command the user ran ({@code bashExecutionToText}). */
  static String bashText(JsonNode m) {
    StringBuilder t = new StringBuilder("Ran `").append(m.path("command").asText("")).append("`\n");
    String output = m.path("output").asText("");
    if (!output.isEmpty()) {
      t.append("```\n").append(output).append("\n```");
    } else {
      t.append("(no output)");
    }
    if (m.path("cancelled").asBoolean(false)) {
      t.append("\n\n(command cancelled)");
    } else if (m.hasNonNull("exitCode") && m.get("exitCode").asInt() != 0) {
      t.append("\n\nCommand exited with code ").append(m.get("exitCode").asInt());
    }
    if (m.path("truncated").asBoolean(false) && m.hasNonNull("fullOutputPath")) {
      t.append("\n\n[Output truncated. Full output: ")
          .append(m.get("fullOutputPath").asText())
          .append("]");
    }
    return t.toString();
  }

  /** The text blocks of pi content (a string, or an array of blocks), joined by newlines. */
  static String blocksText(JsonNode content) {
    if (content == null || content.isNull()) {
      return "";
    }
    if (content.isTextual()) {
      return content.asText();
    }
    StringBuilder sb = new StringBuilder();
    for (JsonNode b : content) {
      if ("text".equals(b.path("type").asText())) {
        if (!sb.isEmpty()) {
          sb.append('\n');
        }
        sb.append(b.path("text").asText(""));
      }
    }
    return sb.toString();
  }

  /** Thinking and image blocks, which grove's message has no field for. */
  private static void keepBlocks(JsonNode content, ObjectNode extra) {
    if (content == null || !content.isArray()) {
      return;
    }
    for (JsonNode b : content) {
      String t = b.path("type").asText();
      if (t.equals("thinking") || t.equals("image")) {
        extra.withArray("blocks").add(b);
      }
    }
  }

  private String branchSummary(
      JsonNode n, String id, String parentId, Instant ts, Dialect.Tree tree) throws Bad {
    String fromRaw = n.path("fromId").asText(null);
    Span span =
        span(
            id,
            tree,
            t -> {
              String from = resolve("root".equals(fromRaw) ? null : fromRaw);
              // The abandoned branch: the node before this one in file order (pi's leaf then),
              // walked up to the child of the branch point.
              String prevNode = t.previousNode();
              String first = null;
              for (String cur = prevNode; cur != null; cur = t.parentOf(cur)) {
                String p = t.parentOf(cur);
                if (p != null ? p.equals(from) : from == null) {
                  first = cur;
                  break;
                }
              }
              String fromId =
                  first != null ? first : from != null ? from : parentId != null ? parentId : id;
              String toId = first != null ? prevNode : fromId;
              return new Span(fromId.equals(id) ? null : Body.SummaryKind.BRANCH, fromId, toId);
            });
    ObjectNode extra = JSON.createObjectNode();
    extra.put("fromId", fromRaw);
    if (n.has("details")) {
      extra.set("details", n.get("details"));
    }
    if (span.kind() == null) {
      return event(n, id, parentId, ts, "branch_summary");
    }
    return withExtra(
        node(
            id,
            parentId,
            ts,
            new Body.Summary(span.kind(), span.from(), span.to(), n.path("summary").asText(""))),
        extra);
  }

  private String compaction(JsonNode n, String id, String parentId, Instant ts, Dialect.Tree tree)
      throws Bad {
    String firstKept;
    if (version < 2 && n.has("firstKeptEntryIndex")) {
      // version 1 counted entries from the header (index 0 is the header, line 1)
      firstKept = idOfLine.get(n.get("firstKeptEntryIndex").asInt() + 1);
    } else {
      firstKept = resolve(n.path("firstKeptEntryId").asText(null));
    }
    Span span =
        span(
            id,
            tree,
            t -> {
              // Walks up only as far as the first kept entry (usually recent); the root comes
              // from the tree.
              boolean onPath = false;
              for (String c = parentId; c != null && firstKept != null; c = t.parentOf(c)) {
                if (c.equals(firstKept)) {
                  onPath = true;
                  break;
                }
              }
              String keptParent = onPath ? t.parentOf(firstKept) : null;
              if (keptParent == null) {
                // nothing before the first kept entry on this path: pi keeps everything and adds
                // the summary in front; grove keeps the summary where it stands
                String at = parentId == null ? id : parentId;
                return new Span(Body.SummaryKind.BRANCH, at, at);
              }
              return new Span(Body.SummaryKind.COMPACTION, t.rootOf(keptParent), keptParent);
            });
    ObjectNode extra = JSON.createObjectNode();
    extra.put("firstKeptEntryId", firstKept);
    if (n.has("tokensBefore")) {
      extra.set("tokensBefore", n.get("tokensBefore"));
    }
    return withExtra(
        node(
            id,
            parentId,
            ts,
            new Body.Summary(span.kind(), span.from(), span.to(), n.path("summary").asText(""))),
        extra);
  }

  private static String event(JsonNode n, String id, String parentId, Instant ts, String type) {
    ObjectNode data = ((ObjectNode) n).deepCopy();
    data.remove(List.of("type", "id", "parentId", "timestamp"));
    return node(id, parentId, ts, new Body.Event("pi." + type, data));
  }

  /** An entry of a type grove does not know: kept as that type, with pi's fields. */
  private static String unknown(JsonNode n, String id, String parentId, Instant ts, String type) {
    ObjectNode o = JSON.createObjectNode();
    o.put("type", type.equals("message") ? "pi.message" : type);
    o.put("id", id);
    o.put("parentId", parentId);
    if (ts != null) {
      o.put("ts", ts.toString());
    }
    o.put("lane", LANE);
    ObjectNode data = ((ObjectNode) n).deepCopy();
    data.remove(List.of("type", "id", "parentId", "timestamp"));
    o.set("pi", data);
    return o.toString();
  }

  private static String text(JsonNode n, String field, String fallback) {
    JsonNode v = n.get(field);
    return v == null || !v.isTextual() || v.asText().isBlank() ? fallback : v.asText();
  }
}
