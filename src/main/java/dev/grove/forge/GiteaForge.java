package dev.grove.forge;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;

/**
 * Gitea and Forgejo pull requests through their REST API (v1), which is GitHub's: only listing (no
 * filter by head branch, so paged) and "exists" (a 409; a 422 on older versions) differ.
 */
public final class GiteaForge extends GitHubForge {
  private static final int PAGE = 50;
  private static final int MAX_PAGES = 20;

  GiteaForge(URI api, RemoteUrl repo, Http http, String tokenEnv) {
    super(api, repo, http, tokenEnv);
  }

  @Override
  public String kind() {
    return "gitea";
  }

  @Override
  PullRequest find(PullRequestDraft d) {
    for (int page = 1; page <= MAX_PAGES; page++) {
      Http.Response r = http.get(repoUri("/pulls?state=open&limit=" + PAGE + "&page=" + page));
      if (r.status() != 200) {
        throw http.failure("list pull requests of " + repo.path(), r, tokenEnv);
      }
      for (JsonNode pr : listed(r)) {
        if (d.head().equals(pr.path("head").path("ref").asText())
            && d.base().equals(pr.path("base").path("ref").asText())) {
          return pullRequest(pr, d, true);
        }
      }
      if (r.body().size() < PAGE) {
        return null;
      }
    }
    return null;
  }

  @Override
  boolean saysItExists(Http.Response r) {
    return r.status() == 409 || r.status() == 422;
  }
}
