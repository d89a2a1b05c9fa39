package dev.grove.adversarial;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * A forge on loopback speaking GitHub's REST API for {@code acme/shop}: no pull request open yet,
 * and a created one is number 42. The shop's {@code origin} is made {@code
 * https://github.com/acme/shop.git}, pushed for real to the bare remote through git's {@code
 * insteadOf}.
 */
final class GitHubStub implements AutoCloseable {
  static final String PULLS = "/api/v3/repos/acme/shop/pulls";
  final WireMockServer server =
      new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));

  GitHubStub() {
    server.start();
    server.stubFor(get(urlPathEqualTo(PULLS)).willReturn(okJson("[]")));
    server.stubFor(
        post(urlPathEqualTo(PULLS))
            .willReturn(
                aResponse()
                    .withStatus(201)
                    .withHeader("Content-Type", "application/json")
                    .withBody(
                        "{\"number\":42,\"html_url\":\"https://github.com/acme/shop/pull/42\",\"state\":\"open\"}")));
  }

  /** Points the shop's origin at github.com, redirected by git to the bare remote. */
  static void originOnGitHub(Hostile.Shop shop) {
    shop.git("remote", "set-url", "origin", "https://github.com/acme/shop.git");
    shop.git("config", "url." + shop.remote() + ".insteadOf", "https://github.com/acme/shop.git");
  }

  String apiUrl() {
    return server.baseUrl() + "/api/v3";
  }

  /** The pull requests created, as GitHub received them. */
  List<JsonNode> created() {
    return server.findAll(postRequestedFor(urlPathEqualTo(PULLS))).stream()
        .map(GitHubStub::json)
        .toList();
  }

  /** What the forge was sent: each request's method, path and body (its token header aside). */
  String everythingSent() {
    StringBuilder sb = new StringBuilder();
    for (LoggedRequest r : server.findAll(anyRequestedFor(anyUrl()))) {
      sb.append(r.getMethod())
          .append(' ')
          .append(r.getUrl())
          .append('\n')
          .append(r.getBodyAsString())
          .append('\n');
    }
    return sb.toString();
  }

  static JsonNode json(LoggedRequest r) {
    try {
      return Scripted.JSON.readTree(r.getBodyAsString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    server.stop();
  }
}
