package dev.grove.sandbox;

import java.util.Optional;

/**
 * Runs commands confined to a worktree: it may read and write the worktree, read a little of the
 * rest of the host, and nothing else of value. Implementations are safe for many threads; each
 * {@link #run} is independent of the others.
 *
 * <p>Get one from {@link Sandboxes#create}. Callers depend only on this interface, so backends
 * (bubblewrap today, containers later) can be swapped without changing them.
 */
public interface Sandbox {
  /**
   * Runs a command and waits for it. A failing, killed or timed-out command is a result; at the
   * timeout, the command and every process it started are killed.
   *
   * @throws SandboxException when the sandbox itself cannot run the command (the message says how
   *     to fix it), when the worktree does not exist, or when the calling thread is interrupted
   *     (the command is killed first)
   */
  CommandResult run(CommandRequest request);

  Backend backend();

  /** What confines commands here, in one line: for logs, {@code grove doctor} and benchmarks. */
  String description();

  /**
   * A warning that callers must show the user every run, or empty. Present exactly when commands
   * are not confined ({@link Backend#NONE}).
   */
  Optional<String> warning();
}
