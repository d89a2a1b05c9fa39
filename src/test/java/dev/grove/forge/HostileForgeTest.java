package dev.grove.forge;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A forge (or a remote URL) that is hostile or broken: paths that climb out of the repository, a
 * token that would go to a host it was not meant for, answers that drip, are huge or lack what a
 * pull request has, and secrets that would be sent or shown. Real HTTP on loopback in each forge's
 * wire format.
 */
class HostileForgeTest {
  static final String TOKEN = "ghp_R2d2C3poBb8Yoda7Luke1Leia9Han0Solo4";
  static final String MODEL_KEY = "sk-proj-Xq7Lm2Vt9RbK4sNw8YcE1ZpH6dGf3JaU5oTiQr0Bx";

  @RegisterExtension
  static final WireMockExtension server =
      WireMockExtension.newInstance()
          .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"))
          .build();

  final HttpClient client = HttpClient.newHttpClient();
  final PullRequestDraft draft =
      new PullRequestDraft("task/fix-login", "main", "Fix the login check", "Summary…");

  Forge forge(String kind, String remote, Duration timeout) {
    return Forges.create(
        new Forges.Settings(kind, URI.create(server.baseUrl() + "/api"), null, timeout),
        remote,
        Map.of(
            "GITHUB_TOKEN",
            TOKEN,
            "GITLAB_TOKEN",
            TOKEN,
            "GITEA_TOKEN",
            TOKEN,
            "OPENAI_API_KEY",
            MODEL_KEY),
        client);
  }

  Forge github() {
    return forge("github", "https://github.com/acme/shop.git", null);
  }

  /** No 7-character piece of the token's secret part, in any case, forwards or backwards. */
  static void noPieceOfTheToken(String text) {
    String secret = TOKEN.substring(4).toLowerCase(Locale.ROOT);
    String folded = text.toLowerCase(Locale.ROOT);
    String backwards = new StringBuilder(folded).reverse().toString();
    for (int i = 0; i + 7 <= secret.length(); i++) {
      assertThat(folded).doesNotContain(secret.substring(i, i + 7));
      assertThat(backwards).doesNotContain(secret.substring(i, i + 7));
    }
  }

  @Test
  void remotesThatClimbOutOfTheRepositoryAreRefusedBeforeAnyRequest() {
    List<String> hostile =
        List.of(
            "https://gitea.example.com/org/../../admin/users?x=#/repo.git",
            "https://github.com/acme/shop?x=1",
            "https://github.com/acme/shop.git#/../../user",
            "https://github.com/acme/%2e%2e/%2e%2e/admin.git",
            "git@github.com:acme/../../admin.git",
            "ssh://git@gitlab.example.com/./acme/shop.git",
            "https://github.com/acme/sh op.git",
            "https://github.com/acme/shop\u001b]8;;evil\u0007.git",
            "https://evil.example\\@github.com/acme/shop.git");
    for (String kind : List.of("github", "gitlab", "gitea")) {
      for (String remote : hostile) {
        assertThatThrownBy(() -> forge(kind, remote, null).open(draft))
            .as("%s %s", kind, remote)
            .isInstanceOf(ForgeException.class)
            .hasMessageContaining("not a forge repository URL")
            .hasMessageNotContaining("\u001b");
      }
    }
    assertThat(server.getAllServeEvents()).isEmpty();
  }

  @Test
  void gitLabSendsTheWholeProjectPathAsOneEncodedSegment() {
    String project = "/api/projects/acme%2Fteam.web%2Fshop%2Bplus/merge_requests";
    server.stubFor(
        get(urlPathEqualTo(project))
            .willReturn(
                okJson(
                    "[{\"iid\":3,\"web_url\":"
                        + "\"https://gitlab.example.com/acme/team.web/shop+plus/-/merge_requests/3\",\"source_branch\":\"task/fix-login\"}]")));

    PullRequest pr =
        forge("gitlab", "git@gitlab.example.com:acme/team.web/shop+plus.git", null).open(draft);

    assertThat(pr.id()).isEqualTo("3");
  }

  @Test
  void credentialsInARemoteUrlAreNeverShownOrKept() {
    assertThat(
            RemoteUrl.withoutCredentials(
                "https://x-access-token:" + TOKEN + "@github.com/acme/shop.git"))
        .isEqualTo("https://github.com/acme/shop.git");
    assertThat(RemoteUrl.withoutCredentials("https://" + TOKEN + "@github.com/acme/shop.git"))
        .isEqualTo("https://github.com/acme/shop.git");
    assertThat(
            RemoteUrl.withoutCredentials(
                "ssh://deploy:hunter22@git.example.com:2222/acme/shop.git"))
        .isEqualTo("ssh://git.example.com:2222/acme/shop.git");
    assertThat(RemoteUrl.withoutCredentials("ssh://git@git.example.com/acme/shop.git"))
        .isEqualTo("ssh://git@git.example.com/acme/shop.git");
    assertThat(RemoteUrl.withoutCredentials("git@github.com:acme/shop.git"))
        .isEqualTo("git@github.com:acme/shop.git");
    assertThat(RemoteUrl.withoutCredentials("/srv/git/shop.git")).isEqualTo("/srv/git/shop.git");

    ForgeException e =
        catchThrowableOfType(
            ForgeException.class,
            () ->
                forge(
                    "github",
                    "https://x-access-token:" + TOKEN + "@github.com/acme/../shop.git",
                    null));
    noPieceOfTheToken(e.getMessage());
    PullRequest local =
        Forges.create(
                Forges.Settings.of("local"),
                "https://bot:" + TOKEN + "@git.example.com/shop.git",
                Map.of(),
                client)
            .open(draft);
    assertThat(local.url()).isEqualTo("https://git.example.com/shop.git#task/fix-login");
  }

  @Test
  void theUsualTokenVariablesGoOnlyToTheForgesCanonicalHost() {
    HttpClient proxied =
        HttpClient.newBuilder()
            .proxy(ProxySelector.of(new InetSocketAddress("127.0.0.1", server.getPort())))
            .build();
    Map<String, String> env =
        Map.of(
            "GITHUB_TOKEN", TOKEN, "GITLAB_TOKEN", TOKEN, "GITEA_TOKEN", TOKEN, "GHE_TOKEN", TOKEN);
    for (String[] c :
        new String[][] {
          {"github", "https://ghe.corp.example/acme/shop.git", "api.github.com"},
          {"github", "git@github.com.evil.example:acme/shop.git", "api.github.com"},
          {"gitlab", "https://gitlab.example.com/acme/shop.git", "gitlab.com"},
          {"gitea", "https://codeberg.org/acme/shop.git", "no host by default"}
        }) {
      ForgeException e =
          catchThrowableOfType(
              ForgeException.class,
              () ->
                  Forges.create(new Forges.Settings(c[0], null, null, null), c[1], env, proxied)
                      .open(draft));
      assertThat(e).as(c[1]).isNotNull();
      assertThat(e.getMessage()).contains(c[2], "forge-url", "forge-token-env");
      noPieceOfTheToken(e.getMessage());
    }
    assertThat(server.getAllServeEvents())
        .as("no request left, with or without the token")
        .isEmpty();

    assertThat(
            ((RestForge)
                    Forges.create(
                        Forges.Settings.of("github"), "git@github.com:acme/shop.git", env, client))
                .api)
        .isEqualTo(URI.create("https://api.github.com"));
    assertThat(
            ((RestForge)
                    Forges.create(
                        Forges.Settings.of("gitlab"),
                        "https://gitlab.com/acme/shop.git",
                        env,
                        client))
                .api)
        .isEqualTo(URI.create("https://gitlab.com/api/v4"));
    assertThat(
            ((RestForge)
                    Forges.create(
                        new Forges.Settings("github", null, "GHE_TOKEN", null),
                        "https://ghe.corp.example/acme/shop.git",
                        env,
                        client))
                .api)
        .as("a configured token variable is meant for the remote's host")
        .isEqualTo(URI.create("https://ghe.corp.example/api/v3"));
  }

  @Test
  void aMalformedTokenIsRefusedBeforeAnyRequestAndNeverShown() {
    String bad = TOKEN.substring(0, 20) + "\r\nX-Injected: 1\r\n" + TOKEN.substring(20);
    ForgeException e =
        catchThrowableOfType(
            ForgeException.class,
            () ->
                Forges.create(
                    new Forges.Settings(
                        "github", URI.create(server.baseUrl() + "/api"), null, null),
                    "https://github.com/acme/shop.git",
                    Map.of("GITHUB_TOKEN", bad),
                    client));

    assertThat(e.getMessage()).contains("GITHUB_TOKEN", "not shown");
    noPieceOfTheToken(e.getMessage());
    assertThat(server.getAllServeEvents()).isEmpty();
  }

  @Test
  void aForgeDrippingItsAnswerFailsAtTheTimeout() {
    // headers at once, then the body over a minute: the timeout must cover the body
    server.stubFor(
        get(urlPathEqualTo("/api/repos/acme/shop/pulls"))
            .willReturn(okJson("[" + " ".repeat(1200) + "]").withChunkedDribbleDelay(600, 60_000)));

    assertThatThrownBy(
            () ->
                forge("github", "https://github.com/acme/shop.git", Duration.ofSeconds(1))
                    .open(draft))
        .isInstanceOf(ForgeException.class)
        .hasMessageContaining("did not answer in full within 1s");
  }

  @Test
  void aSixtyMegabyteAnswerIsCutAtTheCap() {
    String huge =
        "["
            + "{\"number\":1,\"html_url\":\"https://github.com/acme/shop/pull/1\"},".repeat(1 << 20)
            + "{}]";
    assertThat(huge.length()).isGreaterThan(60_000_000);
    server.stubFor(get(urlPathEqualTo("/api/repos/acme/shop/pulls")).willReturn(okJson(huge)));
    server.stubFor(
        get(urlPathEqualTo("/api/repos/acme/other/pulls"))
            .willReturn(
                okJson(huge)
                    .withChunkedDribbleDelay(100, 500))); // chunked: no length to refuse it by

    for (String repo : List.of("shop", "other")) {
      assertThatThrownBy(
              () -> forge("github", "https://github.com/acme/" + repo + ".git", null).open(draft))
          .isInstanceOf(ForgeException.class)
          .hasMessageContaining("answered with more than 1 MB");
    }
  }

  @Test
  void aPullRequestWithoutANumberOrAWebUrlIsNotRecordedAsOpened() {
    server.stubFor(get(urlPathEqualTo("/api/repos/acme/shop/pulls")).willReturn(okJson("[]")));
    for (String created :
        List.of(
            "{\"id\":1,\"state\":\"open\"}",
            "{\"number\":\"12; echo\",\"html_url\":\"https://github.com/acme/shop/pull/12\"}",
            "{\"number\":0,\"html_url\":\"https://github.com/acme/shop/pull/0\"}",
            "{\"number\":12}",
            "{\"number\":12,\"html_url\":\"javascript:alert(1)\"}",
            "{\"number\":12,\"html_url\":\"https://github.com/acme/shop/pull/12\\u001b[2J\"}")) {
      server.stubFor(
          post(urlEqualTo("/api/repos/acme/shop/pulls"))
              .willReturn(
                  aResponse()
                      .withStatus(201)
                      .withHeader("Content-Type", "application/json")
                      .withBody(created)));
      assertThatThrownBy(() -> github().open(draft))
          .as(created)
          .isInstanceOf(ForgeException.class)
          .hasMessageContaining("not recorded as opened");
    }
    server.stubFor(
        get(urlPathEqualTo("/api/repos/acme/shop/pulls"))
            .willReturn(okJson("{\"message\":\"hi\"}")));
    assertThatThrownBy(() -> github().open(draft))
        .hasMessageContaining("something other than a list");
    server.stubFor(
        get(urlPathEqualTo("/api/projects/acme%2Fshop/merge_requests"))
            .willReturn(
                okJson(
                    "[{\"iid\":-4,\"web_url\":\"https://gitlab.com/acme/shop/-/merge_requests/4\",\"source_branch\":\"task/fix-login\"}]")));
    assertThatThrownBy(() -> forge("gitlab", "https://gitlab.com/acme/shop.git", null).open(draft))
        .hasMessageContaining("not recorded as opened");
  }

  @Test
  void secretsInWhatIsSentAndInWhatTheForgeSaysAreRedacted() {
    server.stubFor(get(urlPathEqualTo("/api/repos/acme/shop/pulls")).willReturn(okJson("[]")));
    server.stubFor(
        post(urlEqualTo("/api/repos/acme/shop/pulls"))
            .willReturn(
                aResponse()
                    .withStatus(422)
                    .withHeader("Content-Type", "application/json")
                    .withBody(
                        "{\"message\":\"Validation Failed for "
                            + TOKEN.toUpperCase(Locale.ROOT)
                            + " and "
                            + new StringBuilder(TOKEN).reverse()
                            + "\u001b[2J\"}")));
    PullRequestDraft leaky =
        new PullRequestDraft(
            "task/fix-login",
            "main",
            "Use key " + MODEL_KEY,
            "The agent found GITHUB_TOKEN=" + TOKEN + " and OPENAI_API_KEY=" + MODEL_KEY);

    ForgeException e = catchThrowableOfType(ForgeException.class, () -> github().open(leaky));

    String sent =
        server
            .findAll(postRequestedFor(urlEqualTo("/api/repos/acme/shop/pulls")))
            .get(0)
            .getBodyAsString();
    assertThat(sent).contains("[REDACTED]").doesNotContain(MODEL_KEY.substring(10, 20));
    noPieceOfTheToken(sent);
    assertThat(e.getMessage())
        .contains("Validation Failed for [REDACTED]")
        .doesNotContain("\u001b");
    noPieceOfTheToken(e.getMessage());
  }
}
