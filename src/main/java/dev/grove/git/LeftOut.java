package dev.grove.git;

import java.util.Objects;

/**
 * A path grove did not put into a checkpoint or a shipment, and why. The worktree's file is left as
 * it is; the commit keeps the path's previous version (or lacks it, if it is new).
 *
 * @param path relative to the worktree's top, with {@code /}; a directory ends with {@code /}
 */
public record LeftOut(String path, Reason reason) {
  public LeftOut {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(reason, "reason");
    if (path.isEmpty()) {
      throw new IllegalArgumentException("a left-out path is empty");
    }
  }

  public enum Reason {
    /**
     * {@code .grove} (in any case, any file type) or {@code .groveinclude} at the top: grove's own
     * state.
     */
    GROVE_STATE("grove's own state, never committed"),
    /**
     * A directory with its own {@code .git}: grove neither records nor enters nested repositories.
     */
    NESTED_REPOSITORY("a git repository of its own; grove does not record nested repositories"),
    /**
     * A root {@code .gitignore} change that would let {@code .grove} or {@code .groveinclude} be
     * committed.
     */
    REINCLUDES_GROVE_STATE("this change would let grove's own state be committed"),
    /**
     * A new file that looks like build output ({@link Generated}): left out of a shipment, not
     * committed.
     */
    GENERATED("build output (a new file matching the patterns of generated files), not committed"),
    /** Larger than the limit for one file ({@link Checkpoints.Limits#maxFileBytes}). */
    TOO_LARGE("larger than the size limit for one file (50 MB by default)"),
    /**
     * A large file after the worktree's checkpoint budget ({@link Checkpoints.Limits#budgetBytes})
     * was spent.
     */
    OVER_BUDGET("a large file, and this worktree's checkpoint budget is spent");

    private final String description;

    Reason(String description) {
      this.description = description;
    }

    /** Why, in words for a person or a model. */
    public String description() {
      return description;
    }
  }
}
