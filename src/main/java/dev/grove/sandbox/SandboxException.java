package dev.grove.sandbox;

/**
 * The sandbox itself could not run a command (a command that fails is a {@link CommandResult}, not
 * this). Messages say what happened and what to do.
 */
public class SandboxException extends RuntimeException {
  public SandboxException(String message) {
    super(message);
  }

  public SandboxException(String message, Throwable cause) {
    super(message, cause);
  }

  /**
   * The backend cannot run here at all: bubblewrap is missing, or the kernel refuses its
   * namespaces.
   */
  public static final class Unavailable extends SandboxException {
    private final String problem;
    private final String fix;

    public Unavailable(String problem, String fix) {
      super(problem + ". " + fix);
      this.problem = problem;
      this.fix = fix;
    }

    /** What is wrong, without the fix. */
    public String problem() {
      return problem;
    }

    /** What to do about it. */
    public String fix() {
      return fix;
    }
  }

  /** The sandbox could not be set up for this one command (a mount or a limit failed). */
  public static final class SetupFailed extends SandboxException {
    public SetupFailed(String message) {
      super(message);
    }

    public SetupFailed(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** The worktree, or the directory to start in, does not exist. */
  public static final class NoSuchDirectory extends SandboxException {
    public NoSuchDirectory(String message) {
      super(message);
    }
  }

  /** The calling thread was interrupted while the command ran; the command was killed. */
  public static final class Interrupted extends SandboxException {
    public Interrupted(String message) {
      super(message);
    }
  }
}
