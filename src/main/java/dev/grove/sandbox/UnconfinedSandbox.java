package dev.grove.sandbox;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@link Backend#NONE}: commands run directly on the host, as grove's user, with network. What
 * remains: the environment allowlist, the working directory, the output caps and the timeout, at
 * which the command and the processes it started that can still be found (its descendants) are
 * killed; a process that detached itself is out of reach.
 */
final class UnconfinedSandbox implements Sandbox {
  static final String WARNING =
      "--sandbox none: commands run WITHOUT a sandbox. They can read and write "
          + "everything your user can, use the network, and are not capped in processes or memory; only the "
          + "environment allowlist, the timeout and the output caps still apply. Use it only for commands you trust.";

  private final SandboxPolicy policy;
  private final Map<String, String> hostEnv;

  UnconfinedSandbox(SandboxPolicy policy, Map<String, String> hostEnv) {
    this.policy = policy;
    this.hostEnv = Map.copyOf(hostEnv);
  }

  @Override
  public CommandResult run(CommandRequest request) {
    Path worktree = BubblewrapSandbox.realDirectory(request.worktree(), "worktree");
    Path cwd = BubblewrapSandbox.realDirectory(worktree.resolve(request.directory()), "directory");
    Map<String, String> env = policy.passedFrom(hostEnv);
    env.put("HOME", policy.home().toString());
    env.put("GROVE_SANDBOX", Backend.NONE.wireName());
    env.putAll(request.environment());
    String program = request.command().get(0);
    // ProcessBuilder would search the JVM's PATH; the command's own PATH is the one that counts
    Optional<Path> resolved = Executables.find(program, env.get("PATH"));
    if (resolved.isEmpty()) {
      return new CommandResult(
          127,
          CappedText.of(""),
          CappedText.of("grove: command not found: " + program + "\n"),
          Duration.ZERO,
          false,
          Set.of());
    }
    List<String> argv = new ArrayList<>(request.command());
    argv.set(0, resolved.get().toString());
    Execution.Outcome o =
        Execution.run(
            program,
            argv,
            env,
            cwd,
            request.timeout(),
            policy.limits().maxOutputBytes(),
            UnconfinedSandbox::killTree);
    return new CommandResult(
        o.exitCode(), o.stdout(), o.stderr(), o.duration(), o.timedOut(), Set.of());
  }

  /**
   * Kills the process and its descendants, a few times over to catch processes forked meanwhile.
   */
  private static void killTree(ProcessHandle p) {
    for (int round = 0; round < 3; round++) {
      List<ProcessHandle> descendants = p.descendants().toList();
      if (descendants.isEmpty() && !p.isAlive()) {
        return;
      }
      descendants.forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
  }

  @Override
  public Backend backend() {
    return Backend.NONE;
  }

  @Override
  public String description() {
    return "none: commands run directly on the host, unconfined";
  }

  @Override
  public Optional<String> warning() {
    return Optional.of(WARNING);
  }
}
