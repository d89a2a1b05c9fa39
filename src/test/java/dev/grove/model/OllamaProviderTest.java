package dev.grove.model;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Ollama's /api/chat, against a WireMock server speaking its wire format. */
class OllamaProviderTest {
  @RegisterExtension static final WireMockExtension server = Fixtures.wireMock();
  final Fixtures.Sleeps sleeps = new Fixtures.Sleeps();

  /** Through OLLAMA_HOST in its host:port form, as `ollama serve` takes it. */
  ChatModel model() {
    return Models.create(
        "ollama:qwen3:8b",
        Fixtures.config(),
        Map.of("OLLAMA_HOST", "127.0.0.1:" + server.getPort()),
        Fixtures.options(sleeps));
  }

  static String chat(String message) {
    return """
        {"model":"qwen3:8b","created_at":"2026-11-24T12:00:00.000Z","message":%s,
         "done_reason":"stop","done":true,"total_duration":1200000000,"load_duration":1000000,
         "prompt_eval_count":300,"prompt_eval_duration":100000,"eval_count":40,"eval_duration":900000}
        """
        .formatted(message);
  }

  static final String TEXT =
      chat("{\"role\":\"assistant\",\"content\":\"The check is inverted.\"}");

  @Test
  void sendsMessagesWithToolCallsAndResultsAndTheToolsWithoutStreaming() {
    server.stubFor(post("/api/chat").willReturn(okJson(TEXT)));

    model().chat(Fixtures.request());

    var requests = server.findAll(postRequestedFor(urlEqualTo("/api/chat")));
    assertThat(requests).hasSize(1);
    assertThat(requests.get(0).containsHeader("Authorization")).isFalse();
    JsonNode body = Fixtures.body(requests.get(0));
    assertThat(body.path("model").asText()).isEqualTo("qwen3:8b");
    assertThat(body.path("stream").asBoolean()).isFalse();
    JsonNode m = body.get("messages");
    assertThat(m).hasSize(6);
    assertThat(m.at("/0/role").asText()).isEqualTo("system");
    assertThat(m.at("/1/role").asText()).isEqualTo("user");
    assertThat(m.at("/2/role").asText()).isEqualTo("assistant");
    assertThat(m.at("/2/tool_calls/0/function/name").asText()).isEqualTo("read_file");
    assertThat(m.at("/2/tool_calls/0/function/arguments/path").asText()).isEqualTo("Login.java");
    assertThat(m.at("/2/tool_calls/1/function/arguments/command").asText()).isEqualTo("mvn test");
    assertThat(m.at("/3/role").asText()).isEqualTo("tool");
    assertThat(m.at("/3/content").asText()).isEqualTo("class Login {}");
    assertThat(m.at("/4/content").asText()).isEqualTo("Error: exit 1: LoginTest failed");
    assertThat(m.at("/5/content").asText()).isEqualTo("Hint: the check is inverted");
    JsonNode tools = body.get("tools");
    assertThat(tools.at("/0/type").asText()).isEqualTo("function");
    assertThat(tools.at("/0/function/name").asText()).isEqualTo("read_file");
    assertThat(tools.at("/0/function/parameters/properties/path/type").asText())
        .isEqualTo("string");
    assertThat(tools.at("/0/function/parameters/required/0").asText()).isEqualTo("path");
  }

  @Test
  void readsParallelToolCallsGivingThemIdsAndCountsLocalTokensAsFree() {
    server.stubFor(
        post("/api/chat")
            .willReturn(
                okJson(
                    chat(
                        """
        {"role":"assistant","content":"","tool_calls":[
          {"function":{"name":"read_file","arguments":{"path":"a.txt"}}},
          {"function":{"name":"agent_status","arguments":{}}}]}"""))));

    ModelReply reply = model().chat(Fixtures.request());

    assertThat(reply.text()).isNull();
    assertThat(reply.toolCalls()).hasSize(2);
    assertThat(reply.toolCalls().get(0).name()).isEqualTo("read_file");
    assertThat(reply.toolCalls().get(0).arguments()).isEqualTo("{\"path\":\"a.txt\"}");
    assertThat(reply.toolCalls().get(1).name()).isEqualTo("agent_status");
    assertThat(reply.toolCalls()).allSatisfy(c -> assertThat(c.id()).startsWith("call_"));
    assertThat(reply.toolCalls().get(0).id()).isNotEqualTo(reply.toolCalls().get(1).id());
    assertThat(reply.model()).isEqualTo("ollama:qwen3:8b");
    assertThat(reply.usage()).isEqualTo(new dev.grove.session.Usage(300, 40, 0));
  }

  @Test
  void aMissingModelIsReportedAsNotFoundWithOllamasMessage() {
    server.stubFor(
        post("/api/chat")
            .willReturn(
                aResponse()
                    .withStatus(404)
                    .withBody(
                        "{\"error\":\"model \\\"qwen3:8b\\\" not found, try pulling it first\"}")));

    assertThatThrownBy(() -> model().chat(Fixtures.request()))
        .isInstanceOfSatisfying(
            ModelException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(ModelException.Kind.NOT_FOUND);
              assertThat(e.getMessage())
                  .isEqualTo(
                      "ollama:qwen3:8b: not found at http://127.0.0.1:"
                          + server.getPort()
                          + " (HTTP 404): model \"qwen3:8b\" not found, try pulling it first. Check the model name and the base URL.");
            });
  }

  @Test
  void aServerErrorIsRetried() {
    server.stubFor(
        post("/api/chat")
            .inScenario("s")
            .whenScenarioStateIs(Scenario.STARTED)
            .willReturn(
                aResponse()
                    .withStatus(500)
                    .withBody("{\"error\":\"llama runner process has terminated\"}"))
            .willSetStateTo("ok"));
    server.stubFor(
        post("/api/chat").inScenario("s").whenScenarioStateIs("ok").willReturn(okJson(TEXT)));

    assertThat(model().chat(Fixtures.request()).text()).isEqualTo("The check is inverted.");
    assertThat(sleeps.waits).containsExactly(Duration.ofSeconds(1));
  }
}
