package dev.grove.agent;

/**
 * Snapshots of an agent's worktree, bound to the session entries that caused them: after a tool call
 * that may have changed files, {@link #snapshot} records the worktree as a commit; once the tool's
 * entry is appended with that commit, {@link #keep} ties the commit to the entry for good.
 */
public interface Checkpointer {
  /** For agents without a git worktree: no checkpoints. */
  Checkpointer NONE = new Checkpointer() {
    @Override
    public String snapshot() {
      return null;
    }

    @Override
    public void keep(String commit, String entryId) {}
  };

  /** The commit holding the worktree's files now (the previous one when nothing changed), or null. */
  String snapshot();

  void keep(String commit, String entryId);
}
