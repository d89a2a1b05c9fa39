package dev.grove.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.grove.session.Body;
import dev.grove.session.Entry;
import dev.grove.session.Node;
import dev.grove.session.ToolCall;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;

/** JSON output for {@code --json}: one mapper, and the shapes of session values. */
final class Json {
  static final ObjectMapper MAPPER = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
      .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);

  private Json() {}

  static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  static ArrayNode array() {
    return MAPPER.createArrayNode();
  }

  static void print(PrintWriter out, Object value) {
    try {
      out.println(MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(value));
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static ObjectNode node(Node n) {
    ObjectNode o = object();
    o.put("id", n.id());
    o.put("parentId", n.parentId());
    o.put("lane", n.lane());
    o.put("type", n.type());
    o.put("role", n.role() == null ? null : n.role().wireName());
    o.put("line", n.line());
    o.put("children", n.children());
    return o;
  }

  /** An entry as JSON, in the shape of its line in the file. */
  static ObjectNode entry(Entry e) {
    ObjectNode o = object();
    o.put("type", e.type());
    o.put("id", e.id());
    o.put("parentId", e.parentId());
    o.put("ts", e.ts() == null ? null : e.ts().toString());
    o.put("lane", e.lane());
    if (e.contextRoot()) {
      o.put("contextRoot", true);
    }
    o.put("line", e.line());
    switch (e.body()) {
      case Body.Message m -> {
        o.put("role", m.role().wireName());
        if (m.toolCallId() != null) {
          o.put("toolCallId", m.toolCallId());
        }
        if (m.isError()) {
          o.put("isError", true);
        }
        if (m.model() != null) {
          o.put("model", m.model());
        }
        if (m.checkpoint() != null) {
          o.put("checkpoint", m.checkpoint());
        }
        if (m.usage() != null) {
          ObjectNode u = o.putObject("usage");
          u.put("inputTokens", m.usage().inputTokens());
          u.put("outputTokens", m.usage().outputTokens());
          u.put("cost", m.usage().cost());
        }
        o.put("content", m.content());
        if (!m.toolCalls().isEmpty()) {
          ArrayNode calls = o.putArray("toolCalls");
          for (ToolCall c : m.toolCalls()) {
            ObjectNode call = calls.addObject();
            call.put("id", c.id());
            call.put("name", c.name());
            try {
              call.set("arguments", MAPPER.readTree(c.arguments()));
            } catch (IOException notJson) {
              call.put("arguments", c.arguments());
            }
          }
        }
      }
      case Body.Label l -> {
        o.put("targetId", l.targetId());
        o.put("label", l.label());
      }
      case Body.Head h -> o.put("targetId", h.targetId());
      case Body.Summary s -> {
        o.put("kind", s.kind().wireName());
        o.put("fromId", s.fromId());
        o.put("toId", s.toId());
        o.put("summary", s.summary());
      }
      case Body.Event ev -> {
        o.put("kind", ev.kind());
        o.set("data", ev.data());
      }
      case Body.Unknown u -> {
        try {
          o.set("raw", MAPPER.readTree(u.json()));
        } catch (IOException notJson) {
          o.put("raw", u.json());
        }
      }
    }
    return o;
  }
}
