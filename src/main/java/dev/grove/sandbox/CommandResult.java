package dev.grove.sandbox;

import java.time.Duration;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * What a command did. A command that failed, was killed at its timeout or hit a limit is still a
 * result; only a sandbox that cannot run at all throws ({@link SandboxException}).
 *
 * @param exitCode the command's exit code; 128+N when signal N killed it (137 at a timeout)
 * @param stdout its standard output, capped
 * @param stderr its standard error, capped
 * @param duration from start to exit
 * @param timedOut whether it was killed at its timeout, together with everything it started
 * @param limitsReached the limits it ran into, where the sandbox can tell (per-command cgroups)
 */
public record CommandResult(
    int exitCode,
    CappedText stdout,
    CappedText stderr,
    Duration duration,
    boolean timedOut,
    Set<Limit> limitsReached) {

  /** A limit a command can run into. */
  public enum Limit {
    /** It tried to start more processes or threads than allowed; those forks failed. */
    PROCESSES,
    /** It used more memory than allowed; the kernel killed a process of it. */
    MEMORY
  }

  public CommandResult {
    Objects.requireNonNull(stdout, "stdout");
    Objects.requireNonNull(stderr, "stderr");
    Objects.requireNonNull(duration, "duration");
    if (duration.isNegative()) {
      throw new IllegalArgumentException("duration must not be negative, got " + duration);
    }
    limitsReached = limitsReached.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(limitsReached));
  }

  /** Exited 0 within its timeout. */
  public boolean succeeded() {
    return exitCode == 0 && !timedOut;
  }
}
