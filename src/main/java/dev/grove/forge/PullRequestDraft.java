package dev.grove.forge;

import java.util.Objects;

/** A pull request to open: from branch {@code head} into {@code base}. */
public record PullRequestDraft(String head, String base, String title, String body) {
  public PullRequestDraft {
    Objects.requireNonNull(head, "head");
    Objects.requireNonNull(base, "base");
    Objects.requireNonNull(title, "title");
    body = body == null ? "" : body;
    if (head.isBlank() || base.isBlank()) {
      throw new IllegalArgumentException("a pull request needs a head and a base branch");
    }
    if (head.equals(base)) {
      throw new IllegalArgumentException(
          "a pull request from " + head + " into itself makes no sense");
    }
    if (title.isBlank()) {
      throw new IllegalArgumentException("a pull request needs a title");
    }
  }
}
