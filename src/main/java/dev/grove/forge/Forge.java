package dev.grove.forge;

/**
 * Where finished work is proposed for merging. Opening is idempotent: a pull request already open
 * for the branch is found and returned rather than duplicated, so re-running a run is safe. Tokens
 * come from environment variables only.
 */
public sealed interface Forge permits RestForge, LocalForge {

  /** {@code github}, {@code gitlab}, {@code gitea} or {@code local}. */
  String kind();

  /**
   * Opens a pull request, or returns the one already open for {@code draft.head()} into its base.
   */
  PullRequest open(PullRequestDraft draft);
}
