package dev.grove.git;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** What {@link Worktrees#prune} did, or with {@code dryRun} would do, one action at a time. */
public record PruneReport(boolean dryRun, List<Action> actions) {
  public static final Duration DEFAULT_STALE_AFTER = Duration.ofMinutes(10);

  public PruneReport {
    actions = List.copyOf(actions);
  }

  /** Disk space the actions free (or would free). */
  public long bytesFreed() {
    return actions.stream().mapToLong(Action::bytes).sum();
  }

  public sealed interface Action {
    /** Disk space this action frees. */
    default long bytes() {
      return 0;
    }

    /** git's registration of a grove worktree whose directory is gone. */
    record RemovedRegistration(Path path, long bytes) implements Action {}

    /**
     * A directory under grove's root that git no longer knows as a worktree. Files in it that its
     * branch does not already hold are saved first, as a commit under {@code savedRef}.
     *
     * @param hadFiles whether it held files to save (false for an empty directory, or the remains
     *     of a removed worktree whose work was saved when it was removed)
     * @param savedRef empty if there was nothing to save, or in a dry run
     */
    record RemovedDirectory(Path path, long bytes, boolean hadFiles, Optional<String> savedRef)
        implements Action {}

    /** The branch of a worktree that is gone; it held no commits that other branches lack. */
    record DeletedBranch(String branch) implements Action {}

    /** The branch of a worktree that is gone, kept because it holds commits no other branch has. */
    record KeptBranch(String branch, int uniqueCommits) implements Action {}

    /** grove's record of a worktree that is wholly gone. */
    record DroppedRecord(Slug slug) implements Action {}

    /** A git lock file or grove temporary file left by a process that died. */
    record DeletedStaleFile(Path path, long bytes, Duration age) implements Action {}

    /** A ref grove no longer needs (the last checkpoint of a worktree that is gone). */
    record DeletedRef(String ref) implements Action {}

    /**
     * A worktree that looks like grove's but is locked ({@code git worktree lock}); left as it is.
     */
    record LeftLocked(Path path) implements Action {}
  }
}
