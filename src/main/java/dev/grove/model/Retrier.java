package dev.grove.model;

import java.time.Duration;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/** The one retry policy of a provider model (LangChain4j's own retries are turned off). */
final class Retrier {
  private final RetryPolicy policy;
  private final Models.Sleeper sleeper;
  private final RandomGenerator random;

  Retrier(RetryPolicy policy, Models.Sleeper sleeper, RandomGenerator random) {
    this.policy = policy;
    this.sleeper = sleeper;
    this.random = random;
  }

  /**
   * Calls {@code call} until it succeeds, fails in a way that is not retriable, the attempts are
   * used up, or the next try could not start before {@code deadline}; every failure is turned into
   * a {@link ModelException} by {@code classify}.
   */
  <T> T run(
      Supplier<T> call,
      Function<RuntimeException, ProviderErrors.Failure> classify,
      Deadline deadline) {
    for (int attempt = 1; ; attempt++) {
      ProviderErrors.Failure f;
      try {
        return call.get();
      } catch (RuntimeException e) {
        f = classify.apply(e);
      }
      ModelException error = f.error();
      if (!error.retriable() || attempt >= policy.maxAttempts()) {
        throw error.afterAttempts(attempt);
      }
      int failed = attempt;
      Duration wait = f.retryAfter().orElseGet(() -> jittered(policy.backoff(failed)));
      if (wait.compareTo(policy.maxRetryAfter()) > 0) {
        throw new ModelException(
            error.kind(),
            error.getMessage()
                + "; the provider asks to wait "
                + ProviderErrors.human(wait)
                + ", longer than max-retry-after ("
                + ProviderErrors.human(policy.maxRetryAfter())
                + ")",
            true,
            error.status().orElse(0),
            error.providerMessage().orElse(null),
            attempt,
            error.getCause());
      }
      if (wait.compareTo(deadline.left()) >= 0) {
        throw new ModelException(
            error.kind(),
            error.getMessage()
                + "; not retried: the time this call was given "
                + "runs out before the next try",
            true,
            error.status().orElse(0),
            error.providerMessage().orElse(null),
            attempt,
            error.getCause());
      }
      try {
        sleeper.sleep(wait);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ModelException(
            ModelException.Kind.INTERRUPTED,
            "interrupted while waiting to retry after: " + error.getMessage(),
            false,
            error.status().orElse(0),
            error.providerMessage().orElse(null),
            attempt,
            error.getCause());
      }
    }
  }

  private Duration jittered(Duration d) {
    if (policy.jitter() == 0) {
      return d;
    }
    return Duration.ofMillis((long) (d.toMillis() * (1 + policy.jitter() * random.nextDouble())));
  }
}
