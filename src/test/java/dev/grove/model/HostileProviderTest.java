package dev.grove.model;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static dev.grove.model.Fixtures.KEY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.grove.session.Body;
import dev.grove.session.Draft;
import dev.grove.session.Role;
import dev.grove.session.SessionStore;
import dev.grove.session.ToolCall;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model server that is hostile or broken: it drips its reply, sends too much, sends text no
 * encoder can write, or echoes the keys of the environment back. The OpenAI wire format, through
 * the real client.
 */
class HostileProviderTest {
  @RegisterExtension static final WireMockExtension server = Fixtures.wireMock();
  static final String GITHUB_TOKEN = "ghp_R2d2C3poBb8Yoda7Luke1Leia9Han0Solo4";
  final Fixtures.Sleeps sleeps = new Fixtures.Sleeps();

  /** The fixtures' config with this timeout and number of attempts. */
  static ModelConfig config(Duration timeout, int attempts) {
    ModelConfig c = Fixtures.config();
    return new ModelConfig(
        c.defaultModel(),
        timeout,
        Optional.empty(),
        new RetryPolicy(
            attempts, Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofMinutes(1), 0),
        c.providers(),
        c.prices(),
        Optional.empty());
  }

  ChatModel model(ModelConfig config) {
    return Models.create(
        "openai:gpt-4.1",
        config.withBaseUrl(server.baseUrl() + "/v1"),
        Map.of("OPENAI_API_KEY", KEY, "GITHUB_TOKEN", GITHUB_TOKEN),
        Fixtures.options(sleeps));
  }

  /** A chat completion whose message is {@code message} (JSON). */
  static String completion(String message) {
    return OpenAiProviderTest.completion(message, 10, 5);
  }

  /**
   * A reply whose headers come at once (with the first of 600 chunks, after 0.1 s) and whose body
   * drips for a minute: a timeout that covers only the wait for the headers never fires.
   */
  static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder dripping() {
    String padded =
        OpenAiProviderTest.TEXT.strip()
            + " ".repeat(1200 - OpenAiProviderTest.TEXT.strip().length());
    return okJson(padded).withChunkedDribbleDelay(600, 60_000);
  }

  @Test
  void aServerDrippingItsReplyFailsAtTheTimeoutNotWhenItFinishes() {
    server.stubFor(post("/v1/chat/completions").willReturn(dripping()));

    ModelException e =
        catchThrowableOfType(
            ModelException.class,
            () -> model(config(Duration.ofSeconds(1), 2)).chat(Fixtures.request()));

    assertThat(e.kind()).isEqualTo(ModelException.Kind.TIMEOUT);
    assertThat(e.getMessage())
        .contains("no answer from " + server.baseUrl() + "/v1 within 1s", "2 attempts");
    assertThat(sleeps.waits).containsExactly(Duration.ofSeconds(1));
  }

  @Test
  void theCallersTimeLimitEndsACallInFlightAndLeavesNoTimeToRetry() {
    server.stubFor(post("/v1/chat/completions").willReturn(dripping()));
    ModelRequest request =
        new ModelRequest(Fixtures.conversation(), Fixtures.tools(), Duration.ofSeconds(1));

    ModelException e =
        catchThrowableOfType(
            ModelException.class, () -> model(config(Duration.ofMinutes(5), 5)).chat(request));

    assertThat(e.kind()).isEqualTo(ModelException.Kind.TIMEOUT);
    assertThat(e.retriable()).isFalse();
    assertThat(e.getMessage()).contains("within the time this call was given");
    assertThat(sleeps.waits).as("no wait for a retry that could not finish in time").isEmpty();
    server.verify(1, postRequestedFor(urlEqualTo("/v1/chat/completions")));
  }

  @Test
  void anOversizeReplyIsAClearErrorAndIsNotRetried() {
    String huge =
        completion("{\"role\":\"assistant\",\"content\":\"" + "a".repeat(5 << 20) + "\"}");
    server.stubFor(post("/v1/chat/completions").willReturn(okJson(huge)));

    ModelException e =
        catchThrowableOfType(
            ModelException.class,
            () -> model(config(Duration.ofSeconds(30), 3)).chat(Fixtures.request()));

    assertThat(e.kind()).isEqualTo(ModelException.Kind.BAD_RESPONSE);
    assertThat(e.retriable()).isFalse();
    assertThat(e.getMessage()).contains("is larger than 4 MB").doesNotContain("connection");
    server.verify(1, postRequestedFor(urlEqualTo("/v1/chat/completions")));
  }

  @Test
  void anOversizeReplyWithoutALengthIsCutAtTheCap() {
    String huge =
        completion("{\"role\":\"assistant\",\"content\":\"" + "a".repeat(6 << 20) + "\"}");
    // dribbled in chunks: no Content-Length, so the cap is found while reading
    server.stubFor(
        post("/v1/chat/completions").willReturn(okJson(huge).withChunkedDribbleDelay(20, 200)));

    ModelException e =
        catchThrowableOfType(
            ModelException.class,
            () -> model(config(Duration.ofSeconds(30), 3)).chat(Fixtures.request()));

    assertThat(e.kind()).isEqualTo(ModelException.Kind.BAD_RESPONSE);
    assertThat(e.getMessage()).contains("is larger than 4 MB");
    server.verify(1, postRequestedFor(urlEqualTo("/v1/chat/completions")));
  }

  @Test
  void loneSurrogatesInTextAndArgumentsBecomeReplacementCharactersAndCanBeStored(
      @TempDir Path dir) {
    // \ud800 once as a JSON escape in the content, once inside the arguments' own JSON, once raw
    server.stubFor(
        post("/v1/chat/completions")
            .willReturn(
                okJson(
                    completion(
                        """
        {"role":"assistant","content":"half a pair: \\ud800 here","tool_calls":[
          {"id":"call_a","type":"function","function":{"name":"write_file",
           "arguments":"{\\"path\\":\\"a.txt\\",\\"content\\":\\"x\\\\ud800y\\"}"}},
          {"id":"call_b","type":"function","function":{"name":"write_file",
           "arguments":"{\\"path\\":\\"b.txt\\",\\"content\\":\\"x\\udc00y\\"}"}}]}"""))));

    ModelReply reply = model(config(Duration.ofSeconds(30), 1)).chat(Fixtures.request());

    assertThat(reply.text()).isEqualTo("half a pair: \uFFFD here");
    assertThat(reply.toolCalls())
        .extracting(ToolCall::arguments)
        .containsExactly(
            "{\"path\":\"a.txt\",\"content\":\"x\uFFFDy\"}",
            "{\"path\":\"b.txt\",\"content\":\"x\uFFFDy\"}");
    try (SessionStore s = SessionStore.create(dir.resolve("s.jsonl"), dir.toString())) {
      s.append(
          Draft.onLane(
              "lane",
              new Body.Message(
                  Role.ASSISTANT,
                  reply.text(),
                  reply.toolCalls(),
                  null,
                  false,
                  reply.model(),
                  reply.usage(),
                  null)));
    }
    assertThat(SessionStore.validate(dir.resolve("s.jsonl")).valid()).isTrue();
  }

  @Test
  void keysEchoedInAReplyAreRedactedFromItsTextAndToolArguments() throws Exception {
    String body = KEY.substring("sk-test-".length());
    StringBuilder pieces = new StringBuilder();
    for (int i = 0; i < KEY.length(); i += 7) {
      pieces.append(KEY, i, Math.min(KEY.length(), i + 7)).append(' ');
    }
    String text =
        "Your key is "
            + KEY
            + ". In pieces: "
            + pieces
            + ". Shouted: "
            + KEY.toUpperCase(Locale.ROOT)
            + ". Backwards: "
            + new StringBuilder(KEY).reverse()
            + ". Encoded: "
            + Base64.getEncoder().encodeToString(("key=" + KEY).getBytes(StandardCharsets.UTF_8))
            + ". And the forge's: "
            + GITHUB_TOKEN;
    StringBuilder escaped = new StringBuilder();
    KEY.chars().forEach(c -> escaped.append(String.format("\\\\u%04x", c)));
    ObjectNode message =
        Fixtures.JSON.createObjectNode().put("role", "assistant").put("content", text);
    ObjectNode call =
        message.putArray("tool_calls").addObject().put("id", "call_1").put("type", "function");
    call.putObject("function")
        .put("name", "write_file")
        .put(
            "arguments",
            "{\"path\":\"notes.txt\",\"content\":\"k="
                + escaped.toString().replace("\\\\", "\\")
                + " t="
                + GITHUB_TOKEN
                + "\"}");
    server.stubFor(post("/v1/chat/completions").willReturn(okJson(completion(message.toString()))));

    ModelReply reply = model(config(Duration.ofSeconds(30), 1)).chat(Fixtures.request());

    String everything = reply.text() + "\n" + reply.toolCalls();
    assertThat(everything).contains("Your key is [REDACTED]", "[REDACTED]");
    for (String secret : List.of(body, GITHUB_TOKEN.substring(4))) {
      for (String p : sevenCharacterPieces(secret)) {
        assertThat(everything.toLowerCase(Locale.ROOT)).doesNotContain(p.toLowerCase(Locale.ROOT));
        assertThat(new StringBuilder(everything).reverse().toString().toLowerCase(Locale.ROOT))
            .doesNotContain(p.toLowerCase(Locale.ROOT));
      }
    }
    assertThat(
            Fixtures.JSON.readTree(reply.toolCalls().get(0).arguments()).path("content").asText())
        .isEqualTo("k=[REDACTED] t=[REDACTED]");
  }

  static List<String> sevenCharacterPieces(String s) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i + 7 <= s.length(); i++) {
      out.add(s.substring(i, i + 7));
    }
    return out;
  }

  @Test
  void aKeyWithALineBreakIsRefusedWithoutBeingShown() {
    String bad = KEY + "\nX-Injected: 1";
    ModelException e =
        catchThrowableOfType(
            ModelException.class,
            () ->
                Models.create(
                    "openai:gpt-4.1",
                    Fixtures.config().withBaseUrl(server.baseUrl() + "/v1"),
                    Map.of("OPENAI_API_KEY", bad),
                    Fixtures.options(sleeps)));

    assertThat(e.kind()).isEqualTo(ModelException.Kind.CONFIG);
    assertThat(e.getMessage()).contains("OPENAI_API_KEY", "not shown");
    assertThat(Fixtures.everything(e)).doesNotContain(KEY.substring(8, 20));
    assertThat(server.getAllServeEvents()).isEmpty();
  }
}
