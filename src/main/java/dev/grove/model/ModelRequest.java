package dev.grove.model;

import dev.grove.session.Body;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What a model is sent: the conversation so far (the session's context, summaries already turned
 * into user messages) and the tools it may call.
 *
 * @param timeLimit how long the whole call may take, retries and waits between them included; null
 *     for no limit beyond the model's own per-request timeout. The agent loop passes the time its
 *     lane has left, so a lane's time limit ends a call in flight.
 */
public record ModelRequest(List<Body.Message> messages, List<ToolSpec> tools, Duration timeLimit) {
  public ModelRequest {
    messages = List.copyOf(Objects.requireNonNull(messages, "messages"));
    tools = tools == null ? List.of() : List.copyOf(tools);
    long distinct = tools.stream().map(ToolSpec::name).distinct().count();
    if (distinct != tools.size()) {
      throw new IllegalArgumentException(
          "two tools share a name: " + tools.stream().map(ToolSpec::name).toList());
    }
    if (timeLimit != null && timeLimit.isNegative()) {
      throw new IllegalArgumentException("a time limit must not be negative, not " + timeLimit);
    }
  }

  /** A request without a time limit of its own. */
  public ModelRequest(List<Body.Message> messages, List<ToolSpec> tools) {
    this(messages, tools, null);
  }
}
