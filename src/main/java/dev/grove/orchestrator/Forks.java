package dev.grove.orchestrator;

import dev.grove.git.Worktree;
import dev.grove.session.Body;
import dev.grove.session.Draft;
import dev.grove.session.Parent;
import dev.grove.session.Role;
import java.util.List;

/**
 * Going back: a new lane below an earlier entry of another, with the context up to that entry and
 * the files of the checkpoint at or before it, in a fresh worktree on {@code task/<original>-N}.
 * The old lane and its branch are left as they are.
 */
final class Forks {
  private final RunContext run;
  private final Lanes lanes;

  Forks(RunContext run, Lanes lanes) {
    this.run = run;
    this.lanes = lanes;
  }

  /**
   * Makes the fork: its worktree, its spawn event, and its first entry below {@code entryId} (the
   * hint, or a head move when there is none). It does not run it.
   */
  Lane prepare(Lane origin, String entryId, String hint, String modelSpec) {
    return prepare(
        origin, entryId, hint, modelSpec, lanes.nextSuffix(lanes.original(origin)), null, null);
  }

  /**
   * Files a fork starts from other than a checkpoint of its lane: {@code commit}'s (a commit with
   * one parent, laid over it as uncommitted changes), on a worktree whose base is {@code
   * baseCommit} — the merge queue's way of putting a lane's work onto the base as it is now.
   */
  record Files(String commit, String baseCommit) {}

  /**
   * {@link #prepare(Lane, String, String, String)} under a given (free) name, as one of a group of
   * attempts ({@code attemptOf}, or null), with its files from {@code files} (null: the checkpoint
   * at or before the entry).
   */
  Lane prepare(
      Lane origin,
      String entryId,
      String hint,
      String modelSpec,
      String name,
      String attemptOf,
      Files files) {
    String model = run.wb().checkedModelSpec(modelSpec != null ? modelSpec : origin.model);
    String baseCommit = files != null ? files.baseCommit() : origin.baseCommit;
    Lane l =
        new Lane(name, origin.task, origin.baseRef, baseCommit, model, origin.name, 0, attemptOf);
    String checkpoint = files != null ? files.commit() : checkpointAtOrBefore(entryId);
    Worktree wt =
        checkpoint != null
            ? run.wb().checkpoints().restore(checkpoint, name, run.addOptions())
            : run.wb().worktrees().add(name, run.addOptions().withBase(origin.baseCommit));
    lanes.put(l);
    run.log()
        .append(
            "main",
            new RunEvent.LaneSpawned(
                name,
                origin.task.text(),
                wt.branch(),
                wt.path().toString(),
                origin.baseRef,
                baseCommit,
                origin.task.verify(),
                model,
                origin.name,
                entryId,
                checkpoint,
                hint,
                attemptOf));
    CrashPoint.reach("forked");
    firstEntry(name, entryId, hint);
    run.listener()
        .lane(
            name,
            LaneState.QUEUED,
            "forked from "
                + origin.name
                + " at "
                + entryId
                + (checkpoint == null
                    ? " (no checkpoint: the base's files)"
                    : " (files of checkpoint " + checkpoint.substring(0, 7) + ")"));
    return l;
  }

  /**
   * A fork's first entry, below {@code entryId} of the lane it comes from: the hint, or (without
   * one) the fork's head moved there. Written right after its spawn event; again on resume, when a
   * crash came between the two ({@link LaneWork}).
   */
  void firstEntry(String name, String entryId, String hint) {
    if (hint != null && !hint.isBlank()) {
      run.session().append(new Draft(Parent.of(entryId), name, Body.Message.of(Role.USER, hint)));
    } else {
      run.session().append(Draft.moveHead(name, entryId));
    }
  }

  /**
   * The checkpoint of the entry, or of the nearest entry above it that has one: carried by the
   * entry (an agent's tool result), or kept for it afterwards ({@code grove checkpoint snapshot
   * --session --entry}). Null if none has.
   */
  String checkpointAtOrBefore(String entryId) {
    List<String[]> on = Changes.checkpointsOnPath(run.wb(), run.session(), entryId);
    return on.isEmpty() ? null : on.get(on.size() - 1)[1];
  }
}
