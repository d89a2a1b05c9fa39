package dev.grove.orchestrator;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.grove.forge.Forges;
import dev.grove.git.Git;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run that ships to GitHub: the branch is pushed for real (the remote's github.com URL is
 * redirected to a local bare repository with git's {@code insteadOf}) and the pull request is
 * opened against a WireMock server speaking GitHub's REST API.
 */
class GitHubRunTest {
  static final String TOKEN = "ghp_run-test-token";
  @TempDir Path tmp;
  WireMockServer github;

  @BeforeEach
  void start() {
    github = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
    github.start();
  }

  @AfterEach
  void stop() {
    github.stop();
  }

  @Test
  void aFinishedLaneBecomesAGitHubPullRequestWithItsStory() throws Exception {
    Git git = new Git(Map.of());
    SampleRepository.Made shop = SampleRepository.create(tmp, git);
    git.run(
        shop.repo(), List.of("remote", "set-url", "origin", "https://github.com/acme/shop.git"));
    git.run(
        shop.repo(),
        List.of(
            "config", "url." + shop.remote() + ".insteadOf", "https://github.com/acme/shop.git"));
    github.stubFor(get(urlPathEqualTo("/api/v3/repos/acme/shop/pulls")).willReturn(okJson("[]")));
    github.stubFor(
        post(urlEqualTo("/api/v3/repos/acme/shop/pulls"))
            .willReturn(
                aResponse()
                    .withStatus(201)
                    .withHeader("Content-Type", "application/json")
                    .withBody(
                        "{\"number\":42,\"html_url\":\"https://github.com/acme/shop/pull/42\",\"state\":\"open\"}")));
    Path script = SampleRepository.writeScript(tmp.resolve("agents.json"));
    Map<String, String> env = TestBench.env();
    env.put("GITHUB_TOKEN", TOKEN);
    Workbench wb = TestBench.open(tmp, shop.repo(), "scripted:" + script, env, null);
    Orchestrator.Options options =
        new Orchestrator.Options(
            null,
            1,
            0,
            null,
            "origin",
            new Forges.Settings("github", URI.create(github.baseUrl() + "/api/v3"), null, null),
            true);
    RunStatus st;
    try (Orchestrator run = Orchestrator.start(wb, options, Orchestrator.Listener.NONE, "tasks")) {
      st = run.runTasks(List.of(SampleRepository.TASKS.get(0)));
    }
    assertThat(st.lanes())
        .singleElement()
        .satisfies(
            l -> {
              assertThat(l.state()).isEqualTo(LaneState.SHIPPED);
              assertThat(l.pullRequest()).isEqualTo("https://github.com/acme/shop/pull/42");
            });
    assertThat(
            git.run(shop.remote(), List.of("log", "-1", "--format=%s", "task/fix-discount")).out())
        .isEqualTo("Fix Pricing.discount: return the price after the discount");
    github.verify(
        postRequestedFor(urlEqualTo("/api/v3/repos/acme/shop/pulls"))
            .withHeader("Authorization", equalTo("Bearer " + TOKEN))
            .withRequestBody(matchingJsonPath("$.head", equalTo("task/fix-discount")))
            .withRequestBody(matchingJsonPath("$.base", equalTo("main")))
            .withRequestBody(
                matchingJsonPath(
                    "$.title",
                    equalTo("Fix Pricing.discount: return the price after the discount"))));
    LoggedRequest created =
        github.findAll(postRequestedFor(urlEqualTo("/api/v3/repos/acme/shop/pulls"))).get(0);
    String body =
        new com.fasterxml.jackson.databind.ObjectMapper()
            .readTree(created.getBodyAsString())
            .path("body")
            .asText();
    assertThat(body)
        .contains("DiscountTest passes")
        .contains("`src/Pricing.java`")
        .contains("`sh run-tests.sh DiscountTest` → exit code 0")
        .contains("model calls")
        .contains("input")
        .contains("output tokens")
        .contains("lane `fix-discount`")
        .contains("grove why FILE:LINE");
    assertThat(Files.readString(st.file())).doesNotContain(TOKEN);
  }
}
