package dev.grove.forge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * GitHub and GitHub Enterprise, through the REST API; "already exists" is a 422. Gitea speaks the
 * same pull-request API and differs only in how it lists and says "exists" ({@link GiteaForge}).
 */
public sealed class GitHubForge extends RestForge permits GiteaForge {
  GitHubForge(URI api, RemoteUrl repo, Http http, String tokenEnv) {
    super(api, repo, http, tokenEnv);
  }

  @Override
  public String kind() {
    return "github";
  }

  @Override
  PullRequest find(PullRequestDraft d) {
    String head = URLEncoder.encode(repo.owner() + ":" + d.head(), StandardCharsets.UTF_8);
    String base = URLEncoder.encode(d.base(), StandardCharsets.UTF_8);
    Http.Response r = http.get(repoUri("/pulls?state=open&head=" + head + "&base=" + base));
    if (r.status() != 200) {
      throw http.failure("list pull requests of " + repo.path(), r, tokenEnv);
    }
    for (JsonNode pr : listed(r)) {
      if (d.head().equals(pr.path("head").path("ref").asText())) {
        return pullRequest(pr, d, true);
      }
    }
    return null;
  }

  @Override
  final URI createUri() {
    return repoUri("/pulls");
  }

  @Override
  final ObjectNode createBody(PullRequestDraft d) {
    return Http.JSON
        .createObjectNode()
        .put("title", d.title())
        .put("head", d.head())
        .put("base", d.base())
        .put("body", d.body());
  }

  @Override
  boolean saysItExists(Http.Response r) {
    return r.status() == 422 && http.message(r).contains("already exists");
  }

  @Override
  final PullRequest pullRequest(JsonNode n, PullRequestDraft d, boolean existing) {
    return described(n.path("number"), n.path("html_url"), d, existing);
  }

  final URI repoUri(String tail) {
    return uri("/repos/" + segment(repo.owner()) + "/" + segment(repo.name()) + tail);
  }
}
