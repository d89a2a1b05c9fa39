package dev.grove.orchestrator;

import dev.grove.agent.Agent;
import dev.grove.forge.Forge;
import dev.grove.forge.Forges;
import dev.grove.forge.PullRequest;
import dev.grove.forge.PullRequestDraft;
import dev.grove.forge.RemoteUrl;
import dev.grove.git.Shipping;
import dev.grove.git.GitResult;
import dev.grove.git.Slug;
import dev.grove.git.Worktree;
import dev.grove.git.Worktrees;
import dev.grove.model.ChatModel;
import dev.grove.sandbox.CommandRequest;
import dev.grove.sandbox.CommandResult;
import dev.grove.session.Body;
import dev.grove.session.Draft;
import dev.grove.session.Entry;
import dev.grove.session.Node;
import dev.grove.session.Parent;
import dev.grove.session.Role;
import dev.grove.session.SessionStore;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.format.DateTimeFormatter;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A run: tasks given to agents that work in parallel, each with its own worktree on
 * {@code task/<slug>}, its own lane of the run's session file, and the sandbox. What succeeds is
 * verified, committed, pushed and proposed as a pull request; what fails can be forked from just
 * before its bad decision, by hand or with {@code retries}, keeping its context and its files.
 *
 * <p>Everything a run knows is written to its session file as it happens ({@code <git-common-dir>/grove/sessions/<run>.jsonl}):
 * the run's own events on lane {@code main}, and each agent's conversation and lifecycle on its lane,
 * whose first entry hangs below the orchestrator's spawn entry for it. A run can therefore be resumed
 * after a crash or Ctrl-C from the file alone.
 */
public final class Orchestrator implements AutoCloseable {
  private static final DateTimeFormatter RUN_ID = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

  /**
   * How a run works. A null field is not given: a new run takes the default, a reopened run what it
   * recorded when it started (so a resumed run ships, verifies and pushes as it was told to).
   *
   * @param base the branch or commit agents start from; null for the repository's current branch
   * @param parallel how many agents work at once
   * @param retries how many times a failed lane is forked automatically
   * @param verify a shell command that must pass in the worktree before work ships; null for none
   * @param remote the git remote branches are pushed to
   * @param ship whether work may ship (be committed, pushed and proposed): in a run of tasks, finished
   *     lanes ship at once; in a plan, the orchestrator agent ships with its tool, which refuses when this is
   *     false
   */
  public record Options(String base, Integer parallel, Integer retries, String verify, String remote,
      Forges.Settings forge, Boolean ship) {
    public Options {
      if (parallel != null && parallel < 1) {
        throw new IllegalArgumentException("--parallel must be at least 1, not " + parallel);
      }
      if (retries != null && retries < 0) {
        throw new IllegalArgumentException("--retries must not be negative");
      }
    }

    public static Options defaults() {
      return new Options(null, 4, 0, null, "origin", Forges.Settings.of("local"), true);
    }

    /** Nothing given: everything as recorded (reopening) or default (starting). */
    public static Options none() {
      return new Options(null, null, null, null, null, null, null);
    }

    /** The options a run recorded when it started. */
    static Options recorded(RunEvent.RunStarted s) {
      return new Options(s.base(), s.parallel() < 1 ? null : s.parallel(), s.retries(), s.verify(), s.remote(),
          s.forge() == null ? null : new Forges.Settings(s.forge(), s.forgeUrl() == null ? null
              : java.net.URI.create(s.forgeUrl()), s.forgeTokenEnv(), null), s.ships());
    }

    /** These options, each blank filled from {@code below}. */
    public Options or(Options below) {
      return new Options(base != null ? base : below.base, parallel != null ? parallel : below.parallel,
          retries != null ? retries : below.retries, verify != null ? verify : below.verify,
          remote != null ? remote : below.remote, forge != null ? forge : below.forge, ship != null ? ship : below.ship);
    }
  }

  /** Told what happens, for progress displays; must be quick and must not throw. */
  public interface Listener {
    Listener NONE = new Listener() {};

    default void step(Agent.Step step) {}

    /** Something happened to a lane: spawned, verified, shipped, failed, … */
    default void lane(String lane, LaneState state, String what) {}
  }

  /** What the orchestrator keeps about a lane while the run is live. */
  private static final class Lane {
    final String name;
    final Task task;
    final String baseRef;
    final String baseCommit;
    final String model;
    /** The lane this one was forked from, or null. */
    String forkOf;
    volatile Thread thread;
    volatile LaneState state = LaneState.QUEUED;
    int retriesLeft;

    Lane(String name, Task task, String baseRef, String baseCommit, String model, int retries) {
      this.name = name;
      this.task = task;
      this.baseRef = baseRef;
      this.baseCommit = baseCommit;
      this.model = model;
      this.retriesLeft = retries;
    }
  }

  private final Workbench wb;
  private final Options options;
  private final Listener listener;
  private final String runId;
  private final SessionStore session;
  private final RunLog log;
  private final Semaphore slots;
  private final Map<String, Lane> lanes = new ConcurrentHashMap<>();
  /** Lane names taken in this run, including those being set up. */
  private final java.util.Set<String> reserved = ConcurrentHashMap.newKeySet();
  private final List<Thread> threads = new CopyOnWriteArrayList<>();
  private final String baseRef;
  private final String baseCommit;
  /** Whether an orchestrator agent manages the lanes (and ships with its tool) rather than grove itself. */
  private final boolean plan;
  /** This process's hold on the run (null when the run is only inspected). */
  private final RunLock lock;
  private volatile boolean stopping;
  /** The thread running the orchestrator agent (--plan), so that stopping reaches it too. */
  private volatile Thread boss;
  private Forge forge;

  private Orchestrator(Workbench wb, Options options, Listener listener, String runId, SessionStore session,
      String baseRef, String baseCommit, boolean plan, RunLock lock) {
    this.plan = plan;
    this.lock = lock;
    this.wb = wb;
    this.options = options;
    this.listener = listener;
    this.runId = runId;
    this.session = session;
    this.log = new RunLog(session, wb.secrets());
    this.slots = new Semaphore(options.parallel());
    this.baseRef = baseRef;
    this.baseCommit = baseCommit;
  }

  /** Starts a new run: its session file and its {@code run.started} event. */
  public static Orchestrator start(Workbench wb, Options given, Listener listener, String mode) {
    Options options = given.or(Options.defaults());
    String model = wb.checkedModelSpec(null);
    String base = options.base() != null ? options.base() : currentBranch(wb);
    String baseCommit = wb.git().run(wb.repo(), List.of("rev-parse", "--verify", "--end-of-options", base + "^{commit}")).out();
    String runId = newRunId(wb);
    Path file = wb.sessionsDir().resolve(runId + ".jsonl");
    RunEvent.RunStarted started = new RunEvent.RunStarted(runId, wb.repo().toString(), base, baseCommit, model,
        options.parallel(), options.retries(), options.verify(), options.remote(), options.forge().kind(),
        options.forge().apiUrl() == null ? null : options.forge().apiUrl().toString(), options.forge().tokenEnv(),
        options.ship(), mode);
    SessionStore session = SessionStore.create(file, wb.repo().toString(),
        SessionStore.Options.defaults().withClock(wb.settings().clock()));
    session.append(new Draft(Parent.root(), "main", new Body.Event(started.kind(), RunEventCodec.encode(started))));
    RunLock lock;
    try {
      lock = RunLock.acquire(file, runId, wb.settings().clock().instant());
    } catch (RuntimeException e) {
      session.close();
      throw e;
    }
    return new Orchestrator(wb, options, listener, runId, session, base, baseCommit, "plan".equals(mode), lock);
  }

  /**
   * Reopens an earlier run to work on it (resume it, fork one of its lanes): this process takes the run's
   * lock, so a run a live process is working on is refused, naming that process. Options not given are
   * those the run recorded.
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

  private static Orchestrator open(Workbench wb, String run, Options given, Listener listener, boolean work) {
    Path file = Runs.file(wb.sessionsDir(), run);
    String runId = file.getFileName().toString().replaceFirst("\\.jsonl$", "");
    SessionStore session = SessionStore.open(file, SessionStore.Options.defaults().withClock(wb.settings().clock()));
    RunLock lock = null;
    try {
      RunEvent.RunStarted started = new RunLog(session).started();
      Options options = given.or(Options.recorded(started)).or(Options.defaults());
      lock = work ? RunLock.acquire(file, runId, wb.settings().clock().instant()) : null;
      Orchestrator orch = new Orchestrator(wb, options, listener, runId, session, started.base(), started.baseCommit(),
          "plan".equals(started.mode()), lock);
      orch.loadLanes();
      return orch;
    } catch (RuntimeException e) {
      if (lock != null) {
        lock.close();
      }
      session.close();
      throw e;
    }
  }

  public String runId() {
    return runId;
  }

  /** The workbench the run was opened with. */
  Workbench workbench() {
    return wb;
  }

  /** The options the run works with: those given, else those it recorded. */
  Options options() {
    return options;
  }

  public SessionStore session() {
    return session;
  }

  /** The run's state; live while this process works on it (until it is stopped). */
  public RunStatus status() {
    return RunStatus.of(runId, session, lock != null && !stopping);
  }

  // ---------------------------------------------------------------- running

  /** Gives each task to an agent, runs them (at most {@code parallel} at once) and waits for all. */
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
    String top = session.laneHead("main").orElseThrow();
    Agent.begin(session, "main", top, Prompts.orchestrator(), goal);
    return runOrchestratorAgent(modelSpec);
  }

  /** Runs (or, resuming, carries on with) the orchestrator agent in lane main, then waits for every lane. */
  private RunStatus runOrchestratorAgent(String modelSpec) {
    boss = Thread.currentThread();
    ChatModel model = wb.model(wb.modelSpec(modelSpec));
    Agent orchestrator = new Agent(session, "main", model, new OrchestratorTools(this), dev.grove.agent.Checkpointer.NONE,
        wb.settings().limits(), wb.settings().clock(), listener::step);
    Agent.Outcome outcome;
    try {
      outcome = orchestrator.run();
    } catch (Throwable e) {
      // the orchestrator agent itself broke (not its model: the loop records those): record it in lane main,
      // stop its lanes cleanly so each records that it stopped, and leave the run resumable
      String reason = "the orchestrator agent failed: " + e.getClass().getSimpleName() + ": " + e.getMessage();
      listener.lane("main", LaneState.FAILED, reason);
      try {
        log.append("main", new RunEvent.LaneFailed(reason, RunEvent.Work.NONE));
      } catch (Throwable unrecorded) {
        e.addSuppressed(unrecorded);
      }
      stop(reason);
      return status();
    }
    if (!(outcome instanceof Agent.Outcome.Finished)) {
      listener.lane("main", outcome instanceof Agent.Outcome.Stopped ? LaneState.STOPPED : LaneState.FAILED,
          "orchestrator: " + describe(outcome));
    }
    awaitAll();
    return finish();
  }

  /** Starts an agent on a task; returns its lane (also its slug and branch name). */
  public String spawn(Task task) {
    String lane = freeSlug(task.suggestedSlug());
    Path worktree = wb.worktrees().root().resolve(lane);
    Lane l = new Lane(lane, task, baseRef, baseCommit, wb.modelSpec(null), options.retries());
    lanes.put(lane, l);
    log.append("main", new RunEvent.LaneSpawned(lane, task.text(), Slug.of(lane).branch(), worktree.toString(), baseRef,
        baseCommit, task.verify(), l.model, null, null, null, null));
    listener.lane(lane, LaneState.QUEUED, "spawned: " + task.text());
    start(l, Mode.FRESH);
    return lane;
  }

  private enum Mode { FRESH, CONTINUE, SHIP }

  private void start(Lane l, Mode mode) {
    Thread t = Thread.ofVirtual().name("grove-lane-" + l.name).unstarted(() -> work(l, mode));
    l.thread = t;
    threads.add(t);
    t.start();
  }

  /** One lane, start to end: worktree, agent, verification, shipping, and retries. */
  private void work(Lane l, Mode mode) {
    try {
      slots.acquire();
    } catch (InterruptedException e) {
      log.appendForLane(l.name, new RunEvent.LaneStopped("interrupted before it started", RunEvent.Work.NONE));
      l.state = LaneState.STOPPED;
      return;
    }
    Lane current = l;
    try {
      Mode m = mode;
      while (current != null) {
        current = attempt(current, m);
        m = Mode.CONTINUE;
      }
    } catch (Throwable e) {
      // a bug, an environment failure, or an Error (out of memory) outside the agent: record it on the lane
      // it hit (the original, or its automatic retry), never lose it silently nor leave the lane running
      String reason = "grove: " + (e instanceof RuntimeException ? "" : e.getClass().getSimpleName() + ": ") + e.getMessage();
      current.state = LaneState.FAILED;
      try {
        log.appendForLane(current.name, new RunEvent.LaneFailed(reason, RunEvent.Work.NONE));
      } catch (Throwable unrecorded) {
        e.addSuppressed(unrecorded);
      }
      listener.lane(current.name, LaneState.FAILED, reason);
    } finally {
      slots.release();
    }
  }

  /** Runs a lane once; returns the lane of an automatic retry to run next, or null. */
  private Lane attempt(Lane l, Mode mode) {
    if (mode == Mode.SHIP) {
      shipInRun(l);
      return null;
    }
    Worktree wt = worktree(l);
    l.state = LaneState.RUNNING;
    listener.lane(l.name, LaneState.RUNNING, "working in " + wt.path());
    if (session.laneHead(l.name).isEmpty()) {
      String spawn = log.spawnEntry(l.name);
      Agent.begin(session, l.name, spawn, Prompts.codingAgent(wt.branch()), l.task.text());
    }
    String model = l.model != null ? l.model : wb.modelSpec(null);
    Agent.Outcome outcome = wb.agent(session, l.name, wt.path(), wb.model(model), listener::step).run();
    if (outcome instanceof Agent.Outcome.Finished && !verify(l, wt)) {
      outcome = new Agent.Outcome.Failed(l.name, "verification failed", outcome.stats());
    }
    switch (outcome) {
      case Agent.Outcome.Finished f -> {
        l.state = LaneState.FINISHED;
        listener.lane(l.name, LaneState.FINISHED, f.summary());
        if (options.ship() && !plan) {
          shipInRun(l);
        }
        return null;
      }
      case Agent.Outcome.Stopped s -> {
        l.state = LaneState.STOPPED;
        listener.lane(l.name, LaneState.STOPPED, s.reason());
        return null;
      }
      case Agent.Outcome.Failed f -> {
        l.state = LaneState.FAILED;
        listener.lane(l.name, LaneState.FAILED, f.reason());
        if (l.retriesLeft > 0 && !stopping) {
          ForkPoint at = ForkPoint.afterFailure(session, l.name, f.reason());
          if (at != null) {
            Lane retry = prepareFork(l, at.entryId(), at.hint(), null);
            retry.retriesLeft = l.retriesLeft - 1;
            listener.lane(retry.name, LaneState.QUEUED, "retrying " + l.name + " from entry " + at.entryId());
            return retry;
          }
        }
        return null;
      }
    }
  }

  /**
   * Runs the lane's verification commands in its worktree, in order, until one fails; records each and
   * returns whether all passed.
   */
  private boolean verify(Lane l, Worktree wt) {
    for (String command : verifyCommands(l.task)) {
      if (!verify(l, wt, command)) {
        return false;
      }
    }
    return true;
  }

  private boolean verify(Lane l, Worktree wt, String command) {
    listener.lane(l.name, LaneState.RUNNING, "verifying: " + command);
    CommandResult r = wb.sandbox().run(new CommandRequest(wt.path(), Path.of(""), List.of("/bin/sh", "-c", command),
        Workbench.VERIFY_TIMEOUT, wb.settings().tools().network(), wb.settings().tools().commandEnvironment()));
    String output = r.stdout().text() + r.stderr().text();
    if (output.length() > 2000) {
      output = "…" + output.substring(output.length() - 2000);
    }
    log.append(l.name, new RunEvent.LaneVerified(command, r.succeeded(), r.exitCode(), r.timedOut(), output, null));
    if (!r.succeeded()) {
      String last = output.strip().lines().reduce((a, b) -> b).orElse("");
      log.append(l.name, new RunEvent.LaneFailed("verification failed: `" + command + "` exited " + r.exitCode()
          + (last.isEmpty() ? "" : " (" + last + ")"), RunEvent.Work.NONE));
    }
    return r.succeeded();
  }

  /**
   * What must pass before a lane's work ships: the run's own verification (the user's {@code --verify} or
   * {@code [run] verify}), always, then the task's, which can only add to it — a model that spawns an agent
   * with {@code verify: "true"} does not replace the user's check.
   */
  private List<String> verifyCommands(Task t) {
    List<String> commands = new ArrayList<>();
    if (options.verify() != null && !options.verify().isBlank()) {
      commands.add(options.verify());
    }
    if (t.verify() != null && !t.verify().isBlank() && !commands.contains(t.verify())) {
      commands.add(t.verify());
    }
    return commands;
  }

  // ---------------------------------------------------------------- shipping

  /**
   * Commits the lane's work (trailers bind the commit to the session), pushes its branch, opens a
   * pull request, and removes the worktree (the branch stays). Each step is an event; a failure is
   * recorded and leaves the lane finished, to be shipped again by {@code resume}.
   */
  public PullRequest ship(String lane) {
    Lane l = lanes.get(lane);
    if (l == null) {
      throw new IllegalArgumentException("no lane " + lane + " in run " + runId);
    }
    if (!options.ship()) {
      throw new OrchestratorException("this run does not ship (the user chose --no-ship): " + lane
          + "'s work stays on its worktree and branch");
    }
    return ship(l);
  }

  /**
   * Ships as part of the run: a failure is already recorded (lane.ship.failed) and leaves the lane
   * finished, for resume to ship again; it does not fail the lane.
   */
  private void shipInRun(Lane l) {
    try {
      ship(l);
    } catch (OrchestratorException recorded) {
      // recorded and told to the listener by ship
    }
  }

  private PullRequest ship(Lane l) {
    String step = "commit";
    PullRequest opened = null;
    try {
      Worktree wt = wb.worktrees().get(l.name);
      Path dir = wt.path();
      String end = session.laneHead(l.name).orElseThrow();
      String summary = finishSummary(l.name);
      Shipping.Shipment shipment = wb.shipping().commit(l.name, commitMessage(l, summary, end), wb.shipping().identity());
      List<String> leftOut = shipment.leftOut().stream().map(o -> o.path() + ": " + o.reason().description()).toList();
      log.append(l.name, new RunEvent.LaneCommitted(shipment.commit(), shipment.files().size(), shipment.shortstat(),
          shipment.files(), leftOut));
      if (!leftOut.isEmpty()) {
        listener.lane(l.name, LaneState.FINISHED, "left out of the commit: " + String.join("; ", leftOut));
      }
      if (shipment.files().isEmpty()) {
        listener.lane(l.name, LaneState.FINISHED, "nothing to ship: the agent changed no files");
        return null;
      }

      step = "push";
      String remoteUrl = wb.shipping().remoteUrl(options.remote()).orElseThrow(() -> new OrchestratorException(
          "the repository has no remote '" + options.remote() + "' to push to: add one (git remote add "
              + options.remote() + " URL) or name another with --remote"));
      wb.shipping().push(options.remote(), wt.branch(), shipment.commit());
      log.append(l.name, new RunEvent.LanePushed(options.remote(), RemoteUrl.withoutCredentials(remoteUrl), wt.branch(),
          shipment.commit()));
      listener.lane(l.name, LaneState.FINISHED, "pushed " + wt.branch() + " to " + options.remote());

      step = "pull request";
      List<String> verification = verifyCommands(l.task);
      PullRequest pr = forge(remoteUrl).open(new PullRequestDraft(wt.branch(), l.baseRef,
          PullRequestBody.title(summary, l.task.text()), PullRequestBody.of(session, new PullRequestBody.Facts(l.name,
              l.task.text(), summary, shipment.files(), shipment.shortstat(), leftOut,
              verification.isEmpty() ? null : String.join(" && ", verification), runId, end))));
      opened = pr;
      log.append(l.name, new RunEvent.PullRequestOpened(pr.forge(), pr.id(), pr.url(), pr.existing(), pr.head(), pr.base()));
      l.state = LaneState.SHIPPED;
      listener.lane(l.name, LaneState.SHIPPED, (pr.existing() ? "pull request already open: " : "pull request: ") + pr.url());

      step = "clean-up";
      // what grove left out of the commit is still in the worktree: saved under refs/grove/saved/, not lost
      Worktrees.Removal removal = wb.worktrees().remove(l.name, new Worktrees.RemoveOptions(true, true));
      log.append(l.name, new RunEvent.LaneCleaned(dir.toString(), removal.savedRef().orElse(null)));
      return pr;
    } catch (RuntimeException e) {
      log.append(l.name, new RunEvent.ShippingFailed(step, String.valueOf(e.getMessage())));
      listener.lane(l.name, l.state, step + " failed: " + e.getMessage());
      if ("clean-up".equals(step)) {
        return opened; // shipped; only the worktree is left over (grove clean removes it)
      }
      throw new OrchestratorException("lane " + l.name + ": " + step + " failed: " + e.getMessage(), e);
    }
  }

  /**
   * The commit's message: the agent's summary (control characters and anything that looks like a grove
   * trailer removed), the task, and grove's trailers as the last paragraph, which is the only place
   * {@link Why} reads them from.
   */
  private String commitMessage(Lane l, String summary, String end) {
    String body = AgentText.cap(AgentText.inert(AgentText.withoutTrailers(AgentText.plain(summary))).strip(), 20_000);
    String title = AgentText.cap(PullRequestBody.title(summary, l.task.text()), 72);
    String rest = body.startsWith(title) ? body.substring(title.length()).strip() : body;
    String task = AgentText.cap(AgentText.inert(AgentText.withoutTrailers(AgentText.plain(l.task.text()))).strip(), 4_000);
    return wb.secrets().redact(title + "\n\n" + (rest.isEmpty() ? "" : rest + "\n\n") + "Task: " + task + "\n\n")
        + Why.trailers(session.header().id(), end, l.name);
  }



  private synchronized Forge forge(String remoteUrl) {
    if (forge == null) {
      forge = Forges.create(options.forge(), remoteUrl, wb.settings().env(), HttpClient.newBuilder()
          .connectTimeout(java.time.Duration.ofSeconds(15)).build());
    }
    return forge;
  }

  // ---------------------------------------------------------------- going back

  /**
   * Forks a lane from one of its entries: a new lane whose first entry hangs below ENTRY (the hint,
   * when given), a fresh worktree on {@code task/<slug>-N} holding the files of the checkpoint at or
   * before ENTRY, and an agent that carries on with the whole context up to ENTRY. The old lane and
   * its branch are left as they are. Returns the new lane's name; it runs in the background.
   */
  public String fork(String entryRef, String hint, String modelSpec) {
    String entryId = session.resolve(entryRef);
    Entry entry = session.entry(entryId);
    Lane origin = lanes.get(entry.lane());
    if (origin == null) {
      throw new IllegalArgumentException("entry " + entryId + " is on lane '" + entry.lane()
          + "', which is not an agent's lane of run " + runId + " (the orchestrator's lane cannot be forked)");
    }
    Lane l = prepareFork(origin, entryId, hint, modelSpec);
    start(l, Mode.CONTINUE);
    return l.name;
  }

  private Lane prepareFork(Lane origin, String entryId, String hint, String modelSpec) {
    String model = wb.checkedModelSpec(modelSpec != null ? modelSpec : origin.model);
    String name = nextSuffix(baseName(origin));
    Lane l = new Lane(name, origin.task, origin.baseRef, origin.baseCommit, model, 0);
    l.forkOf = origin.name;
    String checkpoint = checkpointAtOrBefore(entryId);
    Worktree wt = checkpoint != null ? wb.checkpoints().restore(checkpoint, name, addOptions())
        : wb.worktrees().add(name, addOptions().withBase(origin.baseCommit));
    lanes.put(name, l);
    log.append("main", new RunEvent.LaneSpawned(name, origin.task.text(), wt.branch(), wt.path().toString(),
        origin.baseRef, origin.baseCommit, origin.task.verify(), model, origin.name, entryId, checkpoint, hint));
    if (hint != null && !hint.isBlank()) {
      session.append(new Draft(Parent.of(entryId), name, Body.Message.of(Role.USER, hint)));
    } else {
      session.append(Draft.moveHead(name, entryId));
    }
    listener.lane(name, LaneState.QUEUED, "forked from " + origin.name + " at " + entryId
        + (checkpoint == null ? " (no checkpoint: the base's files)" : " (files of checkpoint " + checkpoint.substring(0, 7) + ")"));
    return l;
  }

  /** The checkpoint commit of the entry, or of the nearest entry above it that has one. */
  String checkpointAtOrBefore(String entryId) {
    List<Node> path = session.path(entryId);
    List<String> ids = new ArrayList<>();
    for (Node n : path) {
      if (n.role() == Role.TOOL) {
        ids.add(n.id());
      }
    }
    List<Entry> tools = session.entries(ids);
    for (int i = tools.size() - 1; i >= 0; i--) {
      if (tools.get(i).body() instanceof Body.Message m && m.checkpoint() != null) {
        return m.checkpoint();
      }
    }
    return null;
  }

  /**
   * Continues a run after a crash or Ctrl-C: lanes that were running carry on from their heads (their
   * worktrees restored from the last checkpoint if they are gone), lanes that finished but did not
   * ship are shipped.
   */
  public RunStatus resume() {
    RunStatus st = status();
    for (LaneStatus s : st.lanes()) {
      Lane l = lanes.get(s.lane());
      if (l == null) {
        continue;
      }
      switch (s.state()) {
        case QUEUED, RUNNING, STOPPED -> {
          listener.lane(l.name, s.state(), "resuming from " + s.head());
          start(l, session.laneHead(l.name).isPresent() ? Mode.CONTINUE : Mode.FRESH);
        }
        case FINISHED -> {
          if (options.ship() && !plan) {
            start(l, Mode.SHIP);
          }
        }
        case FAILED, SHIPPED, MERGED -> { }
      }
    }
    if (orchestratorAgentUnfinished()) {
      listener.lane("main", LaneState.RUNNING, "resuming the orchestrator agent");
      return runOrchestratorAgent(null);
    }
    awaitAll();
    return finish();
  }

  /** In --plan mode: whether the orchestrator agent in lane main was cut off before it ended. */
  private boolean orchestratorAgentUnfinished() {
    boolean[] conversation = {false}; // the orchestrator agent's system message, found in the index alone
    session.forEachNode(n -> conversation[0] |= n.lane().equals("main") && n.role() == Role.SYSTEM);
    RunEvent last = null;
    for (RunLog.Logged e : log.read("main")) {
      switch (e.event()) {
        // the orchestrator agent's own lifecycle, written by its agent loop
        case RunEvent.LaneStarted s -> last = s;
        case RunEvent.LaneFinished f -> last = f;
        case RunEvent.LaneFailed f -> last = f;
        case RunEvent.LaneStopped s -> last = s;
        default -> { }
      }
    }
    return conversation[0] && (last == null || last instanceof RunEvent.LaneStarted || last instanceof RunEvent.LaneStopped);
  }


  /**
   * The lane's worktree; made again when it is gone (deleted by hand, a crash): prune reconciles what
   * is left of it, then it is restored from the lane's last checkpoint, or made from the base.
   */
  private Worktree worktree(Lane l) {
    Optional<Worktree> found = wb.worktrees().find(l.name);
    if (found.isPresent() && !owns(found.get())) {
      throw new OrchestratorException("lane " + l.name + "'s worktree name is taken by " + ownerOf(found.get())
          + " at " + found.get().path() + "; grove does not work in another's worktree: fork the lane (grove fork) to "
          + "carry on under a new name");
    }
    if (found.isPresent() && Files.isDirectory(found.get().path())) {
      return found.get();
    }
    if (found.isPresent()) {
      wb.worktrees().prune(false);
    }
    if (wb.git().probe(wb.repo(), List.of("rev-parse", "--verify", "-q", "refs/heads/" + Slug.of(l.name).branch())).ok()) {
      throw new OrchestratorException("lane " + l.name + " has lost its worktree, but its branch " + Slug.of(l.name).branch()
          + " holds commits of its own; grove leaves it alone: inspect it, then fork the lane (grove fork)");
    }
    String head = session.laneHead(l.name).orElse(null);
    String checkpoint = head == null ? null : checkpointAtOrBefore(head);
    Worktree wt = checkpoint != null ? wb.checkpoints().restore(checkpoint, l.name, addOptions())
        : wb.worktrees().add(l.name, addOptions().withBase(l.baseCommit));
    if (found.isPresent()) {
      listener.lane(l.name, l.state, "worktree restored" + (checkpoint == null ? " from the base"
          : " from checkpoint " + checkpoint.substring(0, 7)));
    }
    return wt;
  }

  /** How this run makes worktrees: the workbench's way, recorded as this run's. */
  private Worktrees.AddOptions addOptions() {
    return wb.addOptions().withOwner(runId);
  }

  /**
   * Whether this run made {@code w}: its record names the run, or (made by a version that recorded no owner)
   * it starts where this run's lanes start and was made after the run began.
   */
  private boolean owns(Worktree w) {
    if (w.owner() != null) {
      return w.ownedBy(runId);
    }
    return w.baseCommit().equals(baseCommit) && !w.createdAt().isBefore(status().started());
  }

  private static String ownerOf(Worktree w) {
    return w.owner() != null ? "run " + w.owner() : "a worktree made by hand or by an earlier grove";
  }

  /** What {@link #clean} did to one lane's worktree. */
  public record Cleaned(String lane, Path worktree, boolean removed, String savedRef, String note) {}

  /**
   * Removes the worktrees of lanes that have ended. Work that was not pushed is first saved under
   * {@code refs/grove/} (and said where); branches are kept. Lanes still running are left alone.
   */
  public List<Cleaned> clean(boolean dryRun) {
    List<Cleaned> out = new ArrayList<>();
    for (LaneStatus l : status().lanes()) {
      Optional<Worktree> wt = wb.worktrees().find(l.lane());
      if (wt.isEmpty() || !Files.isDirectory(wt.get().path())) {
        continue;
      }
      if (!owns(wt.get())) {
        out.add(new Cleaned(l.lane(), wt.get().path(), false, null, "not this run's worktree (" + ownerOf(wt.get())
            + "); left alone"));
        continue;
      }
      if (!l.state().ended()) {
        out.add(new Cleaned(l.lane(), wt.get().path(), false, null, "still " + l.state().label() + "; left alone"));
        continue;
      }
      if (dryRun) {
        out.add(new Cleaned(l.lane(), wt.get().path(), false, null, "would remove (" + l.state().label() + ")"));
        continue;
      }
      Worktrees.Removal r = wb.worktrees().remove(l.lane(), new Worktrees.RemoveOptions(true, true));
      String saved = r.savedRef().orElse(null);
      log.append(l.lane(), new RunEvent.LaneCleaned(wt.get().path().toString(), saved));
      out.add(new Cleaned(l.lane(), wt.get().path(), true, saved, saved == null ? "removed" : "removed; its work is saved at " + saved));
    }
    return out;
  }

  // ---------------------------------------------------------------- waiting and stopping

  /** Waits for one lane (and any retry it started) to end. */
  public LaneState await(String lane) {
    Lane l = lanes.get(lane);
    if (l == null) {
      throw new IllegalArgumentException("no lane " + lane + " in run " + runId);
    }
    Thread t = l.thread;
    if (t != null) {
      joinUninterruptibly(t);
    }
    return l.state;
  }

  /** Waits until at least one running lane ends; returns the lanes that have ended meanwhile. */
  public List<String> awaitAny() {
    while (true) {
      List<Thread> live = threads.stream().filter(Thread::isAlive).toList();
      if (live.isEmpty()) {
        return List.copyOf(lanes.keySet());
      }
      try {
        live.get(0).join(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return List.of();
      }
      if (threads.stream().filter(Thread::isAlive).count() < live.size()) {
        return lanes.values().stream().filter(x -> x.state.ended()).map(x -> x.name).toList();
      }
    }
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
    log.append("main", new RunEvent.RunInterrupted(reason));
  }

  private RunStatus finish() {
    RunStatus st = status();
    if (!stopping) {
      Map<String, Long> counts = new LinkedHashMap<>();
      for (LaneState s : LaneState.values()) {
        counts.put(s.label(), st.count(s));
      }
      log.append("main", new RunEvent.RunFinished(counts));
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
      session.close();
    } finally {
      if (lock != null) {
        lock.close();
      }
    }
  }

  // ---------------------------------------------------------------- bookkeeping

  /** Rebuilds the live lane table of a reopened run from its spawn events. */
  private void loadLanes() {
    Map<String, LaneState> states = new LinkedHashMap<>();
    for (LaneStatus s : status().lanes()) {
      states.put(s.lane(), s.state());
    }
    for (RunLog.Logged logged : log.read("main")) {
      if (!(logged.event() instanceof RunEvent.LaneSpawned d)) {
        continue;
      }
      Task task = new Task(d.lane(), d.task().isBlank() ? "(unknown task)" : d.task(), d.verify());
      Lane l = new Lane(d.lane(), task, d.base() != null ? d.base() : baseRef,
          d.baseCommit() != null ? d.baseCommit() : baseCommit, d.model(), options.retries());
      l.forkOf = d.forkOf();
      l.state = states.getOrDefault(d.lane(), LaneState.QUEUED);
      lanes.put(d.lane(), l);
    }
  }

  /** A slug for a new lane: the task's, made unique against this run's lanes and the repository's branches. */
  private synchronized String freeSlug(String wanted) {
    String base = Slug.of(wanted).value();
    if (isFree(base)) {
      reserved.add(base);
      return base;
    }
    return nextSuffix(base);
  }

  private synchronized String nextSuffix(String base) {
    for (int n = 2; ; n++) {
      String candidate = Slug.of(base).withSuffix(n).value();
      if (isFree(candidate)) {
        reserved.add(candidate);
        return candidate;
      }
    }
  }

  private boolean isFree(String slug) {
    return !reserved.contains(slug) && !lanes.containsKey(slug) && session.laneHead(slug).isEmpty()
        && wb.worktrees().find(slug).isEmpty()
        && !wb.git().probe(wb.repo(), List.of("rev-parse", "--verify", "-q", "refs/heads/" + Slug.of(slug).branch())).ok();
  }

  /** The lane a chain of forks began with: forks of forks are numbered from the original. */
  private String baseName(Lane lane) {
    Lane l = lane;
    while (l.forkOf != null && lanes.containsKey(l.forkOf)) {
      l = lanes.get(l.forkOf);
    }
    return l.name;
  }

  private String finishSummary(String lane) {
    String summary = "";
    for (RunLog.Logged e : log.read(lane)) {
      if (e.event() instanceof RunEvent.LaneFinished f) {
        summary = f.summary();
      }
    }
    return summary;
  }


  private static String currentBranch(Workbench wb) {
    GitResult r = wb.git().probe(wb.repo(), List.of("symbolic-ref", "-q", "--short", "HEAD"));
    if (r.ok()) {
      return r.out();
    }
    throw new OrchestratorException("the repository's HEAD is detached: name the branch to start from with --base");
  }

  private static String newRunId(Workbench wb) {
    return RUN_ID.format(wb.settings().clock().instant()) + "-"
        + String.format(Locale.ROOT, "%04x", ThreadLocalRandom.current().nextInt(1 << 16));
  }

  static String describe(Agent.Outcome o) {
    return switch (o) {
      case Agent.Outcome.Finished f -> f.summary();
      case Agent.Outcome.Failed f -> f.reason();
      case Agent.Outcome.Stopped s -> s.reason();
    };
  }

  /** Lanes of this run by state (for the orchestrator agent's tools). */
  List<LaneStatus> lanes() {
    return status().lanes();
  }

  boolean hasLane(String lane) {
    return lanes.containsKey(lane);
  }
}
