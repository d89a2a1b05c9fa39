package dev.grove.model;

import dev.grove.session.ToolCall;
import dev.grove.session.Usage;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The assistant's turn. Its text is always well-formed: a lone surrogate (which no encoder can
 * write) in the text or in a tool call is replaced by U+FFFD here, so whatever a model sends can be
 * stored.
 *
 * @param text what it said; null when it only called tools
 * @param toolCalls the calls it made, in order; each has an id that the tool results must answer
 * @param usage tokens used and their cost in US dollars (0 where the price is unknown)
 * @param model who wrote it, for the session's {@code model} field: the provider and the model it
 *     reported, e.g. {@code openai:gpt-4.1-2025-04-14}, or the spec of a scripted or replay model
 */
public record ModelReply(String text, List<ToolCall> toolCalls, Usage usage, String model) {
  public ModelReply {
    text = Untrusted.wellFormed(text);
    toolCalls = toolCalls == null ? List.of() : wellFormed(toolCalls);
    usage = usage == null ? Usage.ZERO : usage;
    Objects.requireNonNull(model, "model");
    Set<String> ids = new HashSet<>();
    for (ToolCall c : toolCalls) {
      if (!ids.add(c.id())) {
        throw new IllegalArgumentException(
            "two tool calls share the id " + Untrusted.shorten(c.id(), 80));
      }
    }
  }

  private static List<ToolCall> wellFormed(List<ToolCall> calls) {
    List<ToolCall> out = new ArrayList<>(calls.size());
    for (ToolCall c : calls) {
      String args = c.arguments();
      // decoded only when it holds a surrogate, or a backslash-u escape that may stand for one
      boolean suspect = args.contains("\\u") || Untrusted.wellFormed(args) != args;
      out.add(
          new ToolCall(
              Untrusted.wellFormed(c.id()),
              Untrusted.wellFormed(c.name()),
              suspect ? Untrusted.arguments(args, Untrusted::wellFormed) : args));
    }
    return List.copyOf(out);
  }
}
