package dev.grove.model;

import dev.grove.session.ToolCall;
import dev.grove.session.Usage;
import java.util.List;
import java.util.Objects;

/**
 * The assistant's turn.
 *
 * @param text what it said; null when it only called tools
 * @param toolCalls the calls it made, in order; each has an id that the tool results must answer
 * @param usage tokens used and their cost in US dollars (0 where the price is unknown)
 * @param model who wrote it, for the session's {@code model} field: the provider and the model it reported,
 *     e.g. {@code openai:gpt-4.1-2025-04-14}, or the spec of a scripted or replay model
 */
public record ModelReply(String text, List<ToolCall> toolCalls, Usage usage, String model) {
  public ModelReply {
    toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
    usage = usage == null ? Usage.ZERO : usage;
    Objects.requireNonNull(model, "model");
    if (toolCalls.stream().map(ToolCall::id).distinct().count() != toolCalls.size()) {
      throw new IllegalArgumentException("two tool calls share an id: " + toolCalls);
    }
  }
}
