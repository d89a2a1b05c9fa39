package dev.grove.git;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Runs a new worktree's setup command. {@link #DIRECT} runs it as a plain process; grove's commands
 * pass one that runs it in the sandbox, confined to the worktree like an agent's commands.
 */
@FunctionalInterface
public interface SetupRunner {
  /** What the command came to. */
  record Outcome(int exitCode, boolean timedOut) {}

  /**
   * Runs {@code command} in {@code worktree} with {@code env} added, stopped after {@code timeout};
   * its output goes to {@code log}.
   *
   * @throws InterruptedException when the caller is interrupted (the command is stopped)
   */
  Outcome run(
      Path worktree, List<String> command, Map<String, String> env, Duration timeout, Path log)
      throws IOException, InterruptedException;

  /** A plain process with the given environment on top of grove's own. */
  SetupRunner DIRECT =
      (worktree, command, env, timeout, log) -> {
        try {
          Proc.Result r = Proc.run(new Proc.Spec(command, worktree, env, null, timeout, log, true));
          return new Outcome(r.exit(), r.timedOut());
        } catch (Proc.Interrupted e) {
          throw new InterruptedException(e.getMessage());
        }
      };
}
