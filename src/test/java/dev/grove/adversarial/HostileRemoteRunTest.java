package dev.grove.adversarial;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.grove.adversarial.Hostile.Shop;
import dev.grove.forge.Forges;
import dev.grove.orchestrator.LaneState;
import dev.grove.orchestrator.Orchestrator;
import dev.grove.orchestrator.OrchestratorException;
import dev.grove.orchestrator.RunStatus;
import dev.grove.orchestrator.Task;
import dev.grove.orchestrator.Workbench;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15, where the remote's URL sends the forge token: a finished lane is shipped (commit, push,
 * pull request) again and again under remote URLs that climb out of the repository's API path
 * ({@code ..}, encoded dots and slashes), carry a query or a fragment, or hold credentials, for
 * each forge, against a forge on loopback; and a forge that drips its answer. The push goes to the
 * real bare remote each time (git's {@code insteadOf}); the forge is asked nothing for a hostile
 * URL, and credentials appear in no event, message or request.
 */
class HostileRemoteRunTest {
  static final String PASSWORD = "s3cr3tPassw0rdInTheUrl";
  @TempDir Path tmp;
  Shop shop;
  Workbench wb;
  String runId;
  final List<String> said = new CopyOnWriteArrayList<>();

  @BeforeEach
  void finishedButNotShipped() {
    shop = Shop.create(tmp);
    wb =
        shop.workbench(
            Scripted.spec(
                tmp.resolve("agent.json"),
                Scripted.anyTask().write("NOTES.md", "notes\n").finish("Wrote the notes.")),
            null);
    try (Orchestrator run =
        Orchestrator.start(
            wb,
            new Orchestrator.Options(null, 1, 0, null, "origin", null, false),
            Orchestrator.Listener.NONE,
            "tasks")) {
      runId = run.runId();
      assertThat(run.runTasks(List.of(Task.of("write the notes"))).lanes().get(0).state())
          .isEqualTo(LaneState.FINISHED);
    }
  }

  /** Ships the lane under this remote URL (pushed for real to the bare remote) to this forge. */
  RunStatus ship(String url, Forges.Settings forge) {
    shop.git("remote", "set-url", "origin", url);
    shop.git("config", "url." + shop.remote() + ".insteadOf", url);
    Orchestrator.Listener listener =
        new Orchestrator.Listener() {
          @Override
          public void lane(String lane, LaneState state, String what) {
            said.add(what);
          }
        };
    try (Orchestrator run =
        Orchestrator.reopen(
            wb,
            runId,
            new Orchestrator.Options(null, null, null, null, null, forge, true),
            listener)) {
      try {
        run.ship("write-the-notes");
      } finally {
        shop.git("config", "--unset-all", "url." + shop.remote() + ".insteadOf");
      }
      return run.status();
    }
  }

  @Test
  void aRemoteUrlThatClimbsQueriesOrHidesNeverSendsTheTokenAnywhereAndCredentialsAreNeverShown()
      throws Exception {
    try (GitHubStub forge = new GitHubStub()) {
      String api = forge.server.baseUrl();
      for (String[] kind :
          new String[][] {
            {"github", "github.com", "/api/v3"},
            {"gitlab", "gitlab.com", "/api/v4"},
            {"gitea", "git.example.com", "/api/v1"}
          }) {
        Forges.Settings settings =
            new Forges.Settings(kind[0], URI.create(api + kind[2]), null, null);
        String host = "https://" + kind[1] + "/";
        for (String url :
            List.of(
                host + "acme/../../admin/shop.git",
                host + "acme/shop.git?private_token=x",
                host + "acme/shop.git#/../../admin",
                host + "acme%2f%2e%2e%2f%2e%2e%2fadmin/shop.git")) {
          assertThatThrownBy(() -> ship(url, settings))
              .as("%s under %s", kind[0], url)
              .isInstanceOf(OrchestratorException.class)
              .hasMessageContaining("pull request failed");
          assertThat(forge.server.getAllServeEvents())
              .as("requests for %s under %s", kind[0], url)
              .isEmpty();
        }
      }
      // credentials in the URL: the pull request opens, and they are shown nowhere
      RunStatus st =
          ship(
              "https://ada:" + PASSWORD + "@github.com/acme/shop.git",
              new Forges.Settings("github", URI.create(api + "/api/v3"), null, null));
      assertThat(st.lanes().get(0).state()).isEqualTo(LaneState.SHIPPED);
      assertThat(forge.created()).hasSize(1);
      assertThat(forge.everythingSent() + String.join("\n", said) + shop.everythingGroveWrote())
          .doesNotContain(PASSWORD);
    }
  }

  @Test
  void aForgeDrippingItsAnswerFailsTheShippingAtItsDeadlineAndLeavesTheLaneToShipAgain()
      throws Exception {
    try (GitHubStub forge = new GitHubStub()) {
      forge.server.stubFor(
          get(urlPathEqualTo(GitHubStub.PULLS))
              .atPriority(1)
              .willReturn(
                  okJson("[" + " ".repeat(600) + "]").withChunkedDribbleDelay(600, 600_000)));
      Forges.Settings settings =
          new Forges.Settings("github", URI.create(forge.apiUrl()), null, Duration.ofSeconds(2));
      assertThatThrownBy(() -> ship("https://github.com/acme/shop.git", settings))
          .isInstanceOf(OrchestratorException.class)
          .hasMessageContaining("within 2s");
      try (Orchestrator run = Orchestrator.inspect(wb, runId)) {
        assertThat(run.status().lanes().get(0).state()).isEqualTo(LaneState.FINISHED);
        assertThat(run.status().lanes().get(0).shippingFailed()).isTrue();
      }
    }
  }
}
