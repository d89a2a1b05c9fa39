package dev.grove.model;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.grove.session.Body;
import dev.grove.session.ToolCall;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonRawSchema;
import dev.langchain4j.model.chat.request.json.JsonSchemaElement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Maps grove's messages and tools to LangChain4j's, per protocol, and LangChain4j's reply back.
 * LangChain4j then speaks each provider's wire format: for Anthropic the system messages go apart
 * and consecutive tool results become one user message of {@code tool_result} blocks (with {@code
 * is_error}); OpenAI and Ollama have no error flag on tool results, so a failed result's text is
 * marked instead.
 */
final class Wire {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final String ERROR_MARK = "Error: ";

  private Wire() {}

  static ChatRequest request(ModelRequest request, ProviderConfig.Protocol protocol) {
    ChatRequest.Builder b = ChatRequest.builder().messages(messages(request.messages(), protocol));
    if (!request.tools().isEmpty()) {
      b.toolSpecifications(request.tools().stream().map(Wire::tool).toList());
    }
    return b.build();
  }

  static List<ChatMessage> messages(List<Body.Message> messages, ProviderConfig.Protocol protocol) {
    Map<String, String> toolNames = new HashMap<>();
    for (Body.Message m : messages) {
      m.toolCalls().forEach(c -> toolNames.put(c.id(), c.name()));
    }
    List<ChatMessage> out = new ArrayList<>(messages.size());
    for (Body.Message m : messages) {
      String text = m.content() == null ? "" : m.content();
      switch (m.role()) {
        case SYSTEM -> {
          if (!text.isBlank()) {
            out.add(SystemMessage.from(text));
          }
        }
        case USER -> out.add(UserMessage.from(text.isBlank() ? "(empty message)" : text));
        case ASSISTANT -> {
          List<ToolExecutionRequest> calls =
              m.toolCalls().stream()
                  .map(
                      c ->
                          ToolExecutionRequest.builder()
                              .id(c.id())
                              .name(c.name())
                              .arguments(
                                  protocol == ProviderConfig.Protocol.OPENAI
                                      ? c.arguments()
                                      : objectArguments(c.arguments()))
                              .build())
                  .toList();
          AiMessage.Builder ai =
              AiMessage.builder()
                  .text(text.isBlank() ? (calls.isEmpty() ? "(no reply)" : null) : text);
          if (!calls.isEmpty()) {
            ai.toolExecutionRequests(calls);
          }
          out.add(ai.build());
        }
        case TOOL -> {
          boolean flagged = protocol == ProviderConfig.Protocol.ANTHROPIC;
          String result =
              m.isError() && !flagged && !text.regionMatches(true, 0, "error", 0, 5)
                  ? ERROR_MARK + text
                  : text;
          out.add(
              ToolExecutionResultMessage.builder()
                  .id(m.toolCallId())
                  .toolName(toolNames.getOrDefault(m.toolCallId(), "unknown"))
                  .text(result)
                  .isError(m.isError())
                  .build());
        }
      }
    }
    return out;
  }

  /**
   * Anthropic and Ollama carry arguments as a JSON object; a model's earlier malformed output (kept
   * as text in the session) is sent as {@code {"invalid_json": "…"}} so the conversation can still
   * be sent.
   */
  static String objectArguments(String arguments) {
    try {
      JsonNode n = JSON.readTree(arguments);
      if (n != null && n.isObject()) {
        return arguments;
      }
    } catch (JacksonException notJson) {
      // wrapped below
    }
    ObjectNode o = JSON.createObjectNode();
    o.put("invalid_json", arguments);
    return o.toString();
  }

  /**
   * A tool: its schema's properties become raw schema elements, so every provider gets them as
   * written.
   */
  static ToolSpecification tool(ToolSpec spec) {
    JsonNode schema;
    try {
      schema = JSON.readTree(spec.parametersJsonSchema());
    } catch (JacksonException e) {
      throw new IllegalStateException("checked in ToolSpec", e);
    }
    JsonObjectSchema.Builder params = JsonObjectSchema.builder();
    if (schema.path("description").isTextual()) {
      params.description(schema.get("description").asText());
    }
    Map<String, JsonSchemaElement> props = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it =
            schema.path("properties").properties().iterator();
        it.hasNext(); ) {
      Map.Entry<String, JsonNode> p = it.next();
      props.put(p.getKey(), JsonRawSchema.from(p.getValue().toString()));
    }
    params.addProperties(props);
    List<String> required = new ArrayList<>();
    schema.path("required").forEach(r -> required.add(r.asText()));
    params.required(required);
    if (schema.path("additionalProperties").isBoolean()) {
      params.additionalProperties(schema.get("additionalProperties").asBoolean());
    }
    JsonNode defs = schema.has("$defs") ? schema.get("$defs") : schema.get("definitions");
    if (defs != null && defs.isObject()) {
      Map<String, JsonSchemaElement> d = new LinkedHashMap<>();
      defs.properties()
          .iterator()
          .forEachRemaining(e -> d.put(e.getKey(), JsonRawSchema.from(e.getValue().toString())));
      params.definitions(d);
    }
    return ToolSpecification.builder()
        .name(spec.name())
        .description(spec.description())
        .parameters(params.build())
        .build();
  }

  /**
   * JSON without layout (LangChain4j pretty-prints some providers' arguments); anything else as it
   * is.
   */
  private static String compact(String json) {
    try {
      JsonNode n = JSON.readTree(json);
      return n == null ? json : n.toString();
    } catch (JacksonException notJson) {
      return json;
    }
  }

  /** The tool calls of a reply; a call without an id (Ollama gives none) gets a fresh one. */
  static List<ToolCall> toolCalls(AiMessage ai, java.util.random.RandomGenerator random) {
    if (ai == null || !ai.hasToolExecutionRequests()) {
      return List.of();
    }
    List<ToolCall> calls = new ArrayList<>();
    for (ToolExecutionRequest r : ai.toolExecutionRequests()) {
      String id =
          r.id() == null || r.id().isBlank()
              ? "call_" + Long.toHexString(random.nextLong() & 0xffffffffffffL)
              : r.id();
      String args =
          r.arguments() == null || r.arguments().isBlank() ? "{}" : compact(r.arguments());
      calls.add(new ToolCall(id, r.name(), args));
    }
    return calls;
  }
}
