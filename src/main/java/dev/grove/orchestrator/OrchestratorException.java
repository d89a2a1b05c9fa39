package dev.grove.orchestrator;

/** A run cannot go on as asked; the message says why and what to do. */
public final class OrchestratorException extends RuntimeException {
  public OrchestratorException(String message) {
    super(message);
  }

  public OrchestratorException(String message, Throwable cause) {
    super(message, cause);
  }
}
