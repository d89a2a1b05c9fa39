package dev.grove.agent;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.grove.model.ChatModel;
import dev.grove.model.ModelConfig;
import dev.grove.model.Models;
import dev.grove.sandbox.Backend;
import dev.grove.sandbox.SandboxPolicy;
import dev.grove.sandbox.Sandboxes;
import dev.grove.session.SessionStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A provider that echoes the API key in its error: the key still never reaches the session file.
 */
class ApiKeyNeverInSessionTest {
  static final String KEY = "sk-proj-4f9a2c7e1b8d6a3f5e0c9b7d";
  @TempDir Path tmp;

  @Test
  void aRejectedKeyFailsTheLaneWithoutWritingTheKey() throws Exception {
    WireMockServer openai =
        new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
    openai.start();
    try {
      openai.stubFor(
          post(urlPathEqualTo("/v1/chat/completions"))
              .willReturn(
                  aResponse()
                      .withStatus(401)
                      .withHeader("Content-Type", "application/json")
                      .withBody(
                          "{\"error\":{\"message\":\"Incorrect API key provided: "
                              + KEY
                              + ". You can find your API key at "
                              + "https://platform.openai.com/account/api-keys.\",\"type\":\"invalid_request_error\",\"param\":null,"
                              + "\"code\":\"invalid_api_key\"}}")));
      Path wt = Files.createDirectories(tmp.resolve("wt"));
      Map<String, String> env = Map.of("OPENAI_API_KEY", KEY, "PATH", "/usr/bin:/bin");
      ChatModel model =
          Models.create(
              "openai:gpt-4.1",
              ModelConfig.defaults().withBaseUrl(openai.baseUrl() + "/v1"),
              env,
              tmp);
      try (SessionStore session = SessionStore.create(tmp.resolve("s.jsonl"), wt.toString())) {
        CodingTools tools =
            new CodingTools(
                new Workspace(wt),
                Sandboxes.create(
                    Backend.BUBBLEWRAP,
                    SandboxPolicy.standard(tmp.resolve("home"), tmp.resolve("gh")),
                    env),
                List::of,
                Clock.systemUTC(),
                CodingTools.Options.defaults());
        Agent.begin(session, "lane", null, "system", "task");
        Agent.Outcome outcome =
            new Agent(
                    session,
                    "lane",
                    model,
                    tools,
                    Checkpointer.NONE,
                    Agent.Limits.defaults(),
                    Clock.systemUTC(),
                    Agent.Listener.NONE)
                .run();
        assertThat(outcome).isInstanceOf(Agent.Outcome.Failed.class);
        String reason = ((Agent.Outcome.Failed) outcome).reason();
        assertThat(reason).contains("401").contains("OPENAI_API_KEY").doesNotContain(KEY);
      }
      String file = Files.readString(tmp.resolve("s.jsonl"));
      assertThat(file).contains("lane.failed").doesNotContain(KEY);
      for (int i = 0; i + 8 <= KEY.length(); i++) {
        assertThat(file)
            .as("no 8-character piece of the key")
            .doesNotContain(KEY.substring(i, i + 8));
      }
    } finally {
      openai.stop();
    }
  }
}
