package dev.grove.orchestrator;

import dev.grove.agent.Agent;
import dev.grove.forge.Forges;
import dev.grove.forge.PullRequest;
import dev.grove.git.Generated;
import dev.grove.git.GitResult;
import dev.grove.git.Worktree;
import dev.grove.git.Worktrees;
import dev.grove.model.ChatModel;
import dev.grove.session.Body;
import dev.grove.session.Draft;
import dev.grove.session.Entry;
import dev.grove.session.Parent;
import dev.grove.session.Role;
import dev.grove.session.SessionStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A run: tasks given to agents that work in parallel, each with its own worktree on {@code
 * task/<slug>}, its own lane of the run's session file, and the sandbox. What succeeds is
 * committed, verified, pushed and proposed as a pull request; what fails can be forked from just
 * before its bad decision, by hand or with {@code retries}, keeping its context and its files.
 *
 * <p>Everything a run knows is written to its session file as it happens ({@code
 * <git-common-dir>/grove/sessions/<run>.jsonl}, through {@link RunLog}): the run's own events on
 * lane {@code main}, and each agent's conversation and lifecycle on its lane, whose first entry
 * hangs below the orchestrator's spawn entry for it. A run can therefore be resumed after a crash
 * or Ctrl-C from the file alone.
 *
 * <p>This class schedules: it opens runs, starts lanes on their threads (at most {@code parallel}
 * at once), waits for them and stops them. A lane's own work is {@link LaneWork}; its way out
 * (commit, verification, push, pull request, clean-up) is {@link Shipper}; going back is {@link
 * Forks}; the lane table and naming are {@link Lanes}.
 */
public final class Orchestrator implements AutoCloseable, Conductor {
  private static final DateTimeFormatter RUN_ID =
      DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

  /**
   * How a run works. A null field is not given: a new run takes the default, a reopened run what it
   * recorded when it started (so a resumed run ships, verifies and pushes as it was told to).
   *
   * @param base the branch or commit agents start from; null for the repository's current branch
   * @param parallel how many agents work at once
   * @param retries how many times a failed lane is forked automatically
   * @param verify a shell command that must pass in the worktree before work ships; null for none
   * @param remote the git remote branches are pushed to
   * @param ship whether work may ship (be committed, pushed and proposed): in a run of tasks,
   *     finished lanes ship at once; in a plan, the orchestrator agent ships with its tool, which
   *     refuses when this is false
   * @param generated patterns of build output that shipping leaves out ({@link Generated}); null
   *     for grove's
   */
  public record Options(
      String base,
      Integer parallel,
      Integer retries,
      String verify,
      String remote,
      Forges.Settings forge,
      Boolean ship,
      Generated generated) {
    public Options {
      if (parallel != null && parallel < 1) {
        throw new IllegalArgumentException("--parallel must be at least 1, not " + parallel);
      }
      if (retries != null && retries < 0) {
        throw new IllegalArgumentException("--retries must not be negative");
      }
    }

    /** With grove's patterns of build output. */
    public Options(
        String base,
        Integer parallel,
        Integer retries,
        String verify,
        String remote,
        Forges.Settings forge,
        Boolean ship) {
      this(base, parallel, retries, verify, remote, forge, ship, null);
    }

    public static Options defaults() {
      return new Options(
          null, 4, 0, null, "origin", Forges.Settings.of("local"), true, Generated.DEFAULT);
    }

    /** Nothing given: everything as recorded (reopening) or default (starting). */
    public static Options none() {
      return new Options(null, null, null, null, null, null, null, null);
    }

    /** The options a run recorded when it started. */
    static Options recorded(RunEvent.RunStarted s) {
      return new Options(
          s.base(),
          s.parallel() < 1 ? null : s.parallel(),
          s.retries(),
          s.verify(),
          s.remote(),
          s.forge() == null
              ? null
              : new Forges.Settings(
                  s.forge(),
                  s.forgeUrl() == null ? null : java.net.URI.create(s.forgeUrl()),
                  s.forgeTokenEnv(),
                  null),
          s.ships(),
          s.generated() == null ? null : new Generated(s.generated()));
    }

    /** These options, each blank filled from {@code below}. */
    public Options or(Options below) {
      return new Options(
          base != null ? base : below.base,
          parallel != null ? parallel : below.parallel,
          retries != null ? retries : below.retries,
          verify != null ? verify : below.verify,
          remote != null ? remote : below.remote,
          forge != null ? forge : below.forge,
          ship != null ? ship : below.ship,
          generated != null ? generated : below.generated);
    }
  }

  /** Told what happens, for progress displays; must be quick and must not throw. */
  public interface Listener {
    Listener NONE = new Listener() {};

    default void step(Agent.Step step) {}

    /** Something happened to a lane: spawned, verified, shipped, failed, … */
    default void lane(String lane, LaneState state, String what) {}
  }

  private final RunContext run;
  private final Lanes lanes;
  private final Shipper shipper;
  private final Forks forks;
  private final LaneWork work;
  private final Semaphore slots;
  private final List<Thread> threads = new CopyOnWriteArrayList<>();

  /** This process's hold on the run (null when the run is only inspected). */
  private final RunLock lock;

  private volatile boolean stopping;

  /** The thread running the orchestrator agent (--plan), so that stopping reaches it too. */
  private volatile Thread boss;

  private Orchestrator(RunContext run, RunLock lock, RunStatus status) {
    this.run = run;
    this.lock = lock;
    this.lanes = status == null ? new Lanes(run) : Lanes.load(run, status);
    this.shipper = new Shipper(run);
    this.forks = new Forks(run, lanes);
    Instant started = status == null ? run.wb().settings().clock().instant() : status.started();
    this.work = new LaneWork(run, lanes, shipper, forks, () -> stopping, started);
    this.slots = new Semaphore(run.options().parallel());
  }

  /**
   * Starts a new run: its session file, its {@code run.started} event, and this process's lock on
   * it. What a run needs to ship (a remote to push to, a forge and its token) is checked first, so
   * that a missing one fails before any agent works (or spends money).
   */
  public static Orchestrator start(Workbench wb, Options given, Listener listener, String mode) {
    Options options = given.or(Options.defaults());
    String model = wb.checkedModelSpec(null);
    String base = options.base() != null ? options.base() : currentBranch(wb);
    String baseCommit =
        wb.worktrees()
            .refs()
            .commit(base)
            .orElseThrow(
                () ->
                    new OrchestratorException.NotFound(
                        "no branch, tag or commit '"
                            + base
                            + "' in "
                            + wb.repo()
                            + " to start from (--base)"));
    if (options.ship()) {
      preflight(wb, options);
    }
    String runId = newRunId(wb);
    Path file = wb.sessionsDir().resolve(runId + ".jsonl");
    RunEvent.RunStarted started =
        new RunEvent.RunStarted(
            runId,
            wb.repo().toString(),
            base,
            baseCommit,
            model,
            options.parallel(),
            options.retries(),
            options.verify(),
            options.remote(),
            options.forge().kind().wireName(),
            options.forge().apiUrl() == null ? null : options.forge().apiUrl().toString(),
            options.forge().tokenEnv(),
            options.ship(),
            mode,
            options.generated().equals(Generated.DEFAULT) ? null : options.generated().patterns());
    SessionStore session =
        SessionStore.create(
            file,
            wb.repo().toString(),
            SessionStore.Options.defaults().withClock(wb.settings().clock()));
    try {
      session.append(
          new Draft(
              Parent.root(),
              "main",
              new Body.Event(started.kind(), RunEventCodec.encode(started))));
      RunLock lock = RunLock.acquire(file, runId, wb.settings().clock().instant());
      Repositories.at(wb.settings().groveHome())
          .register(wb.repo(), wb.sessionsDir(), wb.settings().clock().instant());
      RunContext run =
          new RunContext(
              wb,
              options,
              listener,
              runId,
              session,
              new RunLog(session, wb.secrets()),
              base,
              baseCommit,
              "plan".equals(mode));
      return new Orchestrator(run, lock, null);
    } catch (RuntimeException e) {
      session.close();
      throw e;
    }
  }

  /**
   * What shipping will need, checked before any agent starts: the remote exists, and the forge can
   * be reached with a token (its kind, API address and token variable make sense for the remote's
   * URL).
   */
  static void preflight(Workbench wb, Options options) {
    String remote = options.remote();
    String url =
        wb.shipping()
            .remoteUrl(remote)
            .orElseThrow(
                () ->
                    new OrchestratorException(
                        "the repository has no "
                            + "remote '"
                            + remote
                            + "' to push finished work to: add one (git remote add "
                            + remote
                            + " URL), name "
                            + "another with --remote, or pass --no-ship"));
    try {
      Forges.create(
          options.forge(), url, wb.settings().env(), java.net.http.HttpClient.newHttpClient());
    } catch (RuntimeException e) {
      throw new OrchestratorException(
          "cannot open pull requests for remote "
              + remote
              + ": "
              + e.getMessage()
              + " (or pass --no-ship)",
          e);
    }
  }

  /**
   * Reopens an earlier run to work on it (resume it, fork one of its lanes): this process takes the
   * run's lock, so a run a live process is working on is refused, naming that process. Options not
   * given are those the run recorded.
   *
   * @throws OrchestratorException.Busy when a live process holds the run
   */
  public static Orchestrator reopen(Workbench wb, String run, Options given, Listener listener) {
    return open(wb, run, given, listener, true);
  }

  /** Reopens an earlier run to look at it or tidy it up (merge, clean): no lock, no agents. */
  public static Orchestrator inspect(Workbench wb, String run) {
    return open(wb, run, Options.none(), Listener.NONE, false);
  }

  private static Orchestrator open(
      Workbench wb, String runRef, Options given, Listener listener, boolean work) {
    Path file = Runs.file(wb.sessionsDir(), runRef);
    String runId = file.getFileName().toString().replaceFirst("\\.jsonl$", "");
    SessionStore session =
        SessionStore.open(file, SessionStore.Options.defaults().withClock(wb.settings().clock()));
    RunLock lock = null;
    try {
      RunLog log = new RunLog(session, wb.secrets());
      RunEvent.RunStarted started = log.started();
      Options options = given.or(Options.recorded(started)).or(Options.defaults());
      lock = work ? RunLock.acquire(file, runId, wb.settings().clock().instant()) : null;
      RunContext run =
          new RunContext(
              wb,
              options,
              listener,
              runId,
              session,
              log,
              started.base(),
              started.baseCommit(),
              "plan".equals(started.mode()));
      return new Orchestrator(run, lock, RunStatus.of(runId, session, lock != null));
    } catch (RuntimeException e) {
      if (lock != null) {
        lock.close();
      }
      session.close();
      throw e;
    }
  }

  public String runId() {
    return run.runId();
  }

  /** The workbench the run was opened with. */
  Workbench workbench() {
    return run.wb();
  }

  /** The options the run works with: those given, else those it recorded. */
  public Options options() {
    return run.options();
  }

  @Override
  public SessionStore session() {
    return run.session();
  }

  /** The run's state; live while this process works on it (until it is stopped). */
  public RunStatus status() {
    return RunStatus.of(run.runId(), run.session(), lock != null && !stopping);
  }

  // ---------------------------------------------------------------- running

  /**
   * Gives each task to an agent, runs them (at most {@code parallel} at once) and waits for all.
   */
  public RunStatus runTasks(List<Task> tasks) {
    for (Task t : tasks) {
      spawn(t);
    }
    awaitAll();
    return finish();
  }

  /**
   * The orchestrator agent: a model with spawn/status/wait/fork/pull-request tools splits the goal
   * into tasks and manages them, in lane {@code main}.
   */
  public RunStatus plan(String goal, String modelSpec) {
    String top = run.session().laneHead("main").orElseThrow();
    Agent.begin(run.session(), "main", top, Prompts.orchestrator(), goal);
    return runOrchestratorAgent(modelSpec);
  }

  /**
   * Runs (or, resuming, carries on with) the orchestrator agent in lane main, then waits for every
   * lane.
   */
  private RunStatus runOrchestratorAgent(String modelSpec) {
    boss = Thread.currentThread();
    ChatModel model = run.wb().model(run.wb().modelSpec(modelSpec));
    Agent orchestrator =
        new Agent(
            run.session(),
            "main",
            model,
            new OrchestratorTools(this),
            dev.grove.agent.Checkpointer.NONE,
            run.wb().settings().limits(),
            run.wb().settings().clock(),
            run.listener()::step,
            new LaneInbox(run.session(), "main"));
    Agent.Outcome outcome;
    try {
      outcome = orchestrator.run();
    } catch (Throwable e) {
      // the orchestrator agent itself broke (not its model: the loop records those): record it in
      // lane main,
      // stop its lanes cleanly so each records that it stopped, and leave the run resumable
      String reason =
          "the orchestrator agent failed: " + e.getClass().getSimpleName() + ": " + e.getMessage();
      run.listener().lane("main", LaneState.FAILED, reason);
      try {
        run.log().append("main", new RunEvent.LaneFailed(reason, RunEvent.Work.NONE));
      } catch (Throwable unrecorded) {
        e.addSuppressed(unrecorded);
      }
      stop(reason);
      return status();
    }
    if (!(outcome instanceof Agent.Outcome.Finished)) {
      run.listener()
          .lane(
              "main",
              outcome instanceof Agent.Outcome.Stopped ? LaneState.STOPPED : LaneState.FAILED,
              "orchestrator: " + describe(outcome));
    }
    awaitAll();
    return finish();
  }

  /** Starts an agent on a task; returns its lane (also its slug and branch name). */
  @Override
  public String spawn(Task task) {
    String lane = lanes.freeName(task.suggestedSlug());
    Path worktree = run.wb().worktrees().root().resolve(lane);
    Lane l =
        new Lane(
            lane,
            task,
            run.baseRef(),
            run.baseCommit(),
            run.wb().modelSpec(null),
            null,
            run.options().retries());
    lanes.put(l);
    run.log()
        .append(
            "main",
            new RunEvent.LaneSpawned(
                lane,
                task.text(),
                Lanes.branch(lane),
                worktree.toString(),
                run.baseRef(),
                run.baseCommit(),
                task.verify(),
                l.model,
                null,
                null,
                null,
                null));
    boolean renamed = task.slug() != null && !lane.equals(task.slug());
    run.listener()
        .lane(
            lane,
            LaneState.QUEUED,
            (renamed ? "spawned as " + lane + " (" + task.slug() + " is taken): " : "spawned: ")
                + task.text());
    start(l, LaneWork.Mode.FRESH);
    return lane;
  }

  private void start(Lane l, LaneWork.Mode mode) {
    Thread t =
        Thread.ofVirtual()
            .name("grove-lane-" + l.name)
            .unstarted(
                () -> {
                  try {
                    slots.acquire();
                  } catch (InterruptedException e) {
                    run.log()
                        .appendForLane(
                            l.name,
                            new RunEvent.LaneStopped(
                                "interrupted before it started", RunEvent.Work.NONE));
                    l.state = LaneState.STOPPED;
                    return;
                  }
                  try {
                    work.run(l, mode);
                  } finally {
                    slots.release();
                  }
                });
    l.thread = t;
    threads.add(t);
    t.start();
  }

  // ---------------------------------------------------------------- shipping

  /**
   * Ships a finished lane now (the orchestrator agent's tool): commit, verification, push, pull
   * request, clean-up, each step done once. Returns the pull request, or null when the agent
   * changed no files.
   *
   * @throws OrchestratorException when the run does not ship, the lane is not finished, its
   *     verification fails or a step of shipping fails (recorded: resume ships it again)
   */
  @Override
  public PullRequest ship(String lane) {
    Lane l = lanes.require(lane);
    if (!run.options().ship()) {
      throw new OrchestratorException(
          "this run does not ship (the user chose --no-ship): "
              + lane
              + "'s work stays on its worktree and branch");
    }
    return switch (shipper.conclude(l, true)) {
      case Shipper.Result.Shipped s -> s.pullRequest();
      case Shipper.Result.NothingToShip n -> null;
      case Shipper.Result.Kept k ->
          throw new IllegalStateException("unreachable: shipping was asked for");
      case Shipper.Result.VerificationFailed v ->
          throw new OrchestratorException("lane " + lane + ": " + v.reason());
      case Shipper.Result.ShippingFailed f ->
          throw new OrchestratorException(
              "lane " + lane + ": " + f.step() + " failed: " + f.reason());
    };
  }

  // ---------------------------------------------------------------- going back

  /**
   * Forks a lane from one of its entries: a new lane whose first entry hangs below ENTRY (the hint,
   * when given), a fresh worktree on {@code task/<slug>-N} holding the files of the checkpoint at
   * or before ENTRY, and an agent that carries on with the whole context up to ENTRY. The old lane
   * and its branch are left as they are. Returns the new lane's name; it runs in the background.
   */
  @Override
  public String fork(String entryRef, String hint, String modelSpec) {
    String entryId = run.session().resolve(entryRef);
    Entry entry = run.session().entry(entryId);
    Lane origin =
        lanes
            .get(entry.lane())
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "entry "
                            + entryId
                            + " is on lane '"
                            + entry.lane()
                            + "', which is not an agent's lane of run "
                            + run.runId()
                            + " (the orchestrator's lane cannot be forked)"));
    Lane l = forks.prepare(origin, entryId, hint, modelSpec);
    start(l, LaneWork.Mode.CONTINUE);
    return l.name;
  }

  /**
   * Continues a run after a crash or Ctrl-C: lanes that were running carry on from their heads
   * (their worktrees restored from the last checkpoint if they are gone), lanes that finished are
   * concluded (committed, verified, shipped when the run ships), shipped lanes whose clean-up was
   * cut off are cleaned up, and an interrupted orchestrator agent carries on.
   */
  public RunStatus resume() {
    RunStatus st = status();
    for (LaneStatus s : st.lanes()) {
      Optional<Lane> found = lanes.get(s.lane());
      if (found.isEmpty()) {
        continue;
      }
      Lane l = found.get();
      switch (s.state()) {
        case QUEUED, RUNNING, STOPPED -> {
          run.listener().lane(l.name, s.state(), "resuming from " + s.head());
          start(
              l,
              run.session().laneHead(l.name).isPresent()
                  ? LaneWork.Mode.CONTINUE
                  : LaneWork.Mode.FRESH);
        }
        case FINISHED -> start(l, LaneWork.Mode.CONCLUDE);
        case SHIPPED -> {
          Optional<Worktree> wt = run.wb().worktrees().find(l.name);
          if (wt.isPresent() && run.owns(wt.get(), st.started())) {
            shipper.cleanUp(l); // the clean-up after its pull request was cut off
          }
        }
        case FAILED, MERGED -> {}
      }
    }
    if (orchestratorAgentUnfinished()) {
      run.listener().lane("main", LaneState.RUNNING, "resuming the orchestrator agent");
      return runOrchestratorAgent(null);
    }
    awaitAll();
    return finish();
  }

  /** In --plan mode: whether the orchestrator agent in lane main was cut off before it ended. */
  private boolean orchestratorAgentUnfinished() {
    boolean[] conversation = {
      false
    }; // the orchestrator agent's system message, found in the index alone
    run.session()
        .forEachNode(n -> conversation[0] |= n.lane().equals("main") && n.role() == Role.SYSTEM);
    RunEvent last = null;
    for (RunLog.Logged e : run.log().read("main")) {
      switch (e.event()) {
        // the orchestrator agent's own lifecycle, written by its agent loop
        case RunEvent.LaneStarted s -> last = s;
        case RunEvent.LaneFinished f -> last = f;
        case RunEvent.LaneFailed f -> last = f;
        case RunEvent.LaneStopped s -> last = s;
        default -> {}
      }
    }
    return conversation[0]
        && (last == null
            || last instanceof RunEvent.LaneStarted
            || last instanceof RunEvent.LaneStopped);
  }

  /** What {@link #clean} did, or would do, to one lane's worktree. */
  public record Cleaned(
      String lane, Path worktree, boolean removed, String savedRef, String note) {}

  /**
   * What {@link #clean()} would do: for each lane with a worktree, whether it would be removed and
   * why not. Changes nothing.
   */
  public List<Cleaned> cleanPlan() {
    List<Cleaned> out = new ArrayList<>();
    RunStatus st = status();
    for (LaneStatus l : st.lanes()) {
      Optional<Worktree> wt = run.wb().worktrees().find(l.lane());
      if (wt.isEmpty() || !Files.isDirectory(wt.get().path())) {
        continue;
      }
      Path path = wt.get().path();
      if (!run.owns(wt.get(), st.started())) {
        out.add(
            new Cleaned(
                l.lane(),
                path,
                false,
                null,
                "not this run's worktree (" + RunContext.ownerOf(wt.get()) + "); left alone"));
      } else if (!l.state().ended()) {
        out.add(
            new Cleaned(
                l.lane(), path, false, null, "still " + l.state().label() + "; left alone"));
      } else {
        out.add(
            new Cleaned(l.lane(), path, false, null, "would remove (" + l.state().label() + ")"));
      }
    }
    return out;
  }

  /**
   * Removes the worktrees of this run's lanes that have ended: what {@link #cleanPlan()} says would
   * go. Work that was not pushed is first saved under {@code refs/grove/} (and said where);
   * branches are kept.
   */
  public List<Cleaned> clean() {
    List<Cleaned> out = new ArrayList<>();
    for (Cleaned planned : cleanPlan()) {
      if (!planned.note().startsWith("would remove")) {
        out.add(planned);
        continue;
      }
      Worktrees.Removal r =
          run.wb().worktrees().remove(planned.lane(), new Worktrees.RemoveOptions(true, true));
      String saved = r.savedRef().orElse(null);
      run.log()
          .append(planned.lane(), new RunEvent.LaneCleaned(planned.worktree().toString(), saved));
      out.add(
          new Cleaned(
              planned.lane(),
              planned.worktree(),
              true,
              saved,
              saved == null ? "removed" : "removed; its work is saved at " + saved));
    }
    return out;
  }

  // ---------------------------------------------------------------- waiting and stopping

  /** Waits for one lane (and any retry it started) to end. */
  @Override
  public LaneState await(String lane) {
    Lane l = lanes.require(lane);
    Thread t = l.thread;
    if (t != null) {
      joinUninterruptibly(t);
    }
    return l.state;
  }

  /** Waits until at least one running lane ends; returns the lanes that have ended meanwhile. */
  @Override
  public List<String> awaitAny() {
    while (true) {
      List<Thread> live = threads.stream().filter(Thread::isAlive).toList();
      if (live.isEmpty()) {
        return lanes.names();
      }
      try {
        live.get(0).join(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return List.of();
      }
      if (threads.stream().filter(Thread::isAlive).count() < live.size()) {
        return lanes.all().stream().filter(x -> x.state.ended()).map(x -> x.name).toList();
      }
    }
  }

  /** Whether a lane of this run is working in this process (its thread has not ended). */
  boolean working() {
    return threads.stream().anyMatch(Thread::isAlive);
  }

  public void awaitAll() {
    while (true) {
      List<Thread> live = threads.stream().filter(Thread::isAlive).toList();
      if (live.isEmpty()) {
        return;
      }
      live.forEach(Orchestrator::joinUninterruptibly);
    }
  }

  /** Ctrl-C: stops every agent; each records that it stopped, so the run can be resumed. */
  public void stop() {
    stop("interrupted");
  }

  private void stop(String reason) {
    stopping = true;
    Thread b = boss;
    if (b != null && b != Thread.currentThread()) {
      b.interrupt();
    }
    threads.forEach(Thread::interrupt);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    for (Thread t : threads) {
      long left = deadline - System.nanoTime();
      if (left > 0) {
        try {
          t.join(TimeUnit.NANOSECONDS.toMillis(left) + 1);
        } catch (InterruptedException e) {
          break;
        }
      }
    }
    run.log().append("main", new RunEvent.RunInterrupted(reason));
  }

  private RunStatus finish() {
    RunStatus st = status();
    if (!stopping) {
      Map<String, Long> counts = new LinkedHashMap<>();
      for (LaneState s : LaneState.values()) {
        counts.put(s.label(), st.count(s));
      }
      run.log().append("main", new RunEvent.RunFinished(counts));
      st = status();
    }
    return st;
  }

  private static void joinUninterruptibly(Thread t) {
    boolean interrupted = false;
    while (true) {
      try {
        t.join();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    try {
      run.session().close();
    } finally {
      if (lock != null) {
        lock.close();
      }
    }
  }

  // ---------------------------------------------------------------- for the orchestrator agent's
  // tools

  /** Lanes of this run by state (for the orchestrator agent's tools). */
  @Override
  public List<LaneStatus> lanes() {
    return status().lanes();
  }

  @Override
  public boolean hasLane(String lane) {
    return lanes.has(lane);
  }

  private static String currentBranch(Workbench wb) {
    GitResult r = wb.git().probe(wb.repo(), List.of("symbolic-ref", "-q", "--short", "HEAD"));
    if (r.ok()) {
      return r.out();
    }
    throw new OrchestratorException(
        "the repository's HEAD is detached: name the branch to start from with --base");
  }

  private static String newRunId(Workbench wb) {
    return RUN_ID.format(wb.settings().clock().instant())
        + "-"
        + String.format(Locale.ROOT, "%08x", ThreadLocalRandom.current().nextInt());
  }

  static String describe(Agent.Outcome o) {
    return switch (o) {
      case Agent.Outcome.Finished f -> f.summary();
      case Agent.Outcome.Failed f -> f.reason();
      case Agent.Outcome.Stopped s -> s.reason();
    };
  }
}
