package dev.grove.session;

import java.util.Objects;

/**
 * A tool call made by the model. {@code arguments} is the JSON text the model produced; when it is
 * a JSON object it is stored as an object, anything else (a model's malformed output) as a string.
 */
public record ToolCall(String id, String name, String arguments) {
  public ToolCall {
    Objects.requireNonNull(id, "tool call id");
    Objects.requireNonNull(name, "tool call name");
    if (name.isBlank()) {
      throw new IllegalArgumentException("tool call name is blank (tool call " + id + ")");
    }
    arguments = arguments == null ? "{}" : arguments;
  }
}
