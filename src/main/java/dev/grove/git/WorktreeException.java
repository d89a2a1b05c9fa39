package dev.grove.git;

import java.util.List;

/**
 * A worktree or checkpoint operation cannot be done as asked; the message says why and what to do.
 */
public class WorktreeException extends RuntimeException {
  public WorktreeException(String message) {
    super(message);
  }

  public WorktreeException(String message, Throwable cause) {
    super(message, cause);
  }

  /** The directory is not in a git repository grove can use. */
  public static final class NotARepository extends WorktreeException {
    public NotARepository(String message) {
      super(message);
    }
  }

  /** No such worktree, ref or commit. */
  public static final class NotFound extends WorktreeException {
    public NotFound(String message) {
      super(message);
    }
  }

  /** The slug, branch or directory is already in use. */
  public static final class Taken extends WorktreeException {
    public Taken(String message) {
      super(message);
    }
  }

  /** Too little free space is left on the repository's file system for a checkpoint. */
  public static final class NoSpace extends WorktreeException {
    public NoSpace(String message) {
      super(message);
    }
  }

  /** Removing would lose work: uncommitted changes or commits no other branch holds. */
  public static final class HasWork extends WorktreeException {
    private final transient List<String> changes;
    private final int unpushedCommits;

    public HasWork(String message, List<String> changes, int unpushedCommits) {
      super(message);
      this.changes = List.copyOf(changes);
      this.unpushedCommits = unpushedCommits;
    }

    /** {@code git status --porcelain} lines of the uncommitted changes. */
    public List<String> changes() {
      return changes;
    }

    public int unpushedCommits() {
      return unpushedCommits;
    }
  }

  /**
   * The worktree was created, but its setup command failed; the worktree is left for inspection.
   */
  public static final class SetupFailed extends WorktreeException {
    private final transient Worktree worktree;

    public SetupFailed(String message, Worktree worktree) {
      super(message);
      this.worktree = worktree;
    }

    public Worktree worktree() {
      return worktree;
    }
  }
}
