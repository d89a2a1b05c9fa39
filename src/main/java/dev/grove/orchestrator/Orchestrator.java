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
   * @param budget the most the whole run may spend on models, in US dollars: every lane, retry,
   *     attempt, the orchestrator agent and the judge; reached, the lanes stop, resumable with a
   *     larger one
   * @param radar the least time between two looks of the conflict radar ({@link Radar}); zero for
   *     no radar
   */
  public record Options(
      String base,
      Integer parallel,
      Integer retries,
      String verify,
      String remote,
      Forges.Settings forge,
      Boolean ship,
      Generated generated,
      Double budget,
      java.time.Duration radar) {
    /** How often the radar may look by default. */
    public static final java.time.Duration RADAR = java.time.Duration.ofSeconds(5);

    public Options {
      if (parallel != null && parallel < 1) {
        throw new IllegalArgumentException("--parallel must be at least 1, not " + parallel);
      }
      if (retries != null && retries < 0) {
        throw new IllegalArgumentException("--retries must not be negative");
      }
      if (budget != null && (!(budget >= 0) || budget.isInfinite())) {
        throw new IllegalArgumentException("--budget must be an amount of dollars, not " + budget);
      }
      if (radar != null && radar.isNegative()) {
        throw new IllegalArgumentException("the radar's gap must not be negative: " + radar);
      }
    }

    /** Without a budget, the radar as by default. */
    public Options(
        String base,
        Integer parallel,
        Integer retries,
        String verify,
        String remote,
        Forges.Settings forge,
        Boolean ship,
        Generated generated) {
      this(base, parallel, retries, verify, remote, forge, ship, generated, null, null);
    }

    /** These options with a budget (null: as recorded, or none). */
    public Options withBudget(Double dollars) {
      return new Options(
          base, parallel, retries, verify, remote, forge, ship, generated, dollars, radar);
    }

    /** These options with the radar's gap (zero: no radar; null: the default). */
    public Options withRadar(java.time.Duration gap) {
      return new Options(
          base, parallel, retries, verify, remote, forge, ship, generated, budget, gap);
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
          null,
          4,
          0,
          null,
          "origin",
          Forges.Settings.of("local"),
          true,
          Generated.DEFAULT,
          null,
          RADAR);
    }

    /** Nothing given: everything as recorded (reopening) or default (starting). */
    public static Options none() {
      return new Options(null, null, null, null, null, null, null, null, null, null);
    }

    /** The options a run recorded: when it started, and its budget as last set. */
    static Options recorded(RunEvent.RunStarted s, Double budget) {
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
          s.generated() == null ? null : new Generated(s.generated()),
          budget,
          null);
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
          generated != null ? generated : below.generated,
          budget != null ? budget : below.budget,
          radar != null ? radar : below.radar);
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
  private final Attempts attempts;
  private final Radar radar;
  private final Semaphore slots;
  private final List<Thread> threads = new CopyOnWriteArrayList<>();

  /** This process's hold on the run (null when the run is only inspected). */
  private final RunLock lock;

  private volatile boolean stopping;

  /** The thread running the orchestrator agent (--plan), so that stopping reaches it too. */
  private volatile Thread boss;

  private Orchestrator(RunContext given, RunLock lock, RunStatus status) {
    // every step an agent takes may have changed files: the radar looks again
    this.run = given.withListener(new Poking(given.listener(), () -> radar().poke()));
    this.lock = lock;
    this.lanes = status == null ? new Lanes(run) : Lanes.load(run, status);
    this.shipper = new Shipper(run);
    this.forks = new Forks(run, lanes);
    // a spent budget stops the lanes at their next model call: nothing is settled or retried then
    this.attempts = new Attempts(run, lanes, shipper, () -> stopping || run.budget().spentOut());
    this.radar = new Radar(run, lanes, run.options().radar());
    Instant started = status == null ? run.wb().settings().clock().instant() : status.started();
    this.work =
        new LaneWork(
            run,
            lanes,
            shipper,
            forks,
            attempts,
            () -> stopping || run.budget().spentOut(),
            started);
    this.slots = new Semaphore(run.options().parallel());
    run.budget().onReached(this::budgetReached);
  }

  private Radar radar() {
    return radar;
  }

  /** The run's listener, with each agent step that may have changed files poking the radar. */
  private record Poking(Listener inner, Runnable poke) implements Listener {
    @Override
    public void step(Agent.Step step) {
      if (step.tool() != null
          && (step.tool().equals("write_file")
              || step.tool().equals("edit_file")
              || step.tool().equals("run_command"))) {
        poke.run();
      }
      inner.step(step);
    }

    @Override
    public void lane(String lane, LaneState state, String what) {
      inner.lane(lane, state, what);
    }
  }

  /**
   * Starts a new run: its session file, its {@code run.started} event, and this process's lock on
   * it. What a run needs to ship (a remote to push to, a forge and its token) is checked first, so
   * that a missing one fails before any agent works (or spends money).
   */
  public static Orchestrator start(Workbench wb, Options given, Listener listener, String mode) {
    return start(wb, given, listener, mode, null);
  }

  /**
   * {@link #start(Workbench, Options, Listener, String)} for a run that carries on from a
   * conversation ({@code from}, or null for none): its session file holds the run's {@code
   * run.started} event and then the conversation's entries, written together (the file appears
   * whole or not at all). Lanes start below its entry with {@link #carryOn}.
   */
  public static Orchestrator start(
      Workbench wb, Options given, Listener listener, String mode, ImportedContext from) {
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
            options.generated().equals(Generated.DEFAULT) ? null : options.generated().patterns(),
            options.budget());
    SessionStore.Options storeOptions =
        SessionStore.Options.defaults().withClock(wb.settings().clock());
    Body.Event startedEvent = new Body.Event(started.kind(), RunEventCodec.encode(started));
    SessionStore session;
    if (from == null) {
      session = SessionStore.create(file, wb.repo().toString(), storeOptions);
    } else {
      session =
          SessionStore.create(
              file,
              wb.repo().toString(),
              from.source(),
              new Draft(Parent.root(), "main", startedEvent),
              from.path(),
              storeOptions);
    }
    try {
      if (from == null) {
        session.append(new Draft(Parent.root(), "main", startedEvent));
      }
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
              "plan".equals(mode),
              new BudgetMeter(options.budget(), 0));
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
      lock = work ? RunLock.acquire(file, runId, wb.settings().clock().instant()) : null;
      RunStatus status = RunStatus.of(runId, session, lock != null);
      Double budget = status.budget().limit();
      Options options = given.or(Options.recorded(started, budget)).or(Options.defaults());
      if (work && given.budget() != null && !given.budget().equals(budget)) {
        log.append("main", new RunEvent.RunBudget(given.budget()));
      }
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
              "plan".equals(started.mode()),
              new BudgetMeter(options.budget(), status.budget().spent()));
      return new Orchestrator(run, lock, status);
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

  /** What the run's parts share. */
  RunContext context() {
    return run;
  }

  /** What must pass before a lane's work ships (and after it merges): the run's, then its own. */
  List<String> shipperVerifyCommands(String lane) {
    return shipper.verifyCommands(lanes.require(lane).task);
  }

  /**
   * A fork of {@code lane} below its last entry whose worktree holds {@code files} (the merge
   * queue's: the base as it is now with the lane's work merged in), told {@code hint}; started.
   * Returns the new lane.
   */
  String forkOnto(String lane, Forks.Files files, String hint, String modelSpec) {
    requireBudget();
    Lane origin = lanes.require(lane);
    String head =
        run.session()
            .laneHead(lane)
            .orElseThrow(() -> new OrchestratorException("lane " + lane + " has no entries"));
    Lane l =
        forks.prepare(
            origin, head, hint, modelSpec, lanes.nextSuffix(lanes.original(origin)), null, files);
    start(l, LaneWork.Mode.CONTINUE);
    return l.name;
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
    return runTasks(tasks, AttemptsPlan.NONE);
  }

  /**
   * Gives each task to {@code plan.count()} agents at once (its attempts, spread over {@code
   * plan.models()}), runs them (at most {@code parallel} at once) and waits for all. When a task's
   * attempts have all ended, they are scored and the best ships ({@link Attempts}).
   */
  public RunStatus runTasks(List<Task> tasks, AttemptsPlan plan) {
    List<String> models = attemptModels(plan);
    // all of them in one entry first: a crash while they are given loses none (see resume)
    run.log()
        .append(
            "main", new RunEvent.TasksGiven(tasks, plan.count(), plan.models(), plan.scoring()));
    for (Task t : tasks) {
      give(t, plan, models, null);
      CrashPoint.reach("given");
    }
    awaitAll();
    return finish();
  }

  /** The tasks of the run that a crash kept from being given ({@link RunEvent.TasksGiven#left}). */
  private void giveTheRest() {
    List<RunLog.Logged> main = run.log().read("main");
    List<Task> left = RunEvent.TasksGiven.left(main);
    if (left.isEmpty()) {
      return;
    }
    AttemptsPlan plan = null;
    for (RunLog.Logged e : main) {
      if (e.event() instanceof RunEvent.TasksGiven t) {
        plan = t.plan();
      }
    }
    List<String> models = attemptModels(plan);
    for (Task t : left) {
      run.listener()
          .lane("main", LaneState.RUNNING, "giving a task a crash kept back: " + t.text());
      give(t, plan, models, null);
    }
  }

  /** Gives a task to one lane, or to a group of attempts; below {@code fromEntry} when not null. */
  private void give(Task task, AttemptsPlan plan, List<String> models, String fromEntry) {
    if (plan.several()) {
      spawnAttempts(task, plan, models, fromEntry);
    } else {
      spawnLane(
          task,
          lanes.freeName(task.suggestedSlug()),
          plan.models().isEmpty() ? null : models.get(0),
          null,
          fromEntry);
    }
  }

  /**
   * Gives {@code task} to an agent (or {@code plan.count()} of them) that carries on below {@code
   * entryRef} of the conversation the run was started from ({@link ImportedContext}): its context
   * is that conversation up to the entry, then grove's instructions and the task; its worktree is a
   * fresh one on the run's base. Runs it and waits.
   *
   * @throws OrchestratorException.NotFound when the entry is not one of the imported conversation
   */
  public RunStatus carryOn(Task task, String entryRef, AttemptsPlan plan) {
    String entryId = run.session().resolve(entryRef);
    if (!run.session().node(entryId).lane().equals(ImportedContext.LANE)) {
      throw new OrchestratorException.NotFound(
          "entry "
              + entryId
              + " is not one of the conversation run "
              + run.runId()
              + " was started from");
    }
    give(task, plan, attemptModels(plan), entryId);
    awaitAll();
    return finish();
  }

  /**
   * The model of each attempt, checked (a bad spec or a missing key fails before anything is made);
   * the judge's too.
   */
  private List<String> attemptModels(AttemptsPlan plan) {
    Map<String, String> checked = new LinkedHashMap<>();
    List<String> out = new ArrayList<>();
    for (int i = 0; i < plan.count(); i++) {
      String given = plan.model(i);
      out.add(
          checked.computeIfAbsent(String.valueOf(given), g -> run.wb().checkedModelSpec(given)));
    }
    if (plan.scoring().judge() != null) {
      run.wb().checkedModelSpec(plan.scoring().judge());
    }
    return out;
  }

  /** A lane name for attempt {@code n} (from 1) of {@code group}: {@code <group>-a<n>}. */
  private String attemptName(String group, int n) {
    String stem = group.length() > 58 ? group.substring(0, 58).replaceAll("-+$", "") : group;
    return lanes.freeName(stem + "-a" + n);
  }

  /**
   * A task's attempts: the group recorded, then each attempt spawned (below {@code fromEntry} of
   * the run's conversation, or fresh when null). Returns the group.
   */
  private String spawnAttempts(
      Task task, AttemptsPlan plan, List<String> models, String fromEntry) {
    String group = lanes.freeName(task.suggestedSlug());
    run.log()
        .append(
            "main",
            new RunEvent.AttemptsStarted(
                group,
                task.text(),
                plan.count(),
                models,
                null,
                fromEntry,
                null,
                plan.scoring().withJudge(judgeSpec(plan))));
    run.listener().lane(group, LaneState.QUEUED, plan.count() + " attempts: " + task.text());
    attempts.hold(group);
    try {
      for (int i = 0; i < plan.count(); i++) {
        spawnLane(task, attemptName(group, i + 1), models.get(i), group, fromEntry);
      }
    } finally {
      attempts.release(group);
    }
    return group;
  }

  /** The judge's spec as it resolves (a scripted file made absolute), or null for none. */
  private String judgeSpec(AttemptsPlan plan) {
    return plan.scoring().judge() == null ? null : run.wb().modelSpec(plan.scoring().judge());
  }

  /**
   * The orchestrator agent: a model with spawn/status/wait/fork/pull-request tools splits the goal
   * into tasks and manages them, in lane {@code main}.
   */
  public RunStatus plan(String goal, String modelSpec) {
    String top = run.session().laneHead("main").orElseThrow();
    Agent.prompt(run.session(), "main", top, Prompts.orchestrator(), true);
    CrashPoint.reach("planned");
    Agent.giveTask(run.session(), "main", goal);
    return runOrchestratorAgent(modelSpec);
  }

  /**
   * Runs (or, resuming, carries on with) the orchestrator agent in lane main, then waits for every
   * lane.
   */
  private RunStatus runOrchestratorAgent(String modelSpec) {
    boss = Thread.currentThread();
    ChatModel model = run.model(run.wb().modelSpec(modelSpec));
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
    return spawnLane(task, lanes.freeName(task.suggestedSlug()), null, null, null);
  }

  /**
   * Makes lane {@code lane} (a free name) for a task, and starts it: a fresh agent, or (with {@code
   * fromEntry}) one that carries on below that entry of the conversation the run was started from.
   */
  private String spawnLane(
      Task task, String lane, String modelSpec, String attemptOf, String fromEntry) {
    requireBudget();
    Path worktree = run.wb().worktrees().root().resolve(lane);
    Lane l =
        new Lane(
            lane,
            task,
            run.baseRef(),
            run.baseCommit(),
            modelSpec != null ? modelSpec : run.wb().modelSpec(null),
            null,
            run.options().retries(),
            attemptOf);
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
                fromEntry,
                null,
                null,
                attemptOf));
    boolean renamed = attemptOf == null && task.slug() != null && !lane.equals(task.slug());
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
    if (l.attemptOf != null) {
      attempts.hold(l.attemptOf); // let go when this lane (and its retries) end: see Attempts
    }
    if (lock != null) {
      radar.start();
    }
    Thread t =
        Thread.ofVirtual()
            .name("grove-lane-" + l.name)
            .unstarted(
                () -> {
                  boolean slot = false;
                  try {
                    slots.acquire();
                    slot = true;
                    work.run(l, mode);
                  } catch (InterruptedException e) {
                    run.log()
                        .appendForLane(
                            l.name,
                            new RunEvent.LaneStopped(
                                "interrupted before it started", RunEvent.Work.NONE));
                    l.state = LaneState.STOPPED;
                  } finally {
                    try {
                      if (l.attemptOf != null) {
                        attempts.release(l.attemptOf); // the last attempt to end settles them
                      }
                    } finally {
                      if (slot) {
                        slots.release();
                      }
                    }
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
    requireBudget();
    String entryId = run.session().resolve(entryRef);
    Lane origin = laneOf(entryId);
    Lane l = forks.prepare(origin, entryId, hint, modelSpec);
    start(l, LaneWork.Mode.CONTINUE);
    return l.name;
  }

  /**
   * Forks a lane from one of its entries {@code plan.count()} times at once: sibling lanes below
   * ENTRY, each in its own worktree with the files of that moment (and the hint), spread over
   * {@code plan.models()}; when they have all ended they are scored and the best ships, as a task's
   * attempts are. Returns the group's name; the lanes run in the background ({@link #await(String)}
   * waits for one, {@link #awaitAll()} for all).
   */
  public String forkAttempts(String entryRef, String hint, AttemptsPlan plan) {
    requireBudget();
    String entryId = run.session().resolve(entryRef);
    Lane origin = laneOf(entryId);
    List<String> models = attemptModels(plan);
    String group = lanes.nextSuffix(lanes.original(origin));
    run.log()
        .append(
            "main",
            new RunEvent.AttemptsStarted(
                group,
                origin.task.text(),
                plan.count(),
                models,
                origin.name,
                entryId,
                hint,
                plan.scoring().withJudge(judgeSpec(plan))));
    attempts.hold(group);
    try {
      for (int i = 0; i < plan.count(); i++) {
        Lane l =
            forks.prepare(
                origin, entryId, hint, models.get(i), attemptName(group, i + 1), group, null);
        start(l, LaneWork.Mode.CONTINUE);
      }
    } finally {
      attempts.release(group);
    }
    return group;
  }

  /** The lanes of a group of attempts (so far). */
  public List<String> attemptLanes(String group) {
    return lanes.all().stream()
        .filter(l -> group.equals(l.attemptOf))
        .map(l -> l.name)
        .sorted()
        .toList();
  }

  /** The agent's lane an entry is on. */
  private Lane laneOf(String entryId) {
    Entry entry = run.session().entry(entryId);
    return lanes
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
  }

  /**
   * Refuses to start work once the budget is spent.
   *
   * @throws OrchestratorException saying what was spent and how to go on
   */
  private void requireBudget() {
    if (run.budget().spentOut()) {
      throw new OrchestratorException(
          String.format(
              Locale.ROOT,
              "run %s has spent $%.4f of its $%.2f budget: give it a larger one (grove resume"
                  + " --budget)",
              run.runId(),
              run.budget().spent(),
              run.budget().limit()));
    }
  }

  /**
   * The budget was reached: recorded and told. The lanes stop themselves at their next model call
   * (the meter refuses it, {@link BudgetMeter}), each recording that it stopped, so the run is
   * resumable with a larger budget.
   */
  private void budgetReached() {
    String said =
        String.format(
            Locale.ROOT,
            "the run's budget of $%.2f is spent ($%.4f): its lanes stop; grove resume --budget"
                + " MORE carries on",
            run.budget().limit(),
            run.budget().spent());
    run.log()
        .append("main", new RunEvent.BudgetReached(run.budget().limit(), run.budget().spent()));
    run.listener().lane("main", LaneState.STOPPED, said);
  }

  /**
   * Continues a run after a crash or Ctrl-C: lanes that were running carry on from their heads
   * (their worktrees restored from the last checkpoint if they are gone), lanes that finished are
   * concluded (committed, verified, shipped when the run ships), shipped lanes whose clean-up was
   * cut off are cleaned up, and an interrupted orchestrator agent carries on.
   */
  public RunStatus resume() {
    requireBudget();
    RunStatus st = status();
    List<String> groups = st.attempts().stream().map(AttemptGroup::group).toList();
    groups.forEach(attempts::hold); // nothing settles while its attempts are restarted
    try {
      for (LaneStatus s : st.lanes()) {
        Optional<Lane> found = lanes.get(s.lane());
        if (found.isEmpty()) {
          continue;
        }
        Lane l = found.get();
        boolean settled = l.attemptOf != null && s.chosen() != null;
        switch (s.state()) {
          case QUEUED, RUNNING, STOPPED -> {
            run.listener().lane(l.name, s.state(), "resuming from " + s.head());
            start(
                l,
                run.session().laneHead(l.name).isPresent()
                    ? LaneWork.Mode.CONTINUE
                    : LaneWork.Mode.FRESH);
          }
          case FINISHED -> {
            if (!settled) {
              start(l, LaneWork.Mode.CONCLUDE); // an attempt's conclusion stops before shipping
            }
          }
          case SHIPPED -> {
            Optional<Worktree> wt = run.wb().worktrees().find(l.name);
            if (wt.isPresent() && run.owns(wt.get(), st.started())) {
              shipper.cleanUp(l); // the clean-up after its pull request was cut off
            }
          }
          case FAILED, MERGED -> {}
        }
      }
      for (AttemptGroup g : st.attempts()) {
        respawnMissing(g);
      }
      giveTheRest();
    } finally {
      groups.forEach(attempts::release); // a group with nothing left to run is settled here
    }
    if (orchestratorAgentUnfinished()) {
      if (Agent.onlyPrompted(run.session(), "main")) {
        // cut off between the orchestrator agent's instructions and its goal: the goal is in no
        // entry, and an agent without one would make up its work
        String reason =
            "the run was cut off after the orchestrator agent's instructions were written and"
                + " before its goal was; the goal is not in the run, so the agent was not resumed:"
                + " start the run again (grove run --plan GOAL)";
        run.log().appendForLane("main", new RunEvent.LaneFailed(reason, RunEvent.Work.NONE));
        run.listener().lane("main", LaneState.FAILED, reason);
      } else {
        run.listener().lane("main", LaneState.RUNNING, "resuming the orchestrator agent");
        return runOrchestratorAgent(null);
      }
    }
    awaitAll();
    return finish();
  }

  /**
   * A group's attempts that a crash kept from being spawned (its first lanes recorded, not all):
   * spawned now, so that it gets as many attempts as it asked for.
   */
  private void respawnMissing(AttemptGroup g) {
    if (g.decided()) {
      return;
    }
    RunEvent.AttemptsStarted started = null;
    for (RunLog.Logged e : run.log().read("main")) {
      if (e.event() instanceof RunEvent.AttemptsStarted a && a.group().equals(g.group())) {
        started = a;
      }
    }
    if (started == null) {
      return;
    }
    String forkOf = started.forkOf();
    List<Lane> first =
        lanes.all().stream()
            .filter(
                l -> g.group().equals(l.attemptOf) && java.util.Objects.equals(l.forkOf, forkOf))
            .toList();
    for (int i = first.size(); i < started.count(); i++) {
      String model =
          started.models().isEmpty() ? null : started.models().get(i % started.models().size());
      if (forkOf == null) {
        Task task = first.isEmpty() ? new Task(null, started.task(), null) : first.get(0).task;
        spawnLane(task, attemptName(g.group(), i + 1), model, g.group(), started.fromEntry());
      } else {
        Lane origin = lanes.require(forkOf);
        Lane l =
            forks.prepare(
                origin,
                started.fromEntry(),
                started.hint(),
                model,
                attemptName(g.group(), i + 1),
                g.group(),
                null);
        start(l, LaneWork.Mode.CONTINUE);
      }
    }
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
    Thread self = Thread.currentThread();
    threads.stream().filter(t -> t != self).forEach(Thread::interrupt);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    for (Thread t : threads) {
      if (t == self) {
        continue;
      }
      long left = deadline - System.nanoTime();
      if (left > 0) {
        try {
          t.join(TimeUnit.NANOSECONDS.toMillis(left) + 1);
        } catch (InterruptedException e) {
          break;
        }
      }
    }
    radar.close();
    run.log().append("main", new RunEvent.RunInterrupted(reason));
  }

  private RunStatus finish() {
    radar.close();
    if (run.budget().spentOut()) {
      stopping = true; // its lanes stopped at the budget: the run is interrupted, resumable
    }
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
      radar.close();
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
