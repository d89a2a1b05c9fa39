package dev.grove.forge;

import java.util.Objects;

/**
 * A pull request (a merge request on GitLab) as the forge knows it.
 *
 * @param id the forge's number for it ({@code 42} for GitHub/Gitea, the MR iid for GitLab, the
 *     branch for local)
 * @param url where a person opens it
 * @param existing true when it was already open for the branch and grove reused it
 */
public record PullRequest(
    String forge, String id, String url, String head, String base, boolean existing) {
  public PullRequest {
    Objects.requireNonNull(forge, "forge");
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(url, "url");
  }
}
