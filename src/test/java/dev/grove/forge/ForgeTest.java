package dev.grove.forge;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import java.net.URI;
import java.net.http.HttpClient;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Each forge against a real HTTP server on loopback answering in that forge's wire format. */
class ForgeTest {
  static final String TOKEN = "ghp_s3cr3t-token-value";
  WireMockServer server;
  final HttpClient client = HttpClient.newHttpClient();
  final PullRequestDraft draft =
      new PullRequestDraft("task/fix-login", "main", "Fix the login check", "Summary…");

  @BeforeEach
  void start() {
    server = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop();
  }

  Forge forge(String kind, String remote, Map<String, String> env) {
    return Forges.create(
        new Forges.Settings(kind, URI.create(server.baseUrl() + "/api"), null, null),
        remote,
        env,
        client);
  }

  @Test
  void githubCreatesAPullRequestWhenNoneIsOpen() {
    server.stubFor(get(urlPathEqualTo("/api/repos/acme/shop/pulls")).willReturn(okJson("[]")));
    server.stubFor(
        post(urlEqualTo("/api/repos/acme/shop/pulls"))
            .willReturn(
                aResponse()
                    .withStatus(201)
                    .withHeader("Content-Type", "application/json; charset=utf-8")
                    .withBody(
                        "{\"id\":1,\"number\":1347,\"state\":\"open\",\"html_url\":\"https://github.com/acme/shop/pull/1347\","
                            + "\"head\":{\"ref\":\"task/fix-login\"},\"base\":{\"ref\":\"main\"}}")));
    PullRequest pr =
        forge("github", "git@github.com:acme/shop.git", Map.of("GITHUB_TOKEN", TOKEN)).open(draft);
    assertThat(pr)
        .isEqualTo(
            new PullRequest(
                "github",
                "1347",
                "https://github.com/acme/shop/pull/1347",
                "task/fix-login",
                "main",
                false));
    server.verify(
        getRequestedFor(
                urlEqualTo(
                    "/api/repos/acme/shop/pulls?state=open&head=acme%3Atask%2Ffix-login&base=main"))
            .withHeader("Authorization", equalTo("Bearer " + TOKEN))
            .withHeader("Accept", equalTo("application/vnd.github+json"))
            .withHeader("X-GitHub-Api-Version", equalTo("2022-11-28")));
    server.verify(
        postRequestedFor(urlEqualTo("/api/repos/acme/shop/pulls"))
            .withRequestBody(
                equalToJson(
                    "{\"title\":\"Fix the login check\",\"head\":\"task/fix-login\",\"base\":\"main\",\"body\":\"Summary…\"}")));
  }

  @Test
  void githubReusesTheOpenPullRequestForTheBranch() {
    server.stubFor(
        get(urlPathEqualTo("/api/repos/acme/shop/pulls"))
            .willReturn(
                okJson(
                    "[{\"number\":7,\"html_url\":\"https://github.com/acme/shop/pull/7\",\"head\":{\"ref\":\"task/fix-login\"},\"base\":{\"ref\":\"main\"}}]")));
    PullRequest pr =
        forge("github", "https://github.com/acme/shop", Map.of("GH_TOKEN", TOKEN)).open(draft);
    assertThat(pr.existing()).isTrue();
    assertThat(pr.id()).isEqualTo("7");
    server.verify(0, postRequestedFor(urlPathEqualTo("/api/repos/acme/shop/pulls")));
  }

  @Test
  void githubAlreadyExistsRaceIsResolvedByLookingAgain() {
    server.stubFor(
        get(urlPathEqualTo("/api/repos/acme/shop/pulls"))
            .inScenario("race")
            .whenScenarioStateIs(Scenario.STARTED)
            .willReturn(okJson("[]"))
            .willSetStateTo("created elsewhere"));
    server.stubFor(
        post(urlEqualTo("/api/repos/acme/shop/pulls"))
            .willReturn(
                aResponse()
                    .withStatus(422)
                    .withHeader("Content-Type", "application/json")
                    .withBody(
                        "{\"message\":\"Validation Failed\",\"errors\":[{\"resource\":\"PullRequest\",\"code\":\"custom\","
                            + "\"message\":\"A pull request already exists for acme:task/fix-login.\"}],"
                            + "\"documentation_url\":\"https://docs.github.com/rest/pulls/pulls#create-a-pull-request\",\"status\":\"422\"}")));
    server.stubFor(
        get(urlPathEqualTo("/api/repos/acme/shop/pulls"))
            .inScenario("race")
            .whenScenarioStateIs("created elsewhere")
            .willReturn(
                okJson(
                    "[{\"number\":9,\"html_url\":\"https://github.com/acme/shop/pull/9\",\"head\":{\"ref\":\"task/fix-login\"}}]")));
    PullRequest pr =
        forge("github", "https://github.com/acme/shop.git", Map.of("GITHUB_TOKEN", TOKEN))
            .open(draft);
    assertThat(pr.id()).isEqualTo("9");
    assertThat(pr.existing()).isTrue();
  }

  @Test
  void githubValidationErrorsCarryTheForgesMessage() {
    server.stubFor(get(urlPathEqualTo("/api/repos/acme/shop/pulls")).willReturn(okJson("[]")));
    server.stubFor(
        post(urlEqualTo("/api/repos/acme/shop/pulls"))
            .willReturn(
                aResponse()
                    .withStatus(422)
                    .withHeader("Content-Type", "application/json")
                    .withBody(
                        "{\"message\":\"Validation Failed\",\"errors\":[{\"resource\":\"PullRequest\",\"field\":\"head\",\"code\":\"invalid\"}]}")));
    assertThatThrownBy(
            () ->
                forge("github", "https://github.com/acme/shop.git", Map.of("GITHUB_TOKEN", TOKEN))
                    .open(draft))
        .isInstanceOf(ForgeException.class)
        .hasMessageContaining(
            "GitHub refused to open a pull request from task/fix-login into main in acme/shop (HTTP 422)")
        .hasMessageContaining("Validation Failed: invalid");
  }

  @Test
  void badTokenIsA401WithAdviceAndTheTokenIsNeverShown() {
    server.stubFor(
        get(urlPathEqualTo("/api/repos/acme/shop/pulls"))
            .willReturn(
                aResponse()
                    .withStatus(401)
                    .withHeader("Content-Type", "application/json")
                    .withBody(
                        "{\"message\":\"Bad credentials: "
                            + TOKEN
                            + "\",\"documentation_url\":\"https://docs.github.com/rest\"}")));
    assertThatThrownBy(
            () ->
                forge("github", "https://github.com/acme/shop.git", Map.of("GITHUB_TOKEN", TOKEN))
                    .open(draft))
        .isInstanceOf(ForgeException.class)
        .satisfies(e -> assertThat(((ForgeException) e).status()).isEqualTo(401))
        .hasMessageContaining("Bad credentials")
        .hasMessageContaining("GITHUB_TOKEN was rejected")
        .hasMessageNotContaining(TOKEN);
  }

  @Test
  void missingTokenSaysWhichVariableToSet() {
    assertThatThrownBy(
            () -> forge("github", "https://github.com/acme/shop.git", Map.of()).open(draft))
        .hasMessageContaining("set GITHUB_TOKEN or GH_TOKEN");
    assertThatThrownBy(
            () -> forge("gitlab", "https://gitlab.com/acme/shop.git", Map.of()).open(draft))
        .hasMessageContaining("set GITLAB_TOKEN");
  }

  @Test
  void gitlabCreatesAMergeRequestInASubgroupProject() {
    String project = "/api/projects/acme%2Fteam%2Fshop/merge_requests";
    server.stubFor(get(urlPathEqualTo(project)).willReturn(okJson("[]")));
    server.stubFor(
        post(urlEqualTo(project))
            .willReturn(
                aResponse()
                    .withStatus(201)
                    .withHeader("Content-Type", "application/json")
                    .withBody(
                        "{\"id\":99,\"iid\":12,\"state\":\"opened\",\"web_url\":\"https://gitlab.example.com/acme/team/shop/-/merge_requests/12\","
                            + "\"source_branch\":\"task/fix-login\",\"target_branch\":\"main\"}")));
    PullRequest pr =
        forge(
                "gitlab",
                "ssh://git@gitlab.example.com:2222/acme/team/shop.git",
                Map.of("GITLAB_TOKEN", TOKEN))
            .open(draft);
    assertThat(pr)
        .isEqualTo(
            new PullRequest(
                "gitlab",
                "12",
                "https://gitlab.example.com/acme/team/shop/-/merge_requests/12",
                "task/fix-login",
                "main",
                false));
    server.verify(
        postRequestedFor(urlEqualTo(project))
            .withHeader("PRIVATE-TOKEN", equalTo(TOKEN))
            .withRequestBody(
                equalToJson(
                    "{\"source_branch\":\"task/fix-login\",\"target_branch\":\"main\",\"title\":\"Fix the login check\",\"description\":\"Summary…\"}")));
  }

  @Test
  void gitlabConflictMeansItExistsAlready() {
    String project = "/api/projects/acme%2Fshop/merge_requests";
    server.stubFor(
        get(urlPathEqualTo(project))
            .inScenario("r")
            .whenScenarioStateIs(Scenario.STARTED)
            .willReturn(okJson("[]"))
            .willSetStateTo("exists"));
    server.stubFor(
        post(urlEqualTo(project))
            .willReturn(
                aResponse()
                    .withStatus(409)
                    .withHeader("Content-Type", "application/json")
                    .withBody(
                        "{\"message\":[\"Another open merge request already exists for this source branch: !4\"]}")));
    server.stubFor(
        get(urlPathEqualTo(project))
            .inScenario("r")
            .whenScenarioStateIs("exists")
            .willReturn(
                okJson(
                    "[{\"iid\":4,\"web_url\":\"https://gitlab.com/acme/shop/-/merge_requests/4\",\"source_branch\":\"task/fix-login\"}]")));
    PullRequest pr =
        forge("gitlab", "https://gitlab.com/acme/shop.git", Map.of("GITLAB_TOKEN", TOKEN))
            .open(draft);
    assertThat(pr.id()).isEqualTo("4");
    assertThat(pr.existing()).isTrue();
  }

  @Test
  void giteaCreatesAndFindsPullRequests() {
    server.stubFor(
        get(urlPathEqualTo("/api/repos/acme/shop/pulls"))
            .willReturn(
                okJson(
                    "[{\"number\":3,\"html_url\":\"https://code.example.com/acme/shop/pulls/3\",\"head\":{\"ref\":\"other\"},\"base\":{\"ref\":\"main\"}}]")));
    server.stubFor(
        post(urlEqualTo("/api/repos/acme/shop/pulls"))
            .willReturn(
                aResponse()
                    .withStatus(201)
                    .withHeader("Content-Type", "application/json")
                    .withBody(
                        "{\"id\":50,\"number\":4,\"state\":\"open\",\"html_url\":\"https://code.example.com/acme/shop/pulls/4\"}")));
    PullRequest pr =
        forge("forgejo", "https://code.example.com/acme/shop.git", Map.of("FORGEJO_TOKEN", TOKEN))
            .open(draft);
    assertThat(pr.id()).isEqualTo("4");
    assertThat(pr.forge()).isEqualTo("gitea");
    server.verify(
        postRequestedFor(urlEqualTo("/api/repos/acme/shop/pulls"))
            .withHeader("Authorization", equalTo("token " + TOKEN))
            .withRequestBody(
                equalToJson(
                    "{\"head\":\"task/fix-login\",\"base\":\"main\",\"title\":\"Fix the login check\",\"body\":\"Summary…\"}")));
  }

  @Test
  void localForgeRecordsTheBranchOnTheRemote() {
    PullRequest pr =
        Forges.create(Forges.Settings.of("local"), "/srv/git/shop.git", Map.of(), client)
            .open(draft);
    assertThat(pr)
        .isEqualTo(
            new PullRequest(
                "local",
                "task/fix-login",
                "/srv/git/shop.git#task/fix-login",
                "task/fix-login",
                "main",
                false));
  }

  @Test
  void remoteUrlsInEveryCommonForm() {
    assertThat(RemoteUrl.parse("git@github.com:acme/shop.git"))
        .isEqualTo(new RemoteUrl("github.com", "acme/shop"));
    assertThat(RemoteUrl.parse("https://github.com/acme/shop"))
        .isEqualTo(new RemoteUrl("github.com", "acme/shop"));
    assertThat(RemoteUrl.parse("https://user:pw@ghe.corp/acme/shop.git/"))
        .isEqualTo(new RemoteUrl("ghe.corp", "acme/shop"));
    assertThat(RemoteUrl.parse("ssh://git@gitlab.example.com:2222/a/b/c.git"))
        .isEqualTo(new RemoteUrl("gitlab.example.com", "a/b/c"));
    assertThat(RemoteUrl.parse("ssh://git@gitlab.example.com:2222/a/b/c.git").owner())
        .isEqualTo("a/b");
    assertThatThrownBy(() -> RemoteUrl.parse("/srv/git/shop.git"))
        .hasMessageContaining("--forge local");
    assertThat(ForgeKind.GITHUB.defaultApi("github.com"))
        .isEqualTo(URI.create("https://api.github.com"));
    assertThat(ForgeKind.GITHUB.defaultApi("ghe.corp"))
        .isEqualTo(URI.create("https://ghe.corp/api/v3"));
    assertThatThrownBy(() -> Forges.Settings.of("bitbucket"))
        .hasMessageContaining("unknown forge 'bitbucket'");
  }
}
