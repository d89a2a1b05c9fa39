package dev.grove.git;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * What one git command did.
 *
 * @param command the full command line as run (executable and every argument)
 * @param exitCode the process's exit code
 * @param stdout standard output, decoded as UTF-8
 * @param stderr standard error, decoded as UTF-8
 */
public record GitResult(
    List<String> command, int exitCode, String stdout, String stderr, Duration duration) {
  public GitResult {
    command = List.copyOf(command);
    Objects.requireNonNull(stdout, "stdout");
    Objects.requireNonNull(stderr, "stderr");
    Objects.requireNonNull(duration, "duration");
  }

  public boolean ok() {
    return exitCode == 0;
  }

  /** Standard output without trailing newlines and spaces. */
  public String out() {
    return stdout.stripTrailing();
  }

  /** Standard output split into lines (no empty last line). */
  public List<String> lines() {
    return stdout.isEmpty() ? List.of() : List.of(stdout.split("\n"));
  }

  /** Standard output of a {@code -z} command, split at NUL bytes. */
  public List<String> records() {
    return stdout.isEmpty()
        ? List.of()
        : Arrays.stream(stdout.split("\0")).filter(s -> !s.isEmpty()).toList();
  }
}
