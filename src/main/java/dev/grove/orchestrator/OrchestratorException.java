package dev.grove.orchestrator;

/** A run cannot go on as asked; the message says why and what to do. */
public class OrchestratorException extends RuntimeException {
  public OrchestratorException(String message) {
    super(message);
  }

  public OrchestratorException(String message, Throwable cause) {
    super(message, cause);
  }

  /** A run, lane or entry that was named does not exist. */
  public static final class NotFound extends OrchestratorException {
    public NotFound(String message) {
      super(message);
    }
  }

  /**
   * A run's file says something grove cannot trust (a field that does not validate, a missing
   * root).
   */
  public static final class Invalid extends OrchestratorException {
    public Invalid(String message) {
      super(message);
    }
  }

  /** A run is being worked on by a live process. */
  public static final class Busy extends OrchestratorException {
    public Busy(String message) {
      super(message);
    }
  }
}
