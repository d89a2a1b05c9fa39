package dev.grove.agent;

import dev.grove.model.ToolSpec;
import dev.grove.session.ToolCall;
import java.util.List;

/** The tools an agent may call: their definitions for the model, and running a call. */
public interface ToolSet {
  List<ToolSpec> specs();

  /** Runs a call; every failure is a {@link ToolResult.Error} for the model, never an exception. */
  ToolResult call(ToolCall call);

  /**
   * Whether this call, which came to {@code result}, may have changed the worktree's files (so a
   * checkpoint follows it). A file tool that failed changed nothing; a command may always have.
   */
  boolean mayHaveChangedFiles(ToolCall call, ToolResult result);
}
