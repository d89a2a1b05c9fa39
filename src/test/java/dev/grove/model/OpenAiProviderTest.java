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
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** OpenAI chat completions, against a WireMock server speaking its wire format. */
class OpenAiProviderTest {
  @RegisterExtension static final WireMockExtension server = Fixtures.wireMock();
  final Fixtures.Sleeps sleeps = new Fixtures.Sleeps();

  ChatModel model() {
    return Fixtures.model(
        "openai:gpt-4.1", server.baseUrl() + "/v1", Map.of("OPENAI_API_KEY", KEY), sleeps);
  }

  static String completion(String message, int in, int out) {
    return """
        {"id":"chatcmpl-1","object":"chat.completion","created":1764000000,"model":"gpt-4.1-2025-04-14",
         "choices":[{"index":0,"message":%s,"finish_reason":"stop"}],
         "usage":{"prompt_tokens":%d,"completion_tokens":%d,"total_tokens":%d}}
        """
        .formatted(message, in, out, in + out);
  }

  static final String TEXT =
      completion("{\"role\":\"assistant\",\"content\":\"The check is inverted.\"}", 1000, 500);

  @Test
  void sendsMessagesToolCallsToolResultsToolsAndTheBearerKey() {
    server.stubFor(post("/v1/chat/completions").willReturn(okJson(TEXT)));

    model().chat(Fixtures.request());

    var requests = server.findAll(postRequestedFor(urlEqualTo("/v1/chat/completions")));
    assertThat(requests).hasSize(1);
    assertThat(requests.get(0).getHeader("Authorization")).isEqualTo("Bearer " + KEY);
    JsonNode body = Fixtures.body(requests.get(0));
    assertThat(body.path("model").asText()).isEqualTo("gpt-4.1");
    assertThat(body.has("stream") && body.get("stream").asBoolean()).isFalse();
    JsonNode m = body.get("messages");
    assertThat(m).hasSize(6);
    assertThat(m.get(0).path("role").asText()).isEqualTo("system");
    assertThat(m.get(0).path("content").asText()).isEqualTo("You are a coding agent.");
    assertThat(m.get(1).path("role").asText()).isEqualTo("user");
    JsonNode assistant = m.get(2);
    assertThat(assistant.path("role").asText()).isEqualTo("assistant");
    assertThat(assistant.path("content").isMissingNode() || assistant.path("content").isNull())
        .isTrue();
    assertThat(assistant.path("tool_calls")).hasSize(2);
    assertThat(assistant.at("/tool_calls/0/id").asText()).isEqualTo("call_1");
    assertThat(assistant.at("/tool_calls/0/type").asText()).isEqualTo("function");
    assertThat(assistant.at("/tool_calls/0/function/name").asText()).isEqualTo("read_file");
    assertThat(assistant.at("/tool_calls/0/function/arguments").asText())
        .isEqualTo("{\"path\":\"Login.java\"}");
    assertThat(assistant.at("/tool_calls/1/function/name").asText()).isEqualTo("run_command");
    assertThat(m.get(3).path("role").asText()).isEqualTo("tool");
    assertThat(m.get(3).path("tool_call_id").asText()).isEqualTo("call_1");
    assertThat(m.get(3).path("content").asText()).isEqualTo("class Login {}");
    assertThat(m.get(4).path("tool_call_id").asText()).isEqualTo("call_2");
    assertThat(m.get(4).path("content").asText()).isEqualTo("Error: exit 1: LoginTest failed");
    assertThat(m.get(5).path("content").asText()).isEqualTo("Hint: the check is inverted");

    JsonNode tools = body.get("tools");
    assertThat(tools).hasSize(2);
    assertThat(tools.at("/0/type").asText()).isEqualTo("function");
    assertThat(tools.at("/0/function/name").asText()).isEqualTo("read_file");
    assertThat(tools.at("/0/function/description").asText())
        .isEqualTo("Read a file of the worktree.");
    assertThat(tools.at("/0/function/parameters/type").asText()).isEqualTo("object");
    assertThat(tools.at("/0/function/parameters/properties/path/type").asText())
        .isEqualTo("string");
    assertThat(tools.at("/0/function/parameters/properties/path/description").asText())
        .isEqualTo("relative path");
    assertThat(tools.at("/0/function/parameters/required/0").asText()).isEqualTo("path");
    assertThat(tools.at("/1/function/name").asText()).isEqualTo("agent_status");
    assertThat(tools.at("/1/function/parameters/type").asText()).isEqualTo("object");
  }

  @Test
  void readsATextReplyWithUsageAndPricesIt() {
    server.stubFor(post("/v1/chat/completions").willReturn(okJson(TEXT)));

    ModelReply reply = model().chat(Fixtures.request());

    assertThat(reply.text()).isEqualTo("The check is inverted.");
    assertThat(reply.toolCalls()).isEmpty();
    assertThat(reply.model()).isEqualTo("openai:gpt-4.1-2025-04-14");
    assertThat(reply.usage().inputTokens()).isEqualTo(1000);
    assertThat(reply.usage().outputTokens()).isEqualTo(500);
    assertThat(reply.usage().cost())
        .isCloseTo((1000 * 2.00 + 500 * 8.00) / 1e6, org.assertj.core.data.Offset.offset(1e-12));
  }

  @Test
  void readsParallelToolCallsWithoutText() {
    server.stubFor(
        post("/v1/chat/completions")
            .willReturn(
                okJson(
                    completion(
                        """
        {"role":"assistant","content":null,"tool_calls":[
          {"id":"call_a","type":"function","function":{"name":"read_file","arguments":"{\\"path\\":\\"a.txt\\"}"}},
          {"id":"call_b","type":"function","function":{"name":"agent_status","arguments":"{}"}}]}""",
                        10,
                        5))));

    ModelReply reply = model().chat(Fixtures.request());

    assertThat(reply.text()).isNull();
    assertThat(reply.toolCalls())
        .containsExactly(
            new ToolCall("call_a", "read_file", "{\"path\":\"a.txt\"}"),
            new ToolCall("call_b", "agent_status", "{}"));
  }

  @Test
  void sendsNoToolsFieldWhenThereAreNoTools() {
    server.stubFor(post("/v1/chat/completions").willReturn(okJson(TEXT)));

    model().chat(new ModelRequest(Fixtures.conversation(), List.of()));

    JsonNode body =
        Fixtures.body(server.findAll(postRequestedFor(urlEqualTo("/v1/chat/completions"))).get(0));
    assertThat(body.has("tools")).isFalse();
  }

  @Test
  void retriesA429AfterWaitingWhatRetryAfterSays() {
    server.stubFor(
        post("/v1/chat/completions")
            .inScenario("rate")
            .whenScenarioStateIs(Scenario.STARTED)
            .willReturn(
                aResponse()
                    .withStatus(429)
                    .withHeader("Retry-After", "7")
                    .withBody(
                        "{\"error\":{\"message\":\"Rate limit reached for gpt-4.1\",\"type\":\"requests\"}}"))
            .willSetStateTo("ok"));
    server.stubFor(
        post("/v1/chat/completions")
            .inScenario("rate")
            .whenScenarioStateIs("ok")
            .willReturn(okJson(TEXT)));

    ModelReply reply = model().chat(Fixtures.request());

    assertThat(reply.text()).isEqualTo("The check is inverted.");
    assertThat(sleeps.waits).containsExactly(Duration.ofSeconds(7));
  }

  @Test
  void retryAfterMillisecondsWinsOverSeconds() {
    server.stubFor(
        post("/v1/chat/completions")
            .inScenario("rate")
            .whenScenarioStateIs(Scenario.STARTED)
            .willReturn(
                aResponse()
                    .withStatus(429)
                    .withHeader("Retry-After", "2")
                    .withHeader("retry-after-ms", "1500"))
            .willSetStateTo("ok"));
    server.stubFor(
        post("/v1/chat/completions")
            .inScenario("rate")
            .whenScenarioStateIs("ok")
            .willReturn(okJson(TEXT)));

    model().chat(Fixtures.request());

    assertThat(sleeps.waits).containsExactly(Duration.ofMillis(1500));
  }

  @Test
  void retryAfterMayBeAnHttpDate() {
    server.stubFor(
        post("/v1/chat/completions")
            .inScenario("rate")
            .whenScenarioStateIs(Scenario.STARTED)
            .willReturn(
                aResponse()
                    .withStatus(503)
                    .withHeader("Retry-After", "Tue, 24 Nov 2026 12:00:09 GMT"))
            .willSetStateTo("ok"));
    server.stubFor(
        post("/v1/chat/completions")
            .inScenario("rate")
            .whenScenarioStateIs("ok")
            .willReturn(okJson(TEXT)));

    model().chat(Fixtures.request());

    assertThat(sleeps.waits)
        .as("the fixed clock reads " + Fixtures.NOW)
        .containsExactly(Duration.ofSeconds(9));
  }

  @Test
  void aServerErrorIsRetriedWithGrowingWaitsThenReported() {
    server.stubFor(
        post("/v1/chat/completions")
            .willReturn(
                aResponse()
                    .withStatus(500)
                    .withBody(
                        "{\"error\":{\"message\":\"The server had an error while processing your request.\"}}")));

    assertThatThrownBy(() -> model().chat(Fixtures.request()))
        .isInstanceOfSatisfying(
            ModelException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(ModelException.Kind.SERVER);
              assertThat(e.retriable()).isTrue();
              assertThat(e.status()).hasValue(500);
              assertThat(e.attempts()).isEqualTo(3);
              assertThat(e.getMessage())
                  .isEqualTo(
                      "openai:gpt-4.1: the provider failed (HTTP 500): The server had an "
                          + "error while processing your request. (gave up after 3 attempts)");
            });
    assertThat(sleeps.waits).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2));
    server.verify(3, postRequestedFor(urlEqualTo("/v1/chat/completions")));
  }

  @Test
  void aBadRequestFailsAtOnceWithTheProvidersMessage() {
    server.stubFor(
        post("/v1/chat/completions")
            .willReturn(
                aResponse()
                    .withStatus(400)
                    .withBody(
                        """
        {"error":{"message":"Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.","type":"invalid_request_error","param":"messages.[3].role","code":null}}""")));

    assertThatThrownBy(() -> model().chat(Fixtures.request()))
        .isInstanceOfSatisfying(
            ModelException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(ModelException.Kind.BAD_REQUEST);
              assertThat(e.retriable()).isFalse();
              assertThat(e.attempts()).isEqualTo(1);
              assertThat(e.providerMessage())
                  .hasValueSatisfying(m -> assertThat(m).startsWith("Invalid parameter: messages"));
              assertThat(e.getMessage())
                  .startsWith(
                      "openai:gpt-4.1: the provider refused the request (HTTP 400): Invalid");
            });
    assertThat(sleeps.waits).isEmpty();
    server.verify(1, postRequestedFor(urlEqualTo("/v1/chat/completions")));
  }

  @Test
  void anUnauthorizedKeyFailsAtOnceNamingTheVariableNotTheKey() {
    server.stubFor(
        post("/v1/chat/completions")
            .willReturn(
                aResponse()
                    .withStatus(401)
                    .withBody(
                        """
        {"error":{"message":"Incorrect API key provided: %s. You can find your API key at https://platform.openai.com/account/api-keys.","type":"invalid_request_error","code":"invalid_api_key"}}"""
                            .formatted(KEY))));

    assertThatThrownBy(() -> model().chat(Fixtures.request()))
        .isInstanceOfSatisfying(
            ModelException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(ModelException.Kind.AUTH);
              assertThat(e.retriable()).isFalse();
              assertThat(e.getMessage())
                  .contains(
                      "HTTP 401",
                      "Check the key in OPENAI_API_KEY",
                      "Incorrect API key provided: [REDACTED]");
              assertThat(Fixtures.everything(e)).doesNotContain(KEY);
            });
    assertThat(sleeps.waits).isEmpty();
  }

  @Test
  void outOfQuotaIsNotRetried() {
    server.stubFor(
        post("/v1/chat/completions")
            .willReturn(
                aResponse()
                    .withStatus(429)
                    .withBody(
                        """
        {"error":{"message":"You exceeded your current quota, please check your plan and billing details.","type":"insufficient_quota","code":"insufficient_quota"}}""")));

    assertThatThrownBy(() -> model().chat(Fixtures.request()))
        .isInstanceOfSatisfying(
            ModelException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(ModelException.Kind.RATE_LIMITED);
              assertThat(e.retriable()).isFalse();
              assertThat(e.getMessage()).contains("out of quota");
            });
    assertThat(sleeps.waits).isEmpty();
  }

  @Test
  void aRetryAfterLongerThanTheLimitFailsAtOnceSayingSo() {
    server.stubFor(
        post("/v1/chat/completions")
            .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "3600")));

    assertThatThrownBy(() -> model().chat(Fixtures.request()))
        .isInstanceOfSatisfying(
            ModelException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(ModelException.Kind.RATE_LIMITED);
              assertThat(e.getMessage())
                  .contains("asks to wait 60m, longer than max-retry-after (2m)");
            });
    assertThat(sleeps.waits).isEmpty();
  }

  @Test
  void aSlowAnswerTimesOutAndIsRetried() {
    server.stubFor(post("/v1/chat/completions").willReturn(okJson(TEXT).withFixedDelay(1500)));
    ModelConfig quick =
        new ModelConfig(
            Fixtures.config().defaultModel(),
            Duration.ofMillis(300),
            java.util.Optional.empty(),
            new RetryPolicy(
                2, Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofMinutes(1), 0),
            Fixtures.config().providers(),
            Fixtures.config().prices(),
            java.util.Optional.empty());
    ChatModel model =
        Models.create(
            "openai:gpt-4.1",
            quick.withBaseUrl(server.baseUrl() + "/v1"),
            Map.of("OPENAI_API_KEY", KEY),
            Fixtures.options(sleeps));

    assertThatThrownBy(() -> model.chat(Fixtures.request()))
        .isInstanceOfSatisfying(
            ModelException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(ModelException.Kind.TIMEOUT);
              assertThat(e.getMessage())
                  .contains(
                      "no answer from " + server.baseUrl() + "/v1 within 300ms", "2 attempts");
            });
    assertThat(sleeps.waits).containsExactly(Duration.ofSeconds(1));
  }

  @Test
  void aCompatibleServerNeedsNoKey() {
    server.stubFor(post("/v1/chat/completions").willReturn(okJson(TEXT)));

    Fixtures.model("openai:llama3", server.baseUrl() + "/v1", Map.of(), sleeps)
        .chat(Fixtures.request());

    assertThat(
            server
                .findAll(postRequestedFor(urlEqualTo("/v1/chat/completions")))
                .get(0)
                .containsHeader("Authorization"))
        .isFalse();
  }

  @Test
  void theOfficialEndpointNeedsAKey() {
    assertThatThrownBy(
            () ->
                Models.create(
                    "openai:gpt-4.1", Fixtures.config(), Map.of(), Fixtures.options(sleeps)))
        .isInstanceOfSatisfying(
            ModelException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(ModelException.Kind.CONFIG);
              assertThat(e.getMessage())
                  .isEqualTo(
                      "openai:gpt-4.1 needs an API key: set OPENAI_API_KEY in the environment "
                          + "(or name another variable with api-key-env under [model.providers.openai] in config.toml)");
            });
  }

  @Test
  void aRefusedConnectionFailsAtOnceAskingWhetherTheServerRuns() throws Exception {
    int closedPort;
    try (var s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    ChatModel model =
        Fixtures.model(
            "openai:gpt-4.1",
            "http://127.0.0.1:" + closedPort + "/v1",
            Map.of("OPENAI_API_KEY", KEY),
            sleeps);

    assertThatThrownBy(() -> model.chat(Fixtures.request()))
        .isInstanceOfSatisfying(
            ModelException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(ModelException.Kind.NETWORK);
              assertThat(e.getMessage())
                  .contains(
                      "cannot connect to http://127.0.0.1:" + closedPort + "/v1",
                      "is the server running");
            });
    assertThat(sleeps.waits).isEmpty();
  }
}
