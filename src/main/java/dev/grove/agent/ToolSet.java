package dev.grove.agent;

import com.fasterxml.jackson.databind.JsonNode;
import dev.grove.model.ToolSpec;
import java.io.IOException;
import dev.grove.session.ToolCall;
import java.util.List;

/** The tools an agent may call: their definitions for the model, and running a call. */
public interface ToolSet {
  /** A call's arguments, which must be a JSON object; else {@link Args.BadArguments} saying so, for the model. */
  static JsonNode arguments(ToolCall call) {
    JsonNode args;
    try {
      args = Args.JSON.readTree(call.arguments());
    } catch (IOException e) {
      // quoted in part: enough to see the mistake, not a second copy of a huge reply in the context
      throw new Args.BadArguments("the arguments of " + call.name() + " are not valid JSON: "
          + Text.cap(call.arguments(), 400));
    }
    if (args == null || !args.isObject()) {
      throw new Args.BadArguments("the arguments of " + call.name() + " must be a JSON object");
    }
    return args;
  }

  List<ToolSpec> specs();

  /** Runs a call; every failure is a {@link ToolResult.Error} for the model, never an exception. */
  ToolResult call(ToolCall call);

  /**
   * Whether this call, which came to {@code result}, may have changed the worktree's files (so a
   * checkpoint follows it). A file tool that failed changed nothing; a command may always have.
   */
  boolean mayHaveChangedFiles(ToolCall call, ToolResult result);
}
