package dev.grove.model;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static dev.grove.model.Fixtures.KEY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.grove.session.ToolCall;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Anthropic messages, against a WireMock server speaking its wire format. */
class AnthropicProviderTest {
  @RegisterExtension static final WireMockExtension server = Fixtures.wireMock();
  final Fixtures.Sleeps sleeps = new Fixtures.Sleeps();

  /** Through ANTHROPIC_BASE_URL given as the SDKs take it, without /v1. */
  ChatModel model() {
    return Models.create(
        "anthropic:claude-sonnet-4-5",
        Fixtures.config(),
        Map.of("ANTHROPIC_API_KEY", KEY, "ANTHROPIC_BASE_URL", server.baseUrl()),
        Fixtures.options(sleeps));
  }

  static String message(String content, int in, int out) {
    return """
        {"id":"msg_01","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929",
         "content":%s,"stop_reason":"end_turn","stop_sequence":null,
         "usage":{"input_tokens":%d,"output_tokens":%d}}
        """
        .formatted(content, in, out);
  }

  static final String TEXT =
      message("[{\"type\":\"text\",\"text\":\"The check is inverted.\"}]", 2000, 100);

  static String error(String type, String message) {
    return "{\"type\":\"error\",\"error\":{\"type\":\""
        + type
        + "\",\"message\":\""
        + message
        + "\"}}";
  }

  @Test
  void sendsSystemApartToolResultsAsUserBlocksToolsAndTheKeyHeader() {
    server.stubFor(post("/v1/messages").willReturn(okJson(TEXT)));

    model().chat(Fixtures.request());

    var requests = server.findAll(postRequestedFor(urlEqualTo("/v1/messages")));
    assertThat(requests).hasSize(1);
    assertThat(requests.get(0).getHeader("x-api-key")).isEqualTo(KEY);
    assertThat(requests.get(0).getHeader("anthropic-version")).isEqualTo("2023-06-01");
    assertThat(requests.get(0).containsHeader("Authorization")).isFalse();
    JsonNode body = Fixtures.body(requests.get(0));
    assertThat(body.path("model").asText()).isEqualTo("claude-sonnet-4-5");
    assertThat(body.path("max_tokens").asInt()).isEqualTo(8192);
    assertThat(body.at("/system/0/text").asText()).isEqualTo("You are a coding agent.");
    JsonNode m = body.get("messages");
    assertThat(m).hasSize(4);
    assertThat(m.at("/0/role").asText()).isEqualTo("user");
    assertThat(m.at("/0/content/0/text").asText()).isEqualTo("Fix the login bug");
    assertThat(m.at("/1/role").asText()).isEqualTo("assistant");
    assertThat(m.at("/1/content")).hasSize(2);
    assertThat(m.at("/1/content/0/type").asText()).isEqualTo("tool_use");
    assertThat(m.at("/1/content/0/id").asText()).isEqualTo("call_1");
    assertThat(m.at("/1/content/0/name").asText()).isEqualTo("read_file");
    assertThat(m.at("/1/content/0/input/path").asText()).isEqualTo("Login.java");
    assertThat(m.at("/1/content/1/input/command").asText()).isEqualTo("mvn test");
    // both results in one user message, the failed one flagged rather than rewritten
    assertThat(m.at("/2/role").asText()).isEqualTo("user");
    assertThat(m.at("/2/content")).hasSize(2);
    assertThat(m.at("/2/content/0/type").asText()).isEqualTo("tool_result");
    assertThat(m.at("/2/content/0/tool_use_id").asText()).isEqualTo("call_1");
    assertThat(m.at("/2/content/0/content").asText()).isEqualTo("class Login {}");
    assertThat(m.at("/2/content/0/is_error").isMissingNode()).isTrue();
    assertThat(m.at("/2/content/1/tool_use_id").asText()).isEqualTo("call_2");
    assertThat(m.at("/2/content/1/content").asText()).isEqualTo("exit 1: LoginTest failed");
    assertThat(m.at("/2/content/1/is_error").asBoolean()).isTrue();
    assertThat(m.at("/3/role").asText()).isEqualTo("user");
    assertThat(m.at("/3/content/0/text").asText()).isEqualTo("Hint: the check is inverted");

    JsonNode tools = body.get("tools");
    assertThat(tools).hasSize(2);
    assertThat(tools.at("/0/name").asText()).isEqualTo("read_file");
    assertThat(tools.at("/0/description").asText()).isEqualTo("Read a file of the worktree.");
    assertThat(tools.at("/0/input_schema/type").asText()).isEqualTo("object");
    assertThat(tools.at("/0/input_schema/properties/path/type").asText()).isEqualTo("string");
    assertThat(tools.at("/0/input_schema/required/0").asText()).isEqualTo("path");
    assertThat(tools.at("/1/input_schema/type").asText()).isEqualTo("object");
  }

  @Test
  void readsTextAndToolUseWithUsageAndPricesIt() {
    server.stubFor(
        post("/v1/messages")
            .willReturn(
                okJson(
                    message(
                        """
        [{"type":"text","text":"Reading both."},
         {"type":"tool_use","id":"toolu_01","name":"read_file","input":{"path":"a.txt"}},
         {"type":"tool_use","id":"toolu_02","name":"agent_status","input":{}}]""",
                        2000,
                        100))));

    ModelReply reply = model().chat(Fixtures.request());

    assertThat(reply.text()).isEqualTo("Reading both.");
    assertThat(reply.toolCalls())
        .containsExactly(
            new ToolCall("toolu_01", "read_file", "{\"path\":\"a.txt\"}"),
            new ToolCall("toolu_02", "agent_status", "{}"));
    assertThat(reply.model()).isEqualTo("anthropic:claude-sonnet-4-5-20250929");
    assertThat(reply.usage().inputTokens()).isEqualTo(2000);
    assertThat(reply.usage().outputTokens()).isEqualTo(100);
    assertThat(reply.usage().cost())
        .isCloseTo((2000 * 3.0 + 100 * 15.0) / 1e6, org.assertj.core.data.Offset.offset(1e-12));
  }

  @Test
  void anOverloadedProviderIsRetriedAndARateLimitWaitsForRetryAfter() {
    server.stubFor(
        post("/v1/messages")
            .inScenario("busy")
            .whenScenarioStateIs(Scenario.STARTED)
            .willReturn(
                aResponse().withStatus(529).withBody(error("overloaded_error", "Overloaded")))
            .willSetStateTo("limited"));
    server.stubFor(
        post("/v1/messages")
            .inScenario("busy")
            .whenScenarioStateIs("limited")
            .willReturn(
                aResponse()
                    .withStatus(429)
                    .withHeader("retry-after", "12")
                    .withBody(
                        error(
                            "rate_limit_error",
                            "Number of request tokens has exceeded your per-minute rate limit")))
            .willSetStateTo("ok"));
    server.stubFor(
        post("/v1/messages").inScenario("busy").whenScenarioStateIs("ok").willReturn(okJson(TEXT)));

    ModelReply reply = model().chat(Fixtures.request());

    assertThat(reply.text()).isEqualTo("The check is inverted.");
    assertThat(sleeps.waits).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(12));
  }

  @Test
  void aBadRequestFailsAtOnceWithTheProvidersMessage() {
    server.stubFor(
        post("/v1/messages")
            .willReturn(
                aResponse()
                    .withStatus(400)
                    .withBody(
                        error(
                            "invalid_request_error",
                            "messages.1.content.0.tool_use.input: Input should be a valid dictionary"))));

    assertThatThrownBy(() -> model().chat(Fixtures.request()))
        .isInstanceOfSatisfying(
            ModelException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(ModelException.Kind.BAD_REQUEST);
              assertThat(e.getMessage())
                  .isEqualTo(
                      "anthropic:claude-sonnet-4-5: the provider refused the request (HTTP 400): "
                          + "messages.1.content.0.tool_use.input: Input should be a valid dictionary");
            });
    assertThat(sleeps.waits).isEmpty();
  }

  @Test
  void anUnauthorizedKeyFailsAtOnceNamingTheVariable() {
    server.stubFor(
        post("/v1/messages")
            .willReturn(
                aResponse()
                    .withStatus(401)
                    .withBody(error("authentication_error", "invalid x-api-key"))));

    assertThatThrownBy(() -> model().chat(Fixtures.request()))
        .isInstanceOfSatisfying(
            ModelException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(ModelException.Kind.AUTH);
              assertThat(e.getMessage())
                  .isEqualTo(
                      "anthropic:claude-sonnet-4-5: the provider refused the credentials "
                          + "(HTTP 401): invalid x-api-key. Check the key in ANTHROPIC_API_KEY.");
            });
    server.verify(1, postRequestedFor(urlEqualTo("/v1/messages")));
  }

  @Test
  void malformedArgumentsKeptInTheSessionAreStillSent() {
    server.stubFor(post("/v1/messages").willReturn(okJson(TEXT)));
    var messages = new java.util.ArrayList<>(Fixtures.conversation().subList(0, 2));
    messages.add(
        new dev.grove.session.Body.Message(
            dev.grove.session.Role.ASSISTANT,
            null,
            java.util.List.of(new ToolCall("c9", "read_file", "{path: oops")),
            null,
            false,
            null,
            null,
            null));
    messages.add(dev.grove.session.Body.Message.toolResult("c9", "bad arguments: not JSON", true));

    model().chat(new ModelRequest(messages, Fixtures.tools()));

    JsonNode body =
        Fixtures.body(server.findAll(postRequestedFor(urlEqualTo("/v1/messages"))).get(0));
    assertThat(body.at("/messages/1/content/0/input/invalid_json").asText())
        .isEqualTo("{path: oops");
  }

  @Test
  void needsAKey() {
    assertThatThrownBy(
            () ->
                Models.create(
                    "anthropic:claude-sonnet-4-5",
                    Fixtures.config(),
                    Map.of(),
                    Fixtures.options(sleeps)))
        .isInstanceOfSatisfying(
            ModelException.class,
            e ->
                assertThat(e.getMessage())
                    .startsWith(
                        "anthropic:claude-sonnet-4-5 needs an API key: set ANTHROPIC_API_KEY"));
  }
}
