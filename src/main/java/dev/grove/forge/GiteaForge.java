package dev.grove.forge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;

/** Gitea and Forgejo pull requests through their REST API (v1). */
public final class GiteaForge implements Forge {
  private static final int PAGE = 50;
  private static final int MAX_PAGES = 20;

  private final URI api;
  private final RemoteUrl repo;
  private final Http http;
  private final String tokenEnv;

  GiteaForge(URI api, RemoteUrl repo, Http http, String tokenEnv) {
    this.api = api;
    this.repo = repo;
    this.http = http;
    this.tokenEnv = tokenEnv;
  }

  @Override
  public String kind() {
    return "gitea";
  }

  @Override
  public PullRequest open(PullRequestDraft d) {
    PullRequest existing = find(d);
    if (existing != null) {
      return existing;
    }
    ObjectNode body = Http.JSON.createObjectNode()
        .put("head", d.head()).put("base", d.base()).put("title", d.title()).put("body", d.body());
    Http.Response r = http.post(uri("/pulls"), body);
    if (r.status() == 201 || r.status() == 200) {
      return pr(r.body(), d, false);
    }
    if (r.status() == 409 || r.status() == 422) { // pull request already exists for these targets
      PullRequest raced = find(d);
      if (raced != null) {
        return raced;
      }
    }
    throw http.failure("open a pull request from " + d.head() + " into " + d.base() + " in " + repo.path(), r, tokenEnv);
  }

  private PullRequest find(PullRequestDraft d) {
    for (int page = 1; page <= MAX_PAGES; page++) {
      Http.Response r = http.get(uri("/pulls?state=open&limit=" + PAGE + "&page=" + page));
      if (r.status() != 200) {
        throw http.failure("list pull requests of " + repo.path(), r, tokenEnv);
      }
      for (JsonNode pr : r.body()) {
        if (d.head().equals(pr.path("head").path("ref").asText()) && d.base().equals(pr.path("base").path("ref").asText())) {
          return pr(pr, d, true);
        }
      }
      if (r.body().size() < PAGE) {
        return null;
      }
    }
    return null;
  }

  private PullRequest pr(JsonNode n, PullRequestDraft d, boolean existing) {
    return new PullRequest(kind(), n.path("number").asText(), n.path("html_url").asText(), d.head(), d.base(), existing);
  }

  private URI uri(String tail) {
    return URI.create(api.toString().replaceAll("/+$", "") + "/repos/" + repo.owner() + "/" + repo.name() + tail);
  }
}
