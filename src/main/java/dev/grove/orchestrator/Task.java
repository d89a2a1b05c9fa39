package dev.grove.orchestrator;

import java.util.Locale;
import java.util.Objects;

/**
 * One job for one agent.
 *
 * @param slug the lane and branch name ({@code task/<slug>}); null to derive one from the text
 * @param verify a shell command that must pass (in the sandbox) before the work ships; null for the
 *     run's default
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

  /** A slug from the first words of the text: "Fix the login bug!" → {@code fix-the-login-bug}. */
  String suggestedSlug() {
    if (slug != null) {
      return slug;
    }
    StringBuilder sb = new StringBuilder();
    for (String word : text.toLowerCase(Locale.ROOT).split("[^a-z0-9]+")) {
      if (word.isEmpty()) {
        continue;
      }
      if (sb.length() + word.length() + 1 > 40) {
        break;
      }
      sb.append(sb.isEmpty() ? "" : "-").append(word);
    }
    return sb.isEmpty() ? "task" : sb.toString();
  }
}
