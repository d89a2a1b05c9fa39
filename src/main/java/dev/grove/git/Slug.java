package dev.grove.git;

import java.text.Normalizer;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A task's short name: words of lowercase letters and digits joined by single hyphens, at most
 * {@value #MAX_LENGTH} characters ({@code fix-login}). It names the branch {@code task/<slug>} and
 * the worktree's directory, so it must be safe as both.
 *
 * <p>There is one way to make a slug from text, {@link #of} (and {@link #suggest} for a long task):
 * Latin letters lose their accents and ligatures are spelled out ({@code Ünïcödé naïve café} →
 * {@code unicode-naive-cafe}, {@code Straße} → {@code strasse}); letters of other scripts are kept
 * as they are, lowercased where the script has case ({@code 修复登录页面} stays readable, {@code Ошибка}
 * → {@code ошибка}); everything else — punctuation, symbols, emoji — separates words. Mixed scripts
 * are kept as written: grove names lanes after tasks, and does not guard against look-alike
 * letters.
 */
public record Slug(String value) {
  public static final int MAX_LENGTH = 64;

  /** Lowercase letters (of any script), letters of scripts without case, digits. */
  private static final String WORD = "[\\p{Ll}\\p{Lo}\\p{Lm}\\p{Nd}]+";

  private static final Pattern VALID = Pattern.compile(WORD + "(?:-" + WORD + ")*");
  private static final Pattern NOT_WORD = Pattern.compile("[^\\p{Ll}\\p{Lo}\\p{Lm}\\p{Nd}]+");

  /** Latin letters that lose no accent but must be spelled out to be plain ASCII. */
  private static final Map<String, String> SPELLED =
      Map.ofEntries(
          Map.entry("ß", "ss"),
          Map.entry("æ", "ae"),
          Map.entry("œ", "oe"),
          Map.entry("ø", "o"),
          Map.entry("đ", "d"),
          Map.entry("ð", "d"),
          Map.entry("ł", "l"),
          Map.entry("þ", "th"),
          Map.entry("ı", "i"),
          Map.entry("ħ", "h"),
          Map.entry("ŧ", "t"),
          Map.entry("ŋ", "n"));

  public Slug {
    Objects.requireNonNull(value, "slug");
    if (value.length() > MAX_LENGTH || !VALID.matcher(value).matches()) {
      throw new IllegalArgumentException(
          "not a valid slug: '"
              + value
              + "' (use lowercase letters, digits and "
              + "single hyphens, at most "
              + MAX_LENGTH
              + " characters, e.g. fix-login)");
    }
  }

  /**
   * Makes a slug from free text (see the class comment): {@code "Fix the Login bug!"} → {@code
   * fix-the-login-bug}.
   *
   * @throws IllegalArgumentException if nothing usable is left, or the result is too long
   */
  public static Slug of(String text) {
    Objects.requireNonNull(text, "slug");
    String n = words(text);
    if (n.isEmpty()) {
      throw new IllegalArgumentException(
          "'"
              + text
              + "' has no letters or digits to make a slug of; "
              + "use a short name such as fix-login");
    }
    if (n.length() > MAX_LENGTH) {
      throw new IllegalArgumentException(
          "slug '" + n + "' is " + n.length() + " characters long; use at most " + MAX_LENGTH);
    }
    return new Slug(n);
  }

  /**
   * A slug for a task of any length: its first words, cut at a word boundary to at most {@code
   * maxLength} characters; {@code task} when the text has no letters or digits at all.
   */
  public static Slug suggest(String text, int maxLength) {
    if (maxLength < 1 || maxLength > MAX_LENGTH) {
      throw new IllegalArgumentException(
          "maxLength must be 1 to " + MAX_LENGTH + ", not " + maxLength);
    }
    StringBuilder sb = new StringBuilder();
    for (String word : words(text).split("-")) {
      if (word.isEmpty()) {
        continue;
      }
      if (sb.length() + word.length() + (sb.isEmpty() ? 0 : 1) > maxLength) {
        if (sb.isEmpty()) {
          sb.append(word, 0, maxLength); // one long word: its start
        }
        break;
      }
      sb.append(sb.isEmpty() ? "" : "-").append(word);
    }
    return new Slug(sb.isEmpty() ? "task" : sb.toString());
  }

  /** The text's words, lowercased, accents of Latin letters dropped, joined by single hyphens. */
  private static String words(String text) {
    String lower = text.toLowerCase(Locale.ROOT);
    StringBuilder spelled = new StringBuilder(lower.length());
    lower
        .codePoints()
        .forEach(
            c ->
                spelled.append(SPELLED.getOrDefault(Character.toString(c), Character.toString(c))));
    // decompose, drop the combining marks (accents), compose again (so Hangul syllables come back
    // whole)
    String plain =
        Normalizer.normalize(
            Normalizer.normalize(spelled, Normalizer.Form.NFKD).replaceAll("\\p{M}+", ""),
            Normalizer.Form.NFC);
    return NOT_WORD.matcher(plain).replaceAll("-").replaceAll("^-+|-+$", "");
  }

  /** The branch the task works on. */
  public String branch() {
    return "task/" + value;
  }

  /** {@code <slug>-<n>}, shortened at the end if needed to stay within the length limit. */
  public Slug withSuffix(int n) {
    String suffix = "-" + n;
    String base =
        value.length() + suffix.length() <= MAX_LENGTH
            ? value
            : value.substring(0, MAX_LENGTH - suffix.length()).replaceAll("-+$", "");
    return new Slug(base + suffix);
  }

  @Override
  public String toString() {
    return value;
  }
}
