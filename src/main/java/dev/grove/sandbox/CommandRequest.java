package dev.grove.sandbox;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One command to run in a worktree.
 *
 * @param worktree the directory the command may write: an absolute path (an agent's worktree)
 * @param directory where the command starts, relative to the worktree (empty: the worktree itself)
 * @param command the program and its arguments, passed as they are (never through a shell)
 * @param timeout after this the command and everything it started are killed
 * @param network whether the command may use the network; off, it has only its own loopback
 *     interface and cannot reach the host's
 * @param environment variables to set for the command, on top of the policy's allowlist. Values are
 *     taken as given: nothing here is read from grove's own environment, so never put a secret in
 *     it
 */
public record CommandRequest(
    Path worktree,
    Path directory,
    List<String> command,
    Duration timeout,
    boolean network,
    Map<String, String> environment) {

  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  public CommandRequest {
    Objects.requireNonNull(worktree, "worktree");
    Objects.requireNonNull(directory, "directory");
    Objects.requireNonNull(command, "command");
    Objects.requireNonNull(timeout, "timeout");
    Objects.requireNonNull(environment, "environment");
    if (!worktree.isAbsolute()) {
      throw new IllegalArgumentException("the worktree must be an absolute path, got " + worktree);
    }
    worktree = worktree.normalize();
    directory = directory.normalize();
    if (directory.isAbsolute() || directory.startsWith("..")) {
      throw new IllegalArgumentException(
          "the directory must be relative to the worktree and inside it, got " + directory);
    }
    if (command.isEmpty() || command.get(0).isEmpty()) {
      throw new IllegalArgumentException("no command to run");
    }
    for (String arg : command) {
      if (arg.indexOf('\0') >= 0) {
        throw new IllegalArgumentException(
            "a command argument contains a NUL character: " + arg.replace('\0', '␀'));
      }
    }
    command = List.copyOf(command);
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("the timeout must be positive, got " + timeout);
    }
    environment.forEach(
        (name, value) -> {
          if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(
                "not a valid environment variable name: '" + name + "'");
          }
          if (value.indexOf('\0') >= 0) {
            throw new IllegalArgumentException(
                "the value of " + name + " contains a NUL character");
          }
        });
    environment = Map.copyOf(environment);
  }

  /** A command that starts in the worktree, without network and without extra environment. */
  public static CommandRequest of(Path worktree, Duration timeout, List<String> command) {
    return new CommandRequest(worktree, Path.of(""), command, timeout, false, Map.of());
  }

  public static CommandRequest of(Path worktree, Duration timeout, String... command) {
    return of(worktree, timeout, List.of(command));
  }

  public CommandRequest withNetwork(boolean on) {
    return new CommandRequest(worktree, directory, command, timeout, on, environment);
  }

  public CommandRequest withEnvironment(Map<String, String> variables) {
    return new CommandRequest(worktree, directory, command, timeout, network, variables);
  }

  /** Starts the command in {@code relative}, a directory inside the worktree. */
  public CommandRequest inDirectory(Path relative) {
    return new CommandRequest(worktree, relative, command, timeout, network, environment);
  }

  /** The absolute directory the command starts in. */
  public Path workingDirectory() {
    return worktree.resolve(directory);
  }
}
