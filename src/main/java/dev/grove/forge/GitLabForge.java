package dev.grove.forge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * GitLab merge requests through the REST API (v4), self-managed instances and subgroups included;
 * "exists" is a 409.
 */
public final class GitLabForge extends RestForge {
  GitLabForge(URI api, RemoteUrl repo, Http http, String tokenEnv) {
    super(api, repo, http, tokenEnv);
  }

  @Override
  public String kind() {
    return "gitlab";
  }

  @Override
  String noun() {
    return "merge request";
  }

  @Override
  PullRequest find(PullRequestDraft d) {
    Http.Response r =
        http.get(
            projectUri(
                "/merge_requests?state=opened&source_branch="
                    + URLEncoder.encode(d.head(), StandardCharsets.UTF_8)
                    + "&target_branch="
                    + URLEncoder.encode(d.base(), StandardCharsets.UTF_8)));
    if (r.status() != 200) {
      throw http.failure("list merge requests of " + repo.path(), r, tokenEnv);
    }
    for (JsonNode mr : listed(r)) {
      if (d.head().equals(mr.path("source_branch").asText())) {
        return pullRequest(mr, d, true);
      }
    }
    return null;
  }

  @Override
  URI createUri() {
    return projectUri("/merge_requests");
  }

  @Override
  ObjectNode createBody(PullRequestDraft d) {
    return Http.JSON
        .createObjectNode()
        .put("source_branch", d.head())
        .put("target_branch", d.base())
        .put("title", d.title())
        .put("description", d.body());
  }

  @Override
  boolean saysItExists(Http.Response r) {
    return r.status() == 409; // "Another open merge request already exists for this source branch"
  }

  @Override
  PullRequest pullRequest(JsonNode n, PullRequestDraft d, boolean existing) {
    return described(n.path("iid"), n.path("web_url"), d, existing);
  }

  /** The project's address: its whole path (namespace, subgroups, name) is one encoded segment. */
  private URI projectUri(String tail) {
    return uri("/projects/" + segment(repo.path()) + tail);
  }
}
