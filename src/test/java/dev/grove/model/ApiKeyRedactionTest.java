package dev.grove.model;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static dev.grove.model.Fixtures.KEY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** An API key never appears in what grove produces, even when a provider's error echoes it. */
class ApiKeyRedactionTest {
  @RegisterExtension static final WireMockExtension server = Fixtures.wireMock();
  final Fixtures.Sleeps sleeps = new Fixtures.Sleeps();

  static String echoing(String key) {
    return "{\"error\":{\"message\":\"key "
        + key
        + " is not valid; key prefix "
        + key.substring(0, 12)
        + "… seen\","
        + "\"type\":\"invalid_request_error\",\"api_key\":\""
        + key
        + "\"}}";
  }

  @Test
  void aKeyEchoedByOpenAiIsRedactedFromTheErrorAndItsCauses() {
    server.stubFor(
        post("/v1/chat/completions")
            .willReturn(aResponse().withStatus(401).withBody(echoing(KEY))));
    ChatModel model =
        Fixtures.model(
            "openai:gpt-4.1", server.baseUrl() + "/v1", Map.of("OPENAI_API_KEY", KEY), sleeps);

    ModelException e =
        catchThrowableOfType(ModelException.class, () -> model.chat(Fixtures.request()));

    assertThat(Fixtures.everything(e))
        .doesNotContain(KEY)
        .doesNotContain(KEY.substring(0, 12))
        .contains("[REDACTED]");
    assertThat(e.providerMessage()).hasValueSatisfying(m -> assertThat(m).doesNotContain(KEY));
    assertThat(e.getCause()).as("a cause is kept for debugging, its text redacted").isNotNull();
  }

  @Test
  void aKeyEchoedByAnthropicInEveryRetriedFailureIsRedacted() {
    server.stubFor(
        post("/v1/messages").willReturn(aResponse().withStatus(503).withBody(echoing(KEY))));
    ChatModel model =
        Models.create(
            "anthropic:claude-sonnet-4-5",
            Fixtures.config().withBaseUrl(server.baseUrl()),
            Map.of("ANTHROPIC_API_KEY", KEY),
            Fixtures.options(sleeps));

    ModelException e =
        catchThrowableOfType(ModelException.class, () -> model.chat(Fixtures.request()));

    assertThat(e.attempts()).isEqualTo(3);
    assertThat(Fixtures.everything(e)).doesNotContain(KEY);
  }

  @Test
  void aKeyEchoedToAnOllamaBehindAProxyIsRedacted(@TempDir Path dir) throws Exception {
    Path project = dir.resolve("config.toml");
    Files.writeString(
        project,
        """
        [model.providers.ollama]
        api-key-env = "PROXY_KEY"
        """);
    server.stubFor(
        post("/api/chat").willReturn(aResponse().withStatus(400).withBody(echoing(KEY))));
    ChatModel model =
        Models.create(
            "ollama:qwen3",
            ModelConfig.load(project, null).withBaseUrl(server.baseUrl()),
            Map.of("PROXY_KEY", KEY),
            Fixtures.options(sleeps));

    ModelException e =
        catchThrowableOfType(ModelException.class, () -> model.chat(Fixtures.request()));

    assertThat(server.getAllServeEvents().get(0).getRequest().getHeader("Authorization"))
        .isEqualTo("Bearer " + KEY);
    assertThat(Fixtures.everything(e)).doesNotContain(KEY);
  }

  @Test
  void nothingIsPrintedOrLoggedWhileAFailingCallIsRetried() {
    server.stubFor(
        post("/v1/chat/completions")
            .willReturn(aResponse().withStatus(500).withBody(echoing(KEY))));
    ChatModel model =
        Fixtures.model(
            "openai:gpt-4.1", server.baseUrl() + "/v1", Map.of("OPENAI_API_KEY", KEY), sleeps);
    List<LogRecord> logged = new ArrayList<>();
    Handler capture =
        new Handler() {
          @Override
          public void publish(LogRecord r) {
            logged.add(r);
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    Logger root = Logger.getLogger("");
    Level was = root.getLevel();
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    root.addHandler(capture);
    root.setLevel(Level.ALL);
    System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(printed, true, StandardCharsets.UTF_8));
    try {
      assertThatThrownBy(() -> model.chat(Fixtures.request())).isInstanceOf(ModelException.class);
    } finally {
      System.setOut(out);
      System.setErr(err);
      root.setLevel(was);
      root.removeHandler(capture);
    }
    assertThat(printed.toString(StandardCharsets.UTF_8)).doesNotContain(KEY);
    assertThat(logged)
        .allSatisfy(r -> assertThat(r.getMessage() + " " + r.getThrown()).doesNotContain(KEY));
  }
}
