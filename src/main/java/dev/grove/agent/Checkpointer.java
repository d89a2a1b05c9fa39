package dev.grove.agent;

import java.util.Objects;
import java.util.Optional;

/**
 * Snapshots of an agent's worktree, bound to the session entries that caused them: after a tool
 * call that may have changed files, {@link #snapshot} records the worktree as a commit; once the
 * tool's entry is appended with that commit, {@link #keep} ties the commit to the entry for good.
 */
public interface Checkpointer {
  /**
   * A checkpoint commit, and what the model must be told about it: a line naming the files it left
   * out (too large, a nested repository, …), if any.
   */
  record Snapshot(String commit, Optional<String> notice) {
    public Snapshot {
      Objects.requireNonNull(commit, "commit");
      Objects.requireNonNull(notice, "notice");
    }
  }

  /** For agents without a git worktree: no checkpoints. */
  Checkpointer NONE =
      new Checkpointer() {
        @Override
        public Snapshot snapshot() {
          return null;
        }

        @Override
        public void keep(String commit, String entryId) {}
      };

  /**
   * The commit holding the worktree's files now (the previous one when nothing changed), or null.
   */
  Snapshot snapshot();

  void keep(String commit, String entryId);
}
