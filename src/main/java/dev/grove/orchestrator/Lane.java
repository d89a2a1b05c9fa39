package dev.grove.orchestrator;

/**
 * What a live run keeps in memory about one lane: who it is (fixed when it is spawned), and a view
 * of where it is, derived from its events as they are written. The events are the truth; this is
 * the scheduler's working copy.
 */
final class Lane {
  final String name;
  final Task task;
  final String baseRef;
  final String baseCommit;
  final String model;

  /** The lane this one was forked from, or null. */
  final String forkOf;

  /** The group of attempts this lane is one of, or null. */
  final String attemptOf;

  volatile Thread thread;
  volatile LaneState state = LaneState.QUEUED;
  int retriesLeft;

  Lane(
      String name,
      Task task,
      String baseRef,
      String baseCommit,
      String model,
      String forkOf,
      int retries) {
    this(name, task, baseRef, baseCommit, model, forkOf, retries, null);
  }

  Lane(
      String name,
      Task task,
      String baseRef,
      String baseCommit,
      String model,
      String forkOf,
      int retries,
      String attemptOf) {
    this.attemptOf = attemptOf;
    this.name = name;
    this.task = task;
    this.baseRef = baseRef;
    this.baseCommit = baseCommit;
    this.model = model;
    this.forkOf = forkOf;
    this.retriesLeft = retries;
  }
}
