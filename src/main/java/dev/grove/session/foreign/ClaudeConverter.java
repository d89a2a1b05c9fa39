package dev.grove.session.foreign;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.grove.session.Body;
import dev.grove.session.Entry;
import dev.grove.session.Problem;
import dev.grove.session.Role;
import dev.grove.session.ToolCall;
import dev.grove.session.Usage;
import dev.grove.session.foreign.Convert.Bad;
import java.io.IOException;
import java.io.InputStream;
import java.io.Writer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Claude Code transcripts ({@code ~/.claude/projects/<dir>/<session>.jsonl}) as grove sessions.
 * Claude Code has no header line, so the grove file starts with one made from the records, and
 * grove line {@code n + 1} holds source line {@code n} ({@link #SHIFT}). Two passes over the file:
 * the first gathers the header and where the records of each streamed assistant message are, the
 * second writes, reading a message's records again when it reaches the first of them. Memory holds
 * one message's blocks at a time (at most {@link #MAX_MESSAGE} bytes of records), whatever the
 * file's size.
 *
 * <ul>
 *   <li>An assistant message streamed over several records (same {@code message.id}, chained
 *       through {@code parentUuid}) becomes one grove assistant message at its first record, with
 *       all its text and tool calls; the later records become events {@code claude.assistant.part}.
 *   <li>A {@code tool_result} block becomes a grove tool message with the matching toolCallId.
 *       Results of parallel tool calls, which Claude Code hangs as siblings below the records that
 *       called them, are chained one below the other, so the context holds them all.
 *   <li>A {@code compact_boundary} system record hangs below its {@code logicalParentUuid}; the
 *       {@code isCompactSummary} user record after it becomes a compaction summary covering the
 *       path up to the boundary.
 *   <li>Sidechain records ({@code isSidechain}, a subagent's conversation) go on lane {@code
 *       sidechain}, the rest on {@code main}, so main's head is the conversation's leaf.
 *   <li>A record whose {@code uuid} came before (Claude Code re-appends some records) becomes an
 *       event {@code claude.<type>.copy} below the first one.
 *   <li>Records without a {@code uuid} ({@code summary}, {@code file-history-snapshot}, …) hang
 *       below the record before them; they and every other type become events {@code claude.<type>}
 *       with the record as data, left out of context. Thinking and image blocks are kept in a
 *       {@code claude} field of their message.
 * </ul>
 */
final class ClaudeConverter extends Converter {
  /** Grove lines before source line 1: the header. */
  static final int SHIFT = 1;

  static final String MAIN = "main";
  static final String SIDECHAIN = "sidechain";
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * The records of one assistant message gathered into it, at most: a message streamed over more (a
   * damaged or hostile file) keeps the rest as {@code claude.assistant.part} events only.
   */
  static final long MAX_MESSAGE = 64L << 20;

  /** Where the records of each assistant message are, by message id. */
  private final Map<String, Records> records = new HashMap<>();

  private FileChannel file;
  private Lines lines;

  private final Map<String, String> group = new HashMap<>(); // record uuid → its turn's key
  private final Map<String, String> tail = new HashMap<>(); // turn key → last grove node in it
  private final Map<String, String> callTurn = new HashMap<>(); // tool_use id → turn key
  private final Map<String, String> parentOf = new HashMap<>();
  private final Map<String, String> rootOf = new HashMap<>();
  private final Map<String, String> boundaryOf = new HashMap<>(); // compact boundary uuid → itself
  private String prevNode;
  private String sessionId;
  private String cwd;
  private Instant created;

  /** The records of one assistant message: offsets and lengths in the file. */
  private static final class Records {
    long[] start = new long[2];
    int[] bytes = new int[2];
    int count;
    boolean written;

    void add(long at, int length) {
      if (count == start.length) {
        start = java.util.Arrays.copyOf(start, count * 2);
        bytes = java.util.Arrays.copyOf(bytes, count * 2);
      }
      start[count] = at;
      bytes[count] = length;
      count++;
    }
  }

  /** One assistant message's blocks, in file order, and its last record's usage and model. */
  private static final class Streamed {
    final ArrayNode blocks = JSON.createArrayNode();
    JsonNode usage;
    String model;

    /** A record's part of the message: its blocks; its usage and model, the latest so far. */
    void add(JsonNode m) {
      JsonNode c = m.get("content");
      if (c != null && c.isArray()) {
        blocks.addAll((ArrayNode) c);
      } else if (c != null && c.isTextual()) {
        blocks.addObject().put("type", "text").put("text", c.asText());
      }
      if (m.hasNonNull("usage")) {
        usage = m.get("usage");
      }
      if (m.hasNonNull("model")) {
        model = m.get("model").asText();
      }
    }
  }

  void convert(Path source, Writer out) throws IOException {
    firstPass(source);
    ObjectNode h = JSON.createObjectNode();
    h.put("type", "session");
    h.put("version", 1);
    h.put("id", sessionId == null ? "claude-session" : sessionId);
    h.put("createdAt", (created == null ? Instant.EPOCH : created).toString());
    h.put("cwd", cwd);
    ObjectNode src = h.putObject("importedFrom");
    src.put("tool", "claude");
    src.put("file", source.toAbsolutePath().toString());
    out.write(h.toString());
    out.write('\n');
    int count;
    try (FileChannel ch = FileChannel.open(source);
        Lines in = new Lines(Files.newInputStream(source))) {
      file = ch;
      lines = in;
      count = Convert.lines(in, out, problems, (line, lineNo) -> convertLine(parse(line), lineNo));
    } finally {
      file = null;
      lines = null;
    }
    if (count == 0) {
      problems.add(new Problem(1, "the file is empty: it has no Claude Code record"));
    }
  }

  /** The header's fields and the blocks of every assistant message; damaged lines are skipped. */
  private void firstPass(Path source) throws IOException {
    try (InputStream is = Files.newInputStream(source);
        Lines in = new Lines(is)) {
      while (true) {
        String line;
        try {
          line = in.next();
        } catch (Lines.NotUtf8 e) {
          continue;
        }
        if (line == null) {
          break;
        }
        JsonNode n;
        try {
          n = line.isBlank() ? null : parse(line);
        } catch (Bad bad) {
          continue;
        }
        if (n == null) {
          continue;
        }
        if (sessionId == null && n.hasNonNull("sessionId")) {
          sessionId = n.get("sessionId").asText();
        }
        if (cwd == null && n.hasNonNull("cwd")) {
          cwd = n.get("cwd").asText();
        }
        if (created == null && n.hasNonNull("timestamp")) {
          try {
            created = Instant.parse(n.get("timestamp").asText());
          } catch (DateTimeParseException e) {
            // the second pass reports it with its line
          }
        }
        JsonNode m = n.path("message");
        if ("assistant".equals(n.path("type").asText()) && m.hasNonNull("id")) {
          records
              .computeIfAbsent(m.get("id").asText(), k -> new Records())
              .add(in.lineStart(), in.lineBytes());
        }
      }
    }
  }

  private static JsonNode parse(String line) throws Bad {
    return Convert.object(line, "Claude Code record");
  }

  private String convertLine(JsonNode n, int lineNo) throws Bad {
    String type = n.path("type").asText("");
    if (type.isEmpty()) {
      throw new Bad("Claude Code record has no type");
    }
    Instant ts =
        n.hasNonNull("timestamp")
            ? Convert.instant(n.get("timestamp"), "Claude Code " + type + " record")
            : null;
    String lane = n.path("isSidechain").asBoolean(false) ? SIDECHAIN : MAIN;
    entries++;
    if (!n.hasNonNull("uuid")) {
      // summary, file-history-snapshot and the like: kept below the record before them
      String id = String.format("line-%08d", lineNo);
      String json = event(n, id, prevNode, ts, lane, type);
      link(id, prevNode);
      prevNode = id;
      return json;
    }
    String id = n.get("uuid").asText();
    if (id.isBlank()) {
      throw new Bad("Claude Code " + type + " record has an empty uuid");
    }
    if (parentOf.containsKey(id)) {
      // a copy of a record already read (Claude Code re-appends some): kept below the original
      String copy = String.format("line-%08d", lineNo);
      link(copy, id);
      return event(n, copy, id, ts, lane, type + ".copy");
    }
    String rawParent = n.hasNonNull("parentUuid") ? n.get("parentUuid").asText() : null;
    if (rawParent == null && "compact_boundary".equals(n.path("subtype").asText())) {
      rawParent = n.hasNonNull("logicalParentUuid") ? n.get("logicalParentUuid").asText() : null;
      boundaryOf.put(id, id);
    }
    String parentKey = rawParent == null ? null : group.get(rawParent);
    String parent = parentKey != null ? tail.get(parentKey) : rawParent;
    String json;
    try {
      json =
          switch (type) {
            case "assistant" -> assistant(n, id, ts, lane, parentKey, parent);
            case "user" -> user(n, id, ts, lane, rawParent, parent);
            default -> {
              link(id, parent);
              yield event(n, id, parent, ts, lane, type);
            }
          };
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new Bad("Claude Code " + type + " record " + id + ": " + e.getMessage());
    }
    prevNode = id;
    return json;
  }

  private void link(String id, String parent) {
    parentOf.put(id, parent);
    rootOf.put(id, parent == null ? id : rootOf.getOrDefault(parent, parent));
  }

  private void join(String key, String id) {
    group.put(id, key);
    tail.put(key, id);
  }

  private String assistant(
      JsonNode n, String id, Instant ts, String lane, String parentKey, String parent) {
    JsonNode m = n.path("message");
    String key = m.hasNonNull("id") ? m.get("id").asText() : "uuid:" + id;
    Records where = records.get(key);
    link(id, parent);
    join(key, id);
    if (where != null && where.written) {
      ObjectNode data = JSON.createObjectNode();
      data.put("messageId", key);
      data.set("content", m.get("content"));
      return node(id, parent, ts, lane, new Body.Event("claude.assistant.part", data));
    }
    Streamed s = new Streamed();
    if (where == null) { // no message id: this record alone
      s.add(m);
    } else {
      where.written = true;
      gather(where, s);
    }
    List<ToolCall> calls = new ArrayList<>();
    StringBuilder text = new StringBuilder();
    ObjectNode extra = JSON.createObjectNode();
    for (JsonNode b : s.blocks) {
      switch (b.path("type").asText()) {
        case "text" -> {
          if (!text.isEmpty()) {
            text.append('\n');
          }
          text.append(b.path("text").asText(""));
        }
        case "tool_use" -> {
          String callId = b.path("id").asText("");
          JsonNode in = b.get("input");
          calls.add(
              new ToolCall(
                  callId,
                  b.path("name").asText(""),
                  in == null || in.isNull() ? "{}" : in.toString()));
          callTurn.put(callId, key);
        }
        default -> extra.withArray("blocks").add(b);
      }
    }
    Usage usage = null;
    if (s.usage != null && s.usage.isObject()) {
      usage =
          new Usage(
              Math.max(0, s.usage.path("input_tokens").asLong(0)),
              Math.max(0, s.usage.path("output_tokens").asLong(0)),
              0);
      extra.set("usage", s.usage);
    }
    for (String k : List.of("requestId", "isApiErrorMessage")) {
      if (n.hasNonNull(k)) {
        extra.set(k, n.get(k));
      }
    }
    if (m.hasNonNull("stop_reason")) {
      extra.set("stop_reason", m.get("stop_reason"));
    }
    String content = calls.isEmpty() || !text.isEmpty() ? text.toString() : null;
    return withExtra(
        node(
            id,
            parent,
            ts,
            lane,
            new Body.Message(
                Role.ASSISTANT,
                content,
                calls,
                null,
                false,
                s.model == null ? null : "anthropic:" + s.model,
                usage,
                null)),
        extra);
  }

  /**
   * Reads a message's records again and adds their blocks to {@code s}, up to {@link #MAX_MESSAGE}
   * bytes. A record that cannot be read is left out here; its own line reports it.
   */
  private void gather(Records where, Streamed s) {
    long total = 0;
    for (int i = 0; i < where.count; i++) {
      total += where.bytes[i];
      if (total > MAX_MESSAGE) {
        return;
      }
      try {
        JsonNode n = parse(lines.reread(file, where.start[i], where.bytes[i]));
        s.add(n.path("message"));
      } catch (Bad | IOException e) {
        // reported when the second pass reaches that line
      }
    }
  }

  private String user(
      JsonNode n, String id, Instant ts, String lane, String rawParent, String parent) {
    JsonNode m = n.path("message");
    JsonNode content = m.get("content");
    ObjectNode extra = JSON.createObjectNode();
    if (n.path("isMeta").asBoolean(false)) {
      extra.put("isMeta", true);
    }
    if (n.path("isCompactSummary").asBoolean(false) && rawParent != null) {
      String boundary = boundaryOf.get(rawParent);
      String covered = boundary != null ? parentOf.get(boundary) : null;
      link(id, parent);
      if (covered != null) {
        extra.put("isCompactSummary", true);
        return withExtra(
            node(
                id,
                parent,
                ts,
                lane,
                new Body.Summary(
                    Body.SummaryKind.COMPACTION,
                    rootOf.get(covered),
                    boundary,
                    PiConverter.blocksText(content))),
            extra);
      }
    }
    List<JsonNode> results = new ArrayList<>();
    if (content != null && content.isArray()) {
      for (JsonNode b : content) {
        String t = b.path("type").asText();
        if (t.equals("tool_result")) {
          results.add(b);
        } else if (!t.equals("text")) {
          extra.withArray("blocks").add(b);
        }
      }
    }
    if (results.isEmpty()) {
      link(id, parent);
      return withExtra(
          node(id, parent, ts, lane, Body.Message.of(Role.USER, PiConverter.blocksText(content))),
          extra);
    }
    JsonNode r = results.get(0);
    String callId = r.path("tool_use_id").asText("");
    String key = callTurn.get(callId);
    if (key != null) {
      parent = tail.get(key); // a parallel call's result goes below the results before it
      join(key, id);
    }
    link(id, parent);
    if (results.size() > 1) {
      extra.set("moreResults", JSON.valueToTree(results.subList(1, results.size())));
    }
    if (n.has("toolUseResult")) {
      extra.set("toolUseResult", n.get("toolUseResult"));
    }
    return withExtra(
        node(
            id,
            parent,
            ts,
            lane,
            Body.Message.toolResult(
                callId, PiConverter.blocksText(r.get("content")), r.path("is_error").asBoolean())),
        extra);
  }

  private static String node(String id, String parent, Instant ts, String lane, Body body) {
    return new Entry(id, parent, ts, lane, false, body, 0).toJson();
  }

  private static String withExtra(String json, JsonNode extra) {
    return Convert.withExtra(json, "claude", extra);
  }

  private static String event(
      JsonNode n, String id, String parent, Instant ts, String lane, String type) {
    ObjectNode data = ((ObjectNode) n).deepCopy();
    data.remove(List.of("type", "uuid", "parentUuid", "timestamp"));
    return node(id, parent, ts, lane, new Body.Event("claude." + type, data));
  }
}
