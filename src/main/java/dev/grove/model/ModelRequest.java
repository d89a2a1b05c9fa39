package dev.grove.model;

import dev.grove.session.Body;
import java.util.List;
import java.util.Objects;

/**
 * What a model is sent: the conversation so far (the session's context, summaries already turned into user
 * messages) and the tools it may call.
 */
public record ModelRequest(List<Body.Message> messages, List<ToolSpec> tools) {
  public ModelRequest {
    messages = List.copyOf(Objects.requireNonNull(messages, "messages"));
    tools = tools == null ? List.of() : List.copyOf(tools);
    long distinct = tools.stream().map(ToolSpec::name).distinct().count();
    if (distinct != tools.size()) {
      throw new IllegalArgumentException("two tools share a name: "
          + tools.stream().map(ToolSpec::name).toList());
    }
  }
}
