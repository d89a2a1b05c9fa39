package dev.grove.model;

import java.time.Duration;
import java.util.Objects;

/**
 * How transient model failures (429, 5xx, timeouts, dropped connections) are retried: up to {@code
 * maxAttempts} tries in all, waiting {@code initialDelay}, then twice as long each time up to
 * {@code maxDelay}, each wait stretched by up to {@code jitter} (a fraction) so parallel agents
 * spread out. A provider's {@code Retry-After} replaces the computed wait; one longer than {@code
 * maxRetryAfter} ends the call at once rather than stalling an agent for that long.
 */
public record RetryPolicy(
    int maxAttempts,
    Duration initialDelay,
    Duration maxDelay,
    Duration maxRetryAfter,
    double jitter) {
  public static final RetryPolicy DEFAULT =
      new RetryPolicy(5, Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofMinutes(2), 0.2);

  public RetryPolicy {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("max-attempts must be at least 1, not " + maxAttempts);
    }
    Objects.requireNonNull(initialDelay, "initialDelay");
    Objects.requireNonNull(maxDelay, "maxDelay");
    Objects.requireNonNull(maxRetryAfter, "maxRetryAfter");
    if (initialDelay.isNegative() || maxDelay.isNegative() || maxRetryAfter.isNegative()) {
      throw new IllegalArgumentException("retry delays must not be negative");
    }
    if (!(jitter >= 0 && jitter <= 1)) {
      throw new IllegalArgumentException("jitter must be between 0 and 1, not " + jitter);
    }
  }

  /**
   * The wait before try {@code attempt + 1}, after {@code attempt} (1-based) failed, before jitter.
   */
  Duration backoff(int attempt) {
    Duration d = initialDelay;
    for (int i = 1; i < attempt && d.compareTo(maxDelay) < 0; i++) {
      d = d.multipliedBy(2);
    }
    return d.compareTo(maxDelay) > 0 ? maxDelay : d;
  }
}
