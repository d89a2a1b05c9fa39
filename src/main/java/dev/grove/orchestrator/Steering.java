package dev.grove.orchestrator;

import dev.grove.forge.PullRequest;
import dev.grove.secrets.Secrets;
import dev.grove.session.Entry;
import dev.grove.session.SessionStore;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a person may do to a run from outside the process running it — the dashboard ({@code grove
 * serve}) and {@code grove say} — each a small entry point over the run layer:
 *
 * <ul>
 *   <li>{@link #say} and {@link #requestStop} write a request on a lane, from any process, while
 *       the run is live elsewhere: the lane's agent reads it before its next model call (a message
 *       becomes a user entry of the lane; a stop request stops the lane as Ctrl-C would);
 *   <li>{@link #fork} starts a new lane from an entry, with a hint, in this process (the run must
 *       not be live in another one);
 *   <li>{@link #openPullRequest}, {@link #mergeCheck}, {@link #merge} and {@link #clean} conclude
 *       lanes as {@code grove run}, {@code grove merge} and {@code grove clean} do.
 * </ul>
 *
 * <p>One per repository; safe for many threads. Runs this process works on (forks) are held until
 * their lanes end, or until {@link #close}, which stops them (each records that it stopped).
 */
public final class Steering implements AutoCloseable {
  private final Workbench wb;
  private final Map<String, Orchestrator> working = new HashMap<>();

  public Steering(Workbench wb) {
    this.wb = wb;
  }

  public Workbench workbench() {
    return wb;
  }

  // ---------------------------------------------------------------- requests, from any process

  /**
   * Writes a message for the agent of {@code lane} ({@code main}: the orchestrator agent of a
   * {@code --plan} run). It reaches the agent before its next model call, as a user entry of the
   * lane; a lane stopped or cut off gets it when it is resumed. The text is scrubbed of {@code
   * secrets}.
   *
   * @return the {@code lane.message} event written
   * @throws OrchestratorException when the lane has ended or not started (nothing would read it)
   */
  public static Entry say(SessionStore run, String lane, String text, Secrets secrets) {
    requireListening(run, lane, "a message");
    return new RunLog(run, secrets).append(lane, new RunEvent.LaneMessage(text));
  }

  /**
   * Asks the agent of {@code lane} to stop before its next model call; it records {@code
   * lane.stopped} with {@code reason}, and can be resumed or forked like a lane stopped by Ctrl-C.
   *
   * @throws OrchestratorException when the lane has ended or not started
   */
  public static Entry requestStop(SessionStore run, String lane, String reason) {
    requireListening(run, lane, "a stop request");
    return new RunLog(run).append(lane, new RunEvent.StopRequested(reason == null ? "" : reason));
  }

  /** Whether anything on {@code lane} would read a request: it has begun and not ended. */
  private static void requireListening(SessionStore run, String lane, String what) {
    run.refresh();
    String runId = runIdOf(run);
    if (lane.equals("main")) {
      RunEvent.RunStarted started = new RunLog(run).started();
      if (!"plan".equals(started.mode())) {
        throw new OrchestratorException(
            "run "
                + runId
                + " has no orchestrator agent (it was not started with --plan): "
                + "name one of its lanes");
      }
      return;
    }
    RunStatus st = RunStatus.of(runId, run);
    LaneStatus l =
        st.lanes().stream()
            .filter(x -> x.lane().equals(lane))
            .findFirst()
            .orElseThrow(
                () ->
                    new OrchestratorException.NotFound(
                        "no lane "
                            + lane
                            + " in run "
                            + runId
                            + " (its lanes: "
                            + String.join(", ", st.lanes().stream().map(LaneStatus::lane).toList())
                            + ")"));
    switch (l.state()) {
      case RUNNING, STOPPED -> {}
      case QUEUED ->
          throw new OrchestratorException(
              "lane "
                  + lane
                  + " has not started yet: nothing reads "
                  + what
                  + " until it does; try again when grove status shows it running");
      case FINISHED, FAILED, SHIPPED, MERGED ->
          throw new OrchestratorException(
              "lane "
                  + lane
                  + " has ended ("
                  + l.state().label()
                  + "): no agent will read "
                  + what
                  + "; fork it from one of its entries with a hint instead (grove fork ENTRY --hint …)");
    }
  }

  // ---------------------------------------------------------------- work, in this process

  /**
   * Forks a lane of {@code run} from {@code entry} with {@code hint} (see {@link
   * Orchestrator#fork}); the new lane runs in the background in this process, which holds the run
   * until its lanes here have ended. Returns the new lane's name.
   *
   * @throws OrchestratorException.Busy when another process works on the run
   */
  public synchronized String fork(
      String run, String entry, String hint, Orchestrator.Listener listener) {
    Orchestrator o = working.get(run);
    if (o == null) {
      o = Orchestrator.reopen(wb, run, Orchestrator.Options.none(), listener);
      working.put(run, o);
      Orchestrator opened = o;
      Thread.ofVirtual().name("grove-steering-" + run).start(() -> releaseWhenDone(run, opened));
    }
    return o.fork(entry, hint, null);
  }

  /** Waits for the lanes this process runs for {@code run}, then lets the run go. */
  private void releaseWhenDone(String run, Orchestrator o) {
    while (true) {
      o.awaitAll();
      synchronized (this) {
        if (!o.working()) {
          if (working.remove(run, o)) {
            o.close();
          }
          return;
        }
      }
    }
  }

  /**
   * Opens the pull request of a finished lane (commit, verification, push, pull request, clean-up,
   * each done once), also in a run started with {@code --no-ship}. Null when the agent changed no
   * files.
   *
   * @throws OrchestratorException when the lane is not finished, its verification fails or a step
   *     of shipping fails (recorded: it can be tried again)
   */
  public PullRequest openPullRequest(String run, String lane) {
    Orchestrator mine;
    synchronized (this) {
      mine = working.get(run);
    }
    if (mine != null) {
      return requireFinished(mine, lane).ship(lane);
    }
    try (Orchestrator o =
        Orchestrator.reopen(
            wb,
            run,
            new Orchestrator.Options(null, null, null, null, null, null, true),
            Orchestrator.Listener.NONE)) {
      return requireFinished(o, lane).ship(lane);
    }
  }

  private static Orchestrator requireFinished(Orchestrator o, String lane) {
    LaneState state =
        o.status().lanes().stream()
            .filter(l -> l.lane().equals(lane))
            .findFirst()
            .map(LaneStatus::state)
            .orElseThrow(
                () ->
                    new OrchestratorException.NotFound("no lane " + lane + " in run " + o.runId()));
    if (state != LaneState.FINISHED) {
      throw new OrchestratorException(
          "lane " + lane + " is " + state.label() + "; only a finished lane's work is shipped");
    }
    return o;
  }

  /** What merging a shipped lane into the run's base would meet (see {@link Merger#check}). */
  public Merger.Result mergeCheck(String run, String lane) {
    try (Orchestrator o = Orchestrator.inspect(wb, run)) {
      return Merger.check(o, lane, null);
    }
  }

  /** Merges a shipped lane into the run's base after the conflict check ({@link Merger#merge}). */
  public Merger.Result merge(String run, String lane) {
    try (Orchestrator o = Orchestrator.inspect(wb, run)) {
      return Merger.merge(o, lane, null, true);
    }
  }

  /** Removes the worktrees of the run's lanes that have ended ({@link Orchestrator#clean}). */
  public List<Orchestrator.Cleaned> clean(String run) {
    try (Orchestrator o = Orchestrator.inspect(wb, run)) {
      return o.clean();
    }
  }

  /** Stops the lanes this process runs; each records that it stopped, and the runs are let go. */
  @Override
  public void close() {
    List<Orchestrator> all;
    synchronized (this) {
      all = List.copyOf(working.values());
      working.clear();
    }
    for (Orchestrator o : all) {
      try {
        o.stop();
      } finally {
        o.close();
      }
    }
  }

  /** A run's id: its session file's name. */
  private static String runIdOf(SessionStore s) {
    return s.file().getFileName().toString().replaceFirst("\\.jsonl$", "");
  }
}
