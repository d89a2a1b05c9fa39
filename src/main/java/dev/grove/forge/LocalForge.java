package dev.grove.forge;

/**
 * No forge at all: the branch is pushed to a plain git remote (a bare repository will do) and the
 * pull request exists only as grove's record of it; {@code grove merge} merges it. The id is the
 * branch, the URL names the remote and the branch.
 */
public final class LocalForge implements Forge {
  private final String remoteUrl;

  /**
   * @param remoteUrl the remote's URL; its credentials, if it has any, are not kept
   */
  public LocalForge(String remoteUrl) {
    this.remoteUrl = RemoteUrl.withoutCredentials(remoteUrl);
  }

  @Override
  public String kind() {
    return "local";
  }

  @Override
  public PullRequest open(PullRequestDraft d) {
    return new PullRequest(kind(), d.head(), remoteUrl + "#" + d.head(), d.head(), d.base(), false);
  }
}
