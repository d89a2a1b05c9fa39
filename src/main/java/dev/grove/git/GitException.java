package dev.grove.git;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A git command failed. Carries the command, where it ran, its exit code and its standard error,
 * and says all of that in its message.
 */
public class GitException extends RuntimeException {
  private final transient List<String> command;
  private final transient Path dir;
  private final int exitCode;
  private final String stderr;

  public GitException(List<String> command, Path dir, int exitCode, String stderr) {
    this(
        describe(command, dir, "failed with exit code " + exitCode, stderr),
        command,
        dir,
        exitCode,
        stderr);
  }

  GitException(String message, List<String> command, Path dir, int exitCode, String stderr) {
    super(message);
    this.command = List.copyOf(command);
    this.dir = dir;
    this.exitCode = exitCode;
    this.stderr = stderr;
  }

  public List<String> command() {
    return command;
  }

  public Path dir() {
    return dir;
  }

  public int exitCode() {
    return exitCode;
  }

  public String stderr() {
    return stderr;
  }

  /** True if git failed because another process held one of its lock files: worth retrying. */
  public boolean isLockContention() {
    return stderr.contains(".lock': File exists")
        || stderr.contains(".lock: File exists")
        || stderr.contains("could not lock config file");
  }

  /** The command ran past its timeout and was stopped. */
  public static final class TimedOut extends GitException {
    public TimedOut(List<String> command, Path dir, java.time.Duration timeout, String stderr) {
      super(
          describe(
              command,
              dir,
              "did not finish within "
                  + (timeout.toMillis() < 10_000
                      ? timeout.toMillis() + " ms"
                      : timeout.toSeconds() + " s")
                  + " and was stopped",
              stderr),
          command,
          dir,
          -1,
          stderr);
    }
  }

  /** The git executable could not be started at all. */
  public static final class NotRunnable extends GitException {
    public NotRunnable(List<String> command, Path dir, String why) {
      super("cannot run " + command.get(0) + " in " + dir + ": " + why, command, dir, -1, "");
    }
  }

  static String describe(List<String> command, Path dir, String what, String stderr) {
    String err = stderr.strip();
    return shell(command) + " " + what + " in " + dir + (err.isEmpty() ? "" : ":\n" + indent(err));
  }

  /** The command as one could paste it into a shell (for messages only; never executed). */
  static String shell(List<String> command) {
    return command.stream()
        .map(a -> a.matches("[A-Za-z0-9_@%+=:,./^{}~-]+") ? a : "'" + a.replace("'", "'\\''") + "'")
        .collect(Collectors.joining(" "));
  }

  private static String indent(String text) {
    return text.lines().map(l -> "  " + l).collect(Collectors.joining("\n"));
  }
}
