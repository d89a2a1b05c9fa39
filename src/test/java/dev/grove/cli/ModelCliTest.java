package dev.grove.cli;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.common.ConsoleNotifier;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class ModelCliTest {
  @RegisterExtension
  static final WireMockExtension server =
      WireMockExtension.newInstance()
          .options(
              WireMockConfiguration.options()
                  .bindAddress("127.0.0.1")
                  .dynamicPort()
                  .notifier(new ConsoleNotifier(false)))
          .build();

  static final String KEY = "sk-cli-9b7d3e4f5a6b7c8d4f9a1c0e5e1f7c2a";
  @TempDir Path dir;
  CliRunner cli;

  @BeforeEach
  void setUp() throws IOException {
    cli = new CliRunner(dir);
    cli.env.put("HOME", dir.resolve("home").toString());
    cli.env.put("GROVE_HOME", dir.resolve("grove-home").toString());
    Files.writeString(
        dir.resolve("hello.json"),
        """
        {"usage": {"inputTokens": 25, "outputTokens": 7, "cost": 0.00012},
         "turns": [{"text": "Hello from the script."}]}""");
  }

  @Test
  void checkPrintsTheReplyTokensAndCostOfAScriptedModel() {
    CliRunner.Result r = cli.run("model", "check", "--model", "scripted:hello.json");

    assertThat(r.exit()).as(r.toString()).isZero();
    assertThat(r.out())
        .contains(
            "model   scripted:hello.json\n",
            "reply   Hello from the script.\n",
            "tokens  25 in, 7 out\n",
            "cost    $0.000120\n");
  }

  @Test
  void theModelComesFromTheProjectConfigWhenNotGiven() throws IOException {
    Files.createDirectories(dir.resolve(".grove"));
    Files.writeString(
        dir.resolve(".grove/config.toml"), "[model]\ndefault = \"scripted:hello.json\"\n");

    CliRunner.Result untrusted = cli.run("model", "check", "--json");
    assertThat(untrusted.err()).contains("ignoring [model] default").contains("grove trust");
    assertThat(untrusted.out()).doesNotContain("scripted:hello.json");

    assertThat(cli.run("trust").exit()).isZero();
    CliRunner.Result r = cli.run("model", "check", "--json");

    assertThat(r.exit()).as(r.toString()).isZero();
    assertThat(r.out())
        .contains(
            "\"spec\" : \"scripted:hello.json\"",
            "\"text\" : \"Hello from the script.\"",
            "\"inputTokens\" : 25");
  }

  @Test
  void checkTalksToAnOpenAiCompatibleServerGivenByBaseUrl() {
    server.stubFor(
        post("/v1/chat/completions")
            .willReturn(
                okJson(
                    """
        {"id":"c","object":"chat.completion","created":1,"model":"llama3",
         "choices":[{"index":0,"message":{"role":"assistant","content":"Hi, all good here."},"finish_reason":"stop"}],
         "usage":{"prompt_tokens":30,"completion_tokens":6,"total_tokens":36}}""")));

    CliRunner.Result r =
        cli.run(
            "model", "check", "--model", "openai:llama3", "--base-url", server.baseUrl() + "/v1");

    assertThat(r.exit()).as(r.toString()).isZero();
    assertThat(r.out())
        .contains(
            "model   openai:llama3\n",
            "reply   Hi, all good here.\n",
            "tokens  30 in, 6 out\n",
            "cost    $0.000000\n");
  }

  @Test
  void aRejectedKeyIsReportedWithoutShowingItEvenInDebugMode() {
    server.stubFor(
        post("/v1/chat/completions")
            .willReturn(
                aResponse()
                    .withStatus(401)
                    .withBody(
                        "{\"error\":{\"message\":\"Incorrect API key provided: "
                            + KEY
                            + ".\",\"code\":\"invalid_api_key\"}}")));
    cli.env.put("OPENAI_API_KEY", KEY);
    cli.env.put("GROVE_DEBUG", "1");

    CliRunner.Result r =
        cli.run(
            "model", "check", "--model", "openai:gpt-4.1", "--base-url", server.baseUrl() + "/v1");

    assertThat(r.exit()).isEqualTo(Exits.IO);
    assertThat(r.err())
        .contains(
            "grove: openai:gpt-4.1: the provider refused the credentials (HTTP 401): "
                + "Incorrect API key provided: [REDACTED]. Check the key in OPENAI_API_KEY.");
    assertThat(r.out() + r.err()).doesNotContain(KEY);
  }

  @Test
  void noModelAndBadScriptsAreUsageErrors() throws IOException {
    Files.writeString(dir.resolve("bad.json"), "{\"turns\": [{\"txt\": \"x\"}]}");

    CliRunner.Result none = cli.run("model", "check");
    CliRunner.Result bad = cli.run("model", "check", "--model", "scripted:bad.json");

    assertThat(none.exit()).isEqualTo(Exits.USAGE);
    assertThat(none.err()).startsWith("grove: no model given: pass --model SPEC");
    assertThat(bad.exit()).isEqualTo(Exits.USAGE);
    assertThat(bad.err())
        .isEqualTo(
            "grove: script "
                + dir.resolve("bad.json")
                + ", turn 1: unknown key 'txt' (known: calls, error, id, next, text, usage, when)\n");
  }
}
