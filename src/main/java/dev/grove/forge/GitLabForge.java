package dev.grove.forge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** GitLab merge requests through the REST API (v4), including self-managed instances and subgroups. */
public final class GitLabForge implements Forge {
  private final URI api;
  private final RemoteUrl repo;
  private final Http http;
  private final String tokenEnv;

  GitLabForge(URI api, RemoteUrl repo, Http http, String tokenEnv) {
    this.api = api;
    this.repo = repo;
    this.http = http;
    this.tokenEnv = tokenEnv;
  }

  @Override
  public String kind() {
    return "gitlab";
  }

  @Override
  public PullRequest open(PullRequestDraft d) {
    PullRequest existing = find(d);
    if (existing != null) {
      return existing;
    }
    ObjectNode body = Http.JSON.createObjectNode()
        .put("source_branch", d.head()).put("target_branch", d.base())
        .put("title", d.title()).put("description", d.body());
    Http.Response r = http.post(uri("/merge_requests"), body);
    if (r.status() == 201 || r.status() == 200) {
      return mr(r.body(), d, false);
    }
    if (r.status() == 409) { // "Another open merge request already exists for this source branch"
      PullRequest raced = find(d);
      if (raced != null) {
        return raced;
      }
    }
    throw http.failure("open a merge request from " + d.head() + " into " + d.base() + " in " + repo.path(), r, tokenEnv);
  }

  private PullRequest find(PullRequestDraft d) {
    Http.Response r = http.get(uri("/merge_requests?state=opened&source_branch="
        + URLEncoder.encode(d.head(), StandardCharsets.UTF_8) + "&target_branch="
        + URLEncoder.encode(d.base(), StandardCharsets.UTF_8)));
    if (r.status() != 200) {
      throw http.failure("list merge requests of " + repo.path(), r, tokenEnv);
    }
    for (JsonNode mr : r.body()) {
      if (d.head().equals(mr.path("source_branch").asText())) {
        return mr(mr, d, true);
      }
    }
    return null;
  }

  private PullRequest mr(JsonNode n, PullRequestDraft d, boolean existing) {
    return new PullRequest(kind(), n.path("iid").asText(), n.path("web_url").asText(), d.head(), d.base(), existing);
  }

  private URI uri(String tail) {
    String project = URLEncoder.encode(repo.path(), StandardCharsets.UTF_8);
    return URI.create(api.toString().replaceAll("/+$", "") + "/projects/" + project + tail);
  }
}
