package dev.grove.agent;

import java.util.Objects;

/**
 * What a tool call came to; an error goes back to the model as a tool result marked as an error.
 */
public sealed interface ToolResult {
  String text();

  /** The call worked; {@code text} is what the model sees. */
  record Ok(String text) implements ToolResult {
    public Ok {
      Objects.requireNonNull(text, "text");
    }
  }

  /**
   * The call failed (bad arguments, no such file, command failed, timeout); the model can retry.
   */
  record Error(String text) implements ToolResult {
    public Error {
      Objects.requireNonNull(text, "text");
    }
  }

  /** The agent called {@code finish}: the loop ends with this summary. */
  record Finish(String summary, String text) implements ToolResult {
    public Finish {
      Objects.requireNonNull(summary, "summary");
    }
  }
}
