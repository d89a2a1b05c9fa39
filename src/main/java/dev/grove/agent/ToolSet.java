package dev.grove.agent;

import com.fasterxml.jackson.databind.JsonNode;
import dev.grove.model.ToolSpec;
import dev.grove.session.ToolCall;
import java.io.IOException;
import java.util.List;

/** The tools an agent may call: their definitions for the model, and running a call. */
public interface ToolSet {
  /**
   * A call's arguments, which must be a JSON object; else {@link Args.BadArguments} saying so, for
   * the model.
   */
  static JsonNode arguments(ToolCall call) {
    JsonNode args;
    try {
      args = Args.JSON.readTree(call.arguments());
    } catch (IOException e) {
      // quoted in part: enough to see the mistake, not a second copy of a huge reply in the context
      throw new Args.BadArguments(
          "the arguments of "
              + call.name()
              + " are not valid JSON: "
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

  /**
   * These tools with every result passed through {@code redact} before the model (and the session)
   * sees it: a command that prints a file holding one of grove's secrets (a copied {@code .env})
   * does not hand it on.
   */
  default ToolSet redacting(java.util.function.UnaryOperator<String> redact) {
    ToolSet tools = this;
    return new ToolSet() {
      @Override
      public List<ToolSpec> specs() {
        return tools.specs();
      }

      @Override
      public ToolResult call(ToolCall call) {
        return switch (tools.call(call)) {
          case ToolResult.Ok ok -> new ToolResult.Ok(redact.apply(ok.text()));
          case ToolResult.Error error -> new ToolResult.Error(redact.apply(error.text()));
          case ToolResult.Finish f ->
              new ToolResult.Finish(
                  redact.apply(f.summary()), f.text() == null ? null : redact.apply(f.text()));
        };
      }

      @Override
      public boolean mayHaveChangedFiles(ToolCall call, ToolResult result) {
        return tools.mayHaveChangedFiles(call, result);
      }
    };
  }
}
