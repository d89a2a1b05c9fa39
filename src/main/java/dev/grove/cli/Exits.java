package dev.grove.cli;

import dev.grove.git.GitException;
import dev.grove.git.WorktreeException;
import dev.grove.model.ModelException;
import dev.grove.sandbox.SandboxException;
import dev.grove.session.SessionException;
import java.io.PrintWriter;
import picocli.CommandLine;

/** The one place exceptions become messages and exit codes. */
final class Exits {
  static final int OK = 0;

  /** The command ran and the answer is "no" (e.g. validation found problems). */
  static final int FAILED = 1;

  /** Bad flags, arguments or input values. */
  static final int USAGE = 2;

  /** A named thing (entry, file) does not exist. */
  static final int NOT_FOUND = 3;

  /** Stored data is damaged. */
  static final int CORRUPT = 4;

  /** The file system or an external tool failed. */
  static final int IO = 5;

  /** A bug in grove. */
  static final int INTERNAL = 70;

  private Exits() {}

  /** Thrown by commands for a bad input that picocli could not catch itself. */
  static final class UserError extends RuntimeException {
    final int code;

    UserError(int code, String message) {
      super(message);
      this.code = code;
    }
  }

  static UserError usage(String message) {
    return new UserError(USAGE, message);
  }

  static UserError notFound(String message) {
    return new UserError(NOT_FOUND, message);
  }

  static int code(Throwable e) {
    return switch (e) {
      case UserError u -> u.code;
      case SessionException.NoSuchEntry n -> NOT_FOUND;
      case SessionException.Corrupt c -> CORRUPT;
      case SessionException.InvalidAppend i -> USAGE;
      case SessionException.Io io -> IO;
      case SessionException s -> s.getMessage().contains("does not exist") ? NOT_FOUND : FAILED;
      case ModelException m ->
          switch (m.kind()) {
            case CONFIG, SCRIPT -> USAGE;
            case NOT_FOUND -> NOT_FOUND;
            case AUTH,
                BAD_REQUEST,
                RATE_LIMITED,
                SERVER,
                TIMEOUT,
                NETWORK,
                BAD_RESPONSE,
                INTERRUPTED ->
                IO;
          };
      case SandboxException.NoSuchDirectory n -> NOT_FOUND;
      case SandboxException.Interrupted i -> FAILED;
      case SandboxException s -> IO;
      case WorktreeException.NotFound n -> NOT_FOUND;
      case WorktreeException.NotARepository n -> USAGE;
      case WorktreeException w -> FAILED;
      case GitException g -> IO;
      case dev.grove.orchestrator.OrchestratorException.NotFound n -> NOT_FOUND;
      case dev.grove.orchestrator.OrchestratorException.Invalid i -> CORRUPT;
      case dev.grove.orchestrator.OrchestratorException o -> FAILED;
      case dev.grove.forge.ForgeException f -> IO;
      case IllegalArgumentException i -> USAGE;
      case java.io.UncheckedIOException io -> IO;
      default -> INTERNAL;
    };
  }

  static CommandLine.IExecutionExceptionHandler handler(Context ctx) {
    return (e, cmd, parsed) -> report(ctx, e);
  }

  /** Prints what a command's exception means and returns the exit code it maps to. */
  static int report(Context ctx, Exception e) {
    int code = code(e);
    PrintWriter err = ctx.err();
    if (code == INTERNAL) {
      err.println("grove: internal error: " + e);
      if (ctx.env().containsKey("GROVE_DEBUG")) {
        e.printStackTrace(err);
      } else {
        err.println("(set GROVE_DEBUG=1 for the stack trace, and please report it)");
      }
    } else {
      err.println("grove: " + e.getMessage());
    }
    err.flush();
    return code;
  }
}
