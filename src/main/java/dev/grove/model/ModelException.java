package dev.grove.model;

import java.util.Optional;
import java.util.OptionalInt;

/**
 * A model call failed, or a model could not be created. The message says what happened and what to
 * do; it never contains an API key, even when the provider's error echoed one (see {@link
 * #providerMessage()}). Retries are already done when this escapes {@link ChatModel#chat}: {@link
 * #retriable()} tells whether the failure was of a transient kind (it may succeed later), not that
 * the caller should retry now.
 */
public final class ModelException extends RuntimeException {

  /** What went wrong. */
  public enum Kind {
    /** A bad model spec, config file or missing API key: fix the setup. */
    CONFIG,
    /** A scripted model's script is malformed or cannot go on. */
    SCRIPT,
    /** The provider refused the credentials (401, 403). */
    AUTH,
    /** The provider refused the request (400, 413, 422, …): its message says why. */
    BAD_REQUEST,
    /** No such model or endpoint (404): check the model name and base URL. */
    NOT_FOUND,
    /** Too many requests (429) or out of quota. */
    RATE_LIMITED,
    /** The provider failed (5xx, overloaded). */
    SERVER,
    /** No answer in time. */
    TIMEOUT,
    /** The connection failed (refused, reset, unknown host). */
    NETWORK,
    /** The provider answered with something that could not be read. */
    BAD_RESPONSE,
    /** The thread was interrupted while waiting for the model or to retry. */
    INTERRUPTED
  }

  private final Kind kind;
  private final boolean retriable;
  private final int status;
  private final String providerMessage;
  private final int attempts;

  ModelException(
      Kind kind,
      String message,
      boolean retriable,
      int status,
      String providerMessage,
      int attempts,
      Throwable cause) {
    super(message, cause);
    this.kind = kind;
    this.retriable = retriable;
    this.status = status;
    this.providerMessage = providerMessage;
    this.attempts = attempts;
  }

  static ModelException config(String message) {
    return new ModelException(Kind.CONFIG, message, false, 0, null, 0, null);
  }

  /**
   * A call the caller may not make any more (a run whose budget is spent): no request was sent.
   * Thrown with the thread's interrupt flag set, an agent takes it as a stop between two steps.
   */
  public static ModelException refused(String message) {
    return new ModelException(Kind.CONFIG, message, false, 0, null, 0, null);
  }

  static ModelException script(String message) {
    return new ModelException(Kind.SCRIPT, message, false, 0, null, 0, null);
  }

  /** The same failure after {@code n} attempts, said in the message. */
  ModelException afterAttempts(int n) {
    if (n <= 1) {
      return this;
    }
    ModelException e =
        new ModelException(
            kind,
            getMessage() + " (gave up after " + n + " attempts)",
            retriable,
            status,
            providerMessage,
            n,
            getCause());
    e.setStackTrace(getStackTrace());
    return e;
  }

  public Kind kind() {
    return kind;
  }

  /** True for failures that may pass if tried later (rate limits, server errors, timeouts). */
  public boolean retriable() {
    return retriable;
  }

  /** The HTTP status the provider answered with, if it answered. */
  public OptionalInt status() {
    return status == 0 ? OptionalInt.empty() : OptionalInt.of(status);
  }

  /** The provider's own explanation (from its error body), with any API key redacted. */
  public Optional<String> providerMessage() {
    return Optional.ofNullable(providerMessage);
  }

  /** How many times the call was tried (0 when it never was, e.g. a configuration error). */
  public int attempts() {
    return attempts;
  }
}
