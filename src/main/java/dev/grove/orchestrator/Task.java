package dev.grove.orchestrator;

import dev.grove.git.Slug;
import java.util.Objects;

/**
 * One job for one agent.
 *
 * @param slug the lane and branch name ({@code task/<slug>}); null to derive one from the text
 * @param verify a shell command that must pass (in the sandbox) before the work ships, after the
 *     run's own; null for none of its own
 */
public record Task(String slug, String text, String verify) {
  public Task {
    Objects.requireNonNull(text, "task text");
    if (text.isBlank()) {
      throw new IllegalArgumentException("a task needs some text");
    }
  }

  public static Task of(String text) {
    return new Task(null, text, null);
  }

  /** The slug asked for, else one from the first words of the text ({@link Slug#suggest}). */
  String suggestedSlug() {
    return slug != null ? slug : Slug.suggest(text, 40).value();
  }
}
