package dev.grove.forge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;

/**
 * A forge with a REST API. Opening is the same everywhere: look for a pull request already open for
 * the branch; if there is none, create one; if creating says it exists (another run got there
 * first), look again. The forges differ only in their URLs, their JSON, and how "exists" is said.
 */
abstract sealed class RestForge implements Forge permits GitHubForge, GitLabForge {
  final URI api;
  final RemoteUrl repo;
  final Http http;
  final String tokenEnv;

  RestForge(URI api, RemoteUrl repo, Http http, String tokenEnv) {
    this.api = api;
    this.repo = repo;
    this.http = http;
    this.tokenEnv = tokenEnv;
  }

  @Override
  public final PullRequest open(PullRequestDraft d) {
    PullRequest existing = find(d);
    if (existing != null) {
      return existing;
    }
    Http.Response r = http.post(createUri(), createBody(d));
    if (r.status() == 201 || r.status() == 200) {
      return pullRequest(r.body(), d, false);
    }
    if (saysItExists(r)) {
      PullRequest raced = find(d);
      if (raced != null) {
        return raced;
      }
    }
    throw http.failure("open a " + noun() + " from " + d.head() + " into " + d.base() + " in " + repo.path(), r, tokenEnv);
  }

  /** The pull request open for the draft's branch into its base, or null. */
  abstract PullRequest find(PullRequestDraft d);

  abstract URI createUri();

  abstract ObjectNode createBody(PullRequestDraft d);

  /** Whether a failed create means "one is already open for this branch". */
  abstract boolean saysItExists(Http.Response r);

  abstract PullRequest pullRequest(JsonNode n, PullRequestDraft d, boolean existing);

  String noun() {
    return "pull request";
  }

  URI uri(String tail) {
    return URI.create(api.toString().replaceAll("/+$", "") + tail);
  }
}
