package dev.grove.model;

import java.util.ArrayList;
import java.util.List;

/**
 * Removes secrets from text before it leaves the model layer. Besides the whole secret, any stretch of
 * {@value #MIN_RUN} or more of its characters is replaced: providers echo keys partly ("sk-abc…wxyz"), and a
 * run that long from a random key does not occur in ordinary text by chance.
 */
final class Redactor {
  static final String MASK = "[REDACTED]";
  static final int MIN_RUN = 8;
  static final Redactor NONE = new Redactor(List.of());

  private final List<String> secrets;

  private Redactor(List<String> secrets) {
    this.secrets = secrets;
  }

  static Redactor of(String... secrets) {
    List<String> s = new ArrayList<>();
    for (String secret : secrets) {
      if (secret != null && !secret.isBlank()) {
        s.add(secret);
      }
    }
    return new Redactor(List.copyOf(s));
  }

  String redact(String text) {
    if (text == null || secrets.isEmpty()) {
      return text;
    }
    String out = text;
    for (String secret : secrets) {
      out = redact(out, secret);
    }
    return out;
  }

  /** Replaces every run of at least min(MIN_RUN, secret length) characters that also occurs in the secret. */
  private static String redact(String text, String secret) {
    int min = Math.min(MIN_RUN, secret.length());
    StringBuilder sb = new StringBuilder(text.length());
    int i = 0;
    while (i < text.length()) {
      int run = longestRunAt(text, i, secret);
      if (run >= min) {
        sb.append(MASK);
        i += run;
      } else {
        sb.append(text.charAt(i));
        i++;
      }
    }
    return sb.toString();
  }

  private static int longestRunAt(String text, int at, String secret) {
    int best = 0;
    for (int s = 0; s < secret.length(); s++) {
      int n = 0;
      while (at + n < text.length() && s + n < secret.length() && text.charAt(at + n) == secret.charAt(s + n)) {
        n++;
      }
      best = Math.max(best, n);
    }
    return best;
  }

  /**
   * A copy of {@code t} and its causes whose messages are redacted, keeping class names and stack traces:
   * something to attach as a cause for debugging without carrying the original messages along.
   */
  Throwable sanitize(Throwable t) {
    if (t == null) {
      return null;
    }
    Throwable copy = new Redacted(t.getClass().getName() + ": " + redact(String.valueOf(t.getMessage())),
        sanitize(t.getCause() == t ? null : t.getCause()));
    copy.setStackTrace(t.getStackTrace());
    return copy;
  }

  /** Stands in for an exception whose message may have held a secret. */
  static final class Redacted extends RuntimeException {
    Redacted(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
