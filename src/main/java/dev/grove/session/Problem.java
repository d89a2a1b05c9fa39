package dev.grove.session;

/** One thing wrong with a session file, at a line (1-based; the header is line 1). */
public record Problem(int line, String message) {
  @Override
  public String toString() {
    return "line " + line + ": " + message;
  }
}
