package dev.grove.forge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * GitHub and GitHub Enterprise, through the REST API: looks for an open pull request from the branch
 * first, then creates one; a 422 "already exists" (a race with another run) is resolved by looking
 * again.
 */
public final class GitHubForge implements Forge {
  private final URI api;
  private final RemoteUrl repo;
  private final Http http;
  private final String tokenEnv;

  GitHubForge(URI api, RemoteUrl repo, Http http, String tokenEnv) {
    this.api = api;
    this.repo = repo;
    this.http = http;
    this.tokenEnv = tokenEnv;
  }

  @Override
  public String kind() {
    return "github";
  }

  @Override
  public PullRequest open(PullRequestDraft d) {
    PullRequest existing = find(d);
    if (existing != null) {
      return existing;
    }
    ObjectNode body = Http.JSON.createObjectNode()
        .put("title", d.title()).put("head", d.head()).put("base", d.base()).put("body", d.body());
    Http.Response r = http.post(uri("/pulls"), body);
    if (r.status() == 201 || r.status() == 200) {
      return pr(r.body(), d, false);
    }
    if (r.status() == 422 && http.message(r).contains("already exists")) {
      PullRequest raced = find(d);
      if (raced != null) {
        return raced;
      }
    }
    throw http.failure("open a pull request from " + d.head() + " into " + d.base() + " in " + repo.path(), r, tokenEnv);
  }

  private PullRequest find(PullRequestDraft d) {
    String head = URLEncoder.encode(repo.owner() + ":" + d.head(), StandardCharsets.UTF_8);
    String base = URLEncoder.encode(d.base(), StandardCharsets.UTF_8);
    Http.Response r = http.get(uri("/pulls?state=open&head=" + head + "&base=" + base));
    if (r.status() != 200) {
      throw http.failure("list pull requests of " + repo.path(), r, tokenEnv);
    }
    for (JsonNode pr : r.body()) {
      if (d.head().equals(pr.path("head").path("ref").asText())) {
        return pr(pr, d, true);
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
