package dev.grove.session.catalog;

import java.util.Objects;

/**
 * A session whose message text holds what was searched for.
 *
 * @param entry the id of the first entry that holds it (as {@code grove session show} takes it)
 * @param snippet the words around it, on one line
 */
public record Hit(Summary session, String entry, String snippet) {
  public Hit {
    Objects.requireNonNull(session, "session");
    Objects.requireNonNull(entry, "entry");
    Objects.requireNonNull(snippet, "snippet");
  }
}
