package dev.grove.orchestrator;

import dev.grove.session.SessionStore;

/**
 * What every part of a live run shares: the workbench, the options, the listener, the run's
 * identity, its session and event log, and where its lanes start. Immutable.
 *
 * @param plan whether an orchestrator agent manages the lanes (and ships with its tool) rather than
 *     grove itself
 * @param budget what the run has spent, against its budget
 */
record RunContext(
    Workbench wb,
    Orchestrator.Options options,
    Orchestrator.Listener listener,
    String runId,
    SessionStore session,
    RunLog log,
    String baseRef,
    String baseCommit,
    boolean plan,
    BudgetMeter budget) {

  /** This context with another listener. */
  RunContext withListener(Orchestrator.Listener l) {
    return new RunContext(wb, options, l, runId, session, log, baseRef, baseCommit, plan, budget);
  }

  /**
   * A new model for one of the run's callers (an agent, the judge), its cost charged to the run.
   */
  dev.grove.model.ChatModel model(String spec) {
    return budget.wrap(wb.model(spec));
  }

  /**
   * Runs a shell command in the sandbox, confined to {@code dir} (a worktree), the way verification
   * runs: the run's network setting and command environment, at most {@link
   * Shipper#VERIFY_TIMEOUT}.
   */
  dev.grove.sandbox.CommandResult sandboxed(java.nio.file.Path dir, String command) {
    return wb.sandbox()
        .run(
            new dev.grove.sandbox.CommandRequest(
                dir,
                java.nio.file.Path.of(""),
                java.util.List.of("/bin/sh", "-c", command),
                Shipper.VERIFY_TIMEOUT,
                wb.settings().tools().network(),
                wb.settings().tools().commandEnvironment()));
  }

  /** How this run makes worktrees: the workbench's way, recorded as this run's. */
  dev.grove.git.Worktrees.AddOptions addOptions() {
    return wb.addOptions().withOwner(runId);
  }

  /**
   * Whether this run made {@code w}: its record names the run, or (made by a version that recorded
   * no owner) it starts where this run's lanes start and was made after the run began.
   */
  boolean owns(dev.grove.git.Worktree w, java.time.Instant runStarted) {
    if (w.owner() != null) {
      return w.ownedBy(runId);
    }
    return w.baseCommit().equals(baseCommit) && !w.createdAt().isBefore(runStarted);
  }

  static String ownerOf(dev.grove.git.Worktree w) {
    return w.owner() != null
        ? "run " + w.owner()
        : "a worktree made by hand or by an earlier grove";
  }
}
