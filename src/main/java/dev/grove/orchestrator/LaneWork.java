package dev.grove.orchestrator;

import dev.grove.agent.Agent;
import dev.grove.git.Worktree;
import java.nio.file.Files;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * A lane's work, start to end, on its own thread: its worktree (made, or restored after a crash),
 * its agent, then its conclusion ({@link Shipper}: commit, verification, shipping), and an
 * automatic retry when it fails and has retries left. Everything it does is recorded as it happens.
 */
final class LaneWork {
  /**
   * Where a lane starts: a new agent, an agent carrying on from its head, or only the conclusion.
   */
  enum Mode {
    FRESH,
    CONTINUE,
    CONCLUDE
  }

  private final RunContext run;
  private final Lanes lanes;
  private final Shipper shipper;
  private final Forks forks;
  private final Attempts attempts;
  private final BooleanSupplier stopping;
  private final java.time.Instant runStarted;

  LaneWork(
      RunContext run,
      Lanes lanes,
      Shipper shipper,
      Forks forks,
      Attempts attempts,
      BooleanSupplier stopping,
      java.time.Instant runStarted) {
    this.attempts = attempts;
    this.run = run;
    this.lanes = lanes;
    this.shipper = shipper;
    this.forks = forks;
    this.stopping = stopping;
    this.runStarted = runStarted;
  }

  /** Runs the lane, and its automatic retries one after another; never throws. */
  void run(Lane l, Mode mode) {
    Lane current = l;
    try {
      Mode m = mode;
      while (current != null) {
        current = attempt(current, m);
        m = Mode.CONTINUE;
      }
    } catch (Throwable e) {
      // a bug, an environment failure, or an Error (out of memory) outside the agent: record it on
      // the lane
      // it hit (the original, or its automatic retry), never lose it silently nor leave the lane
      // running
      String reason =
          "grove: "
              + (e instanceof RuntimeException ? "" : e.getClass().getSimpleName() + ": ")
              + e.getMessage();
      current.state = LaneState.FAILED;
      try {
        run.log().appendForLane(current.name, new RunEvent.LaneFailed(reason, RunEvent.Work.NONE));
      } catch (Throwable unrecorded) {
        e.addSuppressed(unrecorded);
      }
      run.listener().lane(current.name, LaneState.FAILED, reason);
    }
  }

  /** Runs a lane once; returns the lane of an automatic retry to run next, or null. */
  private Lane attempt(Lane l, Mode mode) {
    if (mode == Mode.CONCLUDE) {
      conclude(l);
      return null;
    }
    if (l.forkOf != null && run.session().laneHead(l.name).isEmpty()) {
      // killed between the fork's spawn event and its first entry: written now, or the fork
      // would start afresh instead of from the entry it was made at
      run.log()
          .spawned(l.name)
          .map(RunLog.Logged::event)
          .filter(RunEvent.LaneSpawned.class::isInstance)
          .map(RunEvent.LaneSpawned.class::cast)
          .filter(s -> s.fromEntry() != null)
          .ifPresent(s -> forks.firstEntry(l.name, s.fromEntry(), s.hint()));
    }
    Worktree wt = worktree(l);
    l.state = LaneState.RUNNING;
    run.listener().lane(l.name, LaneState.RUNNING, "working in " + wt.path());
    if (run.session().laneHead(l.name).isEmpty()) {
      Optional<String> below = carriesOnFrom(l);
      if (below.isPresent()) {
        Agent.prompt(run.session(), l.name, below.get(), Prompts.carryingOn(wt.branch()), false);
      } else {
        Agent.prompt(
            run.session(),
            l.name,
            run.log().spawnEntry(l.name),
            Prompts.codingAgent(wt.branch()),
            true);
      }
      CrashPoint.reach("prompted");
      Agent.giveTask(run.session(), l.name, l.task.text());
    } else if (Agent.onlyPrompted(run.session(), l.name)) {
      // the process that wrote the prompt died before the task: without it the agent would
      // work from its system prompt alone
      Agent.giveTask(run.session(), l.name, l.task.text());
    }
    String model = l.model != null ? l.model : run.wb().modelSpec(null);
    Agent.Outcome outcome =
        run.wb()
            .agent(run.session(), l.name, wt.path(), run.model(model), run.listener()::step)
            .run();
    return switch (outcome) {
      case Agent.Outcome.Finished f -> {
        l.state = LaneState.FINISHED;
        run.listener().lane(l.name, LaneState.FINISHED, f.summary());
        Shipper.Result r = conclude(l);
        yield r instanceof Shipper.Result.VerificationFailed v ? retry(l, v.reason()) : null;
      }
      case Agent.Outcome.Stopped s -> {
        l.state = LaneState.STOPPED;
        run.listener().lane(l.name, LaneState.STOPPED, s.reason());
        yield null;
      }
      case Agent.Outcome.Failed f -> {
        l.state = LaneState.FAILED;
        run.listener().lane(l.name, LaneState.FAILED, f.reason());
        yield retry(l, f.reason());
      }
    };
  }

  /**
   * The entry of an imported conversation a task's lane carries on below ({@link
   * Orchestrator#carryOn}); empty for a lane that starts afresh, and for forks (which start with
   * their first entry already written).
   */
  private Optional<String> carriesOnFrom(Lane l) {
    if (l.forkOf != null) {
      return Optional.empty();
    }
    return run.log()
        .spawned(l.name)
        .map(RunLog.Logged::event)
        .filter(RunEvent.LaneSpawned.class::isInstance)
        .map(e -> ((RunEvent.LaneSpawned) e).fromEntry());
  }

  /**
   * Commits and verifies a finished lane, and ships it when the run ships by itself — an attempt
   * only once it is chosen ({@link Attempts}).
   */
  private Shipper.Result conclude(Lane l) {
    boolean ships = run.options().ship() && !run.plan();
    if (l.attemptOf != null && !attempts.winner(l.attemptOf).filter(l.name::equals).isPresent()) {
      ships = false;
    }
    return shipper.conclude(l, ships);
  }

  /**
   * The automatic retry of a failed lane, forked from just before its bad decision; null when none
   * is due.
   */
  private Lane retry(Lane l, String reason) {
    if (l.retriesLeft <= 0 || stopping.getAsBoolean()) {
      return null;
    }
    ForkPoint at = ForkPoint.afterFailure(run.session(), l.name, reason);
    if (at == null) {
      return null;
    }
    // an attempt's retry is one of its group too: it may be the one chosen
    Lane retry =
        forks.prepare(
            l,
            at.entryId(),
            at.hint(),
            null,
            lanes.nextSuffix(lanes.original(l)),
            l.attemptOf,
            null);
    retry.retriesLeft = l.retriesLeft - 1;
    run.listener()
        .lane(retry.name, LaneState.QUEUED, "retrying " + l.name + " from entry " + at.entryId());
    return retry;
  }

  /**
   * The lane's worktree; made again when it is gone (deleted by hand, a crash): prune reconciles
   * what is left of it, then it is restored from the lane's last checkpoint, or made from the base.
   * A worktree of that name that another run owns is never used.
   */
  Worktree worktree(Lane l) {
    Optional<Worktree> found = run.wb().worktrees().find(l.name);
    if (found.isPresent()
        && run.owns(found.get(), runStarted)
        && run.wb().worktrees().discardIfUnfinished(found.get())) {
      found = Optional.empty(); // a crash cut off its checkout: nobody worked in it; made again
    }
    if (found.isPresent() && !run.owns(found.get(), runStarted)) {
      throw new OrchestratorException(
          "lane "
              + l.name
              + "'s worktree name is taken by "
              + RunContext.ownerOf(found.get())
              + " at "
              + found.get().path()
              + "; grove does not work in another's worktree: fork the lane (grove fork) to "
              + "carry on under a new name");
    }
    if (found.isPresent() && Files.isDirectory(found.get().path())) {
      return found.get();
    }
    if (found.isPresent()) {
      run.wb().worktrees().prune(false);
    }
    if (run.wb().worktrees().refs().commit("refs/heads/" + Lanes.branch(l.name)).isPresent()) {
      throw new OrchestratorException(
          "lane "
              + l.name
              + " has lost its worktree, but its branch "
              + Lanes.branch(l.name)
              + " holds commits of its own; grove leaves it alone: inspect it, then fork the lane (grove fork)");
    }
    String head = run.session().laneHead(l.name).orElse(null);
    String checkpoint = head == null ? null : forks.checkpointAtOrBefore(head);
    Worktree wt =
        checkpoint != null
            ? run.wb().checkpoints().restore(checkpoint, l.name, run.addOptions())
            : run.wb().worktrees().add(l.name, run.addOptions().withBase(l.baseCommit));
    if (found.isPresent()) {
      run.listener()
          .lane(
              l.name,
              l.state,
              "worktree restored"
                  + (checkpoint == null
                      ? " from the base"
                      : " from checkpoint " + checkpoint.substring(0, 7)));
    }
    return wt;
  }
}
