package dev.grove.git;

import java.text.Normalizer;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A task's short name: lowercase ASCII letters and digits in words joined by single hyphens, at most
 * {@value #MAX_LENGTH} characters ({@code fix-login}). It names the branch {@code task/<slug>} and the
 * worktree's directory, so it must be safe as both.
 */
public record Slug(String value) {
  public static final int MAX_LENGTH = 64;
  private static final Pattern VALID = Pattern.compile("[a-z0-9]+(?:-[a-z0-9]+)*");

  public Slug {
    Objects.requireNonNull(value, "slug");
    if (value.length() > MAX_LENGTH || !VALID.matcher(value).matches()) {
      throw new IllegalArgumentException("not a valid slug: '" + value + "' (use lowercase letters, digits and "
          + "single hyphens, at most " + MAX_LENGTH + " characters, e.g. fix-login)");
    }
  }

  /**
   * Makes a slug from free text: accents dropped, lowercased, every run of other characters turned
   * into one hyphen ({@code "Fix the Login bug!"} → {@code fix-the-login-bug}).
   *
   * @throws IllegalArgumentException if nothing usable is left, or the result is too long
   */
  public static Slug of(String text) {
    Objects.requireNonNull(text, "slug");
    String n = Normalizer.normalize(text, Normalizer.Form.NFKD).replaceAll("\\p{M}+", "")
        .toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-|-$", "");
    if (n.isEmpty()) {
      throw new IllegalArgumentException("'" + text + "' has no letters or digits to make a slug of; "
          + "use a short name such as fix-login");
    }
    if (n.length() > MAX_LENGTH) {
      throw new IllegalArgumentException("slug '" + n + "' is " + n.length() + " characters long; use at most "
          + MAX_LENGTH);
    }
    return new Slug(n);
  }

  /** The branch the task works on. */
  public String branch() {
    return "task/" + value;
  }

  /** {@code <slug>-<n>}, shortened at the end if needed to stay within the length limit. */
  public Slug withSuffix(int n) {
    String suffix = "-" + n;
    String base = value.length() + suffix.length() <= MAX_LENGTH ? value
        : value.substring(0, MAX_LENGTH - suffix.length()).replaceAll("-+$", "");
    return new Slug(base + suffix);
  }

  @Override
  public String toString() {
    return value;
  }
}
