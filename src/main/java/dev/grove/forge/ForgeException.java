package dev.grove.forge;

/**
 * A forge refused or failed a request. The message says what the forge said and what to do; it
 * never contains a token.
 *
 * @see #status() the HTTP status, or 0 when no response came
 */
public final class ForgeException extends RuntimeException {
  private final int status;

  public ForgeException(int status, String message) {
    super(message);
    this.status = status;
  }

  public ForgeException(String message, Throwable cause) {
    super(message, cause);
    this.status = 0;
  }

  public int status() {
    return status;
  }
}
