package dev.grove.adversarial;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.util.List;

/**
 * A model server on loopback speaking OpenAI's chat completions, playing a hostile model: each
 * reply is chosen by how far the conversation has got (the tool result it already holds), and by
 * whether it is the orchestrator agent's (it offers {@code spawn_agent}) or a coding agent's.
 */
final class OpenAiStub implements AutoCloseable {
  static final String PATH = "/v1/chat/completions";
  final WireMockServer server =
      new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
  private int priority = 100;

  OpenAiStub() {
    server.start();
  }

  /** The base URL grove is given ({@code base-url}). */
  String baseUrl() {
    return server.baseUrl() + "/v1";
  }

  /** Whose conversation a reply answers. */
  enum Agent {
    ANY,
    ORCHESTRATOR,
    CODER
  }

  /**
   * Replies with {@code response} to {@code agent}'s conversation once it holds the result of the
   * call {@code afterCall} (null: from its start). Turns given later win over earlier ones when
   * both match.
   */
  OpenAiStub turn(Agent agent, String afterCall, ResponseDefinitionBuilder response) {
    MappingBuilder m = post(urlPathEqualTo(PATH)).atPriority(priority--);
    if (afterCall != null) {
      m =
          m.withRequestBody(
              matchingJsonPath("$.messages[?(@.tool_call_id == '" + afterCall + "')]"));
    }
    String spawn = "$.tools[?(@.function.name == 'spawn_agent')]";
    m =
        switch (agent) {
          case ANY -> m;
          case ORCHESTRATOR -> m.withRequestBody(matchingJsonPath(spawn));
          case CODER -> m.withRequestBody(matchingJsonPath(spawn, absent()));
        };
    server.stubFor(m.willReturn(response));
    return this;
  }

  /**
   * Replies with {@code response} to the coding agent whose task holds {@code task}, once it holds
   * the result of {@code afterCall}.
   */
  OpenAiStub turnFor(String task, String afterCall, ResponseDefinitionBuilder response) {
    MappingBuilder m =
        post(urlPathEqualTo(PATH))
            .atPriority(priority--)
            .withRequestBody(
                matchingJsonPath("$.messages[?(@.role == 'user' && @.content == '" + task + "')]"));
    if (afterCall != null) {
      m =
          m.withRequestBody(
              matchingJsonPath("$.messages[?(@.tool_call_id == '" + afterCall + "')]"));
    }
    server.stubFor(m.willReturn(response));
    return this;
  }

  /**
   * Replies with a text to requests containing {@code text} ({@code grove model check}'s prompt,
   * say), before any turn.
   */
  OpenAiStub answer(String text, String reply) {
    server.stubFor(
        post(urlPathEqualTo(PATH))
            .atPriority(1)
            .withRequestBody(containing(text))
            .willReturn(okJson(completion(message(reply, new String[0])))));
    return this;
  }

  OpenAiStub turn(Agent agent, String afterCall, String message) {
    return turn(agent, afterCall, okJson(completion(message)));
  }

  /** A chat completion holding {@code message} (an assistant message as JSON). */
  static String completion(String message) {
    return """
        {"id":"chatcmpl-1","object":"chat.completion","created":1764000000,"model":"gpt-4.1-2025-04-14",
         "choices":[{"index":0,"message":%s,"finish_reason":"stop"}],
         "usage":{"prompt_tokens":100,"completion_tokens":10,"total_tokens":110}}
        """
        .formatted(message);
  }

  /**
   * An assistant message with {@code text} (may be null) and tool calls given as id, name,
   * arguments JSON.
   */
  static String message(String text, String... idNameArguments) {
    ObjectNode m = Scripted.JSON.createObjectNode().put("role", "assistant");
    if (text == null) {
      m.putNull("content");
    } else {
      m.put("content", text);
    }
    if (idNameArguments.length > 0) {
      ArrayNode calls = m.putArray("tool_calls");
      for (int i = 0; i < idNameArguments.length; i += 3) {
        ObjectNode c = calls.addObject().put("id", idNameArguments[i]).put("type", "function");
        c.putObject("function")
            .put("name", idNameArguments[i + 1])
            .put("arguments", idNameArguments[i + 2]);
      }
    }
    return m.toString();
  }

  /** JSON arguments from name, value pairs of strings. */
  static String args(String... nameValue) {
    ObjectNode a = Scripted.JSON.createObjectNode();
    for (int i = 0; i < nameValue.length; i += 2) {
      a.put(nameValue[i], nameValue[i + 1]);
    }
    return a.toString();
  }

  List<LoggedRequest> requests() {
    return server.findAll(anyRequestedFor(anyUrl()));
  }

  @Override
  public void close() {
    server.stop();
  }
}
