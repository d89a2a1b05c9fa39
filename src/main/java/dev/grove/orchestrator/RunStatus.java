package dev.grove.orchestrator;

import dev.grove.session.Body;
import dev.grove.session.Entry;
import dev.grove.session.Role;
import dev.grove.session.SessionStore;
import dev.grove.session.Usage;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A run's state, folded from the events in its session file: its lanes, what each is doing, what it
 * cost and where its pull request is. Reading it needs the session file and nothing else.
 */
public record RunStatus(
    String run,
    String session,
    Path file,
    Instant started,
    String model,
    String base,
    RunState state,
    boolean resumable,
    List<LaneStatus> lanes,
    List<AttemptGroup> attempts,
    BudgetStatus budget) {

  public RunStatus {
    lanes = List.copyOf(lanes);
    attempts = attempts == null ? List.of() : List.copyOf(attempts);
    budget = budget == null ? new BudgetStatus(null, 0, false) : budget;
  }

  /** A run without attempts or a budget. */
  public RunStatus(
      String run,
      String session,
      Path file,
      Instant started,
      String model,
      String base,
      RunState state,
      boolean resumable,
      List<LaneStatus> lanes) {
    this(run, session, file, started, model, base, state, resumable, lanes, List.of(), null);
  }

  /**
   * Reads the run's state from its open session: a fold over its events (see {@link RunLog}), live
   * when a process holds the run's lock.
   */
  public static RunStatus of(String run, SessionStore s) {
    return of(run, s, RunLock.holder(s.file()).isPresent());
  }

  /** The run's state, for a caller that knows whether a process is working on it (its own). */
  static RunStatus of(String run, SessionStore s, boolean live) {
    List<RunLog.Logged> events = new RunLog(s).read();
    Map<String, Usage> usage = new LinkedHashMap<>();
    Map<String, Integer> steps = new LinkedHashMap<>();
    List<String> assistantIds = new ArrayList<>();
    s.forEachNode(
        n -> {
          // the conversation a run was started from cost this run nothing
          if (n.role() == Role.ASSISTANT && !n.lane().equals(ImportedContext.LANE)) {
            assistantIds.add(n.id());
          }
        });
    for (Entry e : s.entries(assistantIds)) {
      Body.Message m = (Body.Message) e.body();
      steps.merge(e.lane(), 1, Integer::sum);
      if (m.usage() != null) {
        usage.merge(e.lane(), m.usage(), Usage::plus);
      }
    }
    return fold(
        run,
        s.header().id(),
        s.file(),
        s.header().createdAt(),
        events,
        steps,
        usage,
        s.laneHeads(),
        live);
  }

  /**
   * The state the events come to: a pure function of them (and of each lane's steps, usage and
   * head, which the conversation entries give; lane {@code main}'s usage is the orchestrator
   * agent's).
   */
  static RunStatus fold(
      String run,
      String session,
      Path file,
      Instant created,
      List<RunLog.Logged> events,
      Map<String, Integer> steps,
      Map<String, Usage> usage,
      Map<String, String> heads,
      boolean live) {
    Map<String, Fold> lanes = new LinkedHashMap<>();
    Instant started = null;
    String model = null;
    String base = null;
    boolean ships = true;
    boolean plan = false;
    RunEvent boss = null; // the orchestrator agent's last lifecycle event, in lane main
    Map<String, GroupFold> groups = new LinkedHashMap<>();
    List<RunEvent.Risk> risks = List.of();
    Double budget = null;
    boolean budgetReached = false;
    for (RunLog.Logged logged : events) {
      Fold f = lanes.get(logged.lane());
      switch (logged.event()) {
        case RunEvent.RunStarted e -> {
          started = logged.ts();
          model = e.model();
          base = e.base();
          ships = e.ships();
          plan = "plan".equals(e.mode());
          budget = e.budget();
        }
        case RunEvent.RunBudget e -> {
          budget = e.budget();
          budgetReached = false;
        }
        case RunEvent.BudgetReached e -> budgetReached = true;
        case RunEvent.AttemptsStarted e ->
            groups.computeIfAbsent(e.group(), g -> new GroupFold(g, e.task(), e.count())).forkOf =
                e.forkOf();
        case RunEvent.AttemptsJudged e -> {
          GroupFold g = groups.get(e.group());
          if (g != null) {
            g.judge =
                g.judge.plus(
                    new Usage(e.work().inputTokens(), e.work().outputTokens(), e.work().cost()));
            g.judged = e;
          }
        }
        case RunEvent.AttemptsChosen e -> {
          GroupFold g = groups.get(e.group());
          if (g != null) {
            g.decided = true;
            g.winner = e.winner();
            g.reason = e.reason();
            g.candidates = e.candidates();
          }
        }
        case RunEvent.RadarRisks e -> risks = e.risks();
        case RunEvent.MergeBlocked e -> {
          if (f != null) {
            f.detail =
                e.reason().equals("conflict")
                    ? "merge blocked: conflicts with "
                        + e.into()
                        + " in "
                        + String.join(", ", e.files())
                    : "merge blocked: `" + e.command() + "` failed after merging into " + e.into();
          }
        }
        case RunEvent.TasksGiven e -> {} // what is left of them: below
        case RunEvent.RunFinished e -> {} // the state comes from the lanes and the lock
        case RunEvent.RunInterrupted e -> {}
        case RunEvent.LaneSpawned e -> {
          Fold spawned = lanes.computeIfAbsent(e.lane(), Fold::new);
          spawned.task = e.task();
          spawned.branch = e.branch() != null ? e.branch() : "task/" + e.lane();
          spawned.worktree = e.worktree();
          spawned.forkOf = e.forkOf();
          spawned.attemptOf = e.attemptOf();
          if (e.attemptOf() != null) {
            groups
                .computeIfAbsent(e.attemptOf(), g -> new GroupFold(g, e.task(), 0))
                .lanes
                .add(e.lane());
          }
        }
        case RunEvent.LaneStarted e -> {
          if (f != null) {
            f.state = LaneState.RUNNING;
          } else if (logged.lane().equals("main")) {
            boss = e;
          }
        }
        case RunEvent.LaneFinished e -> {
          if (f == null && logged.lane().equals("main")) {
            boss = e;
          }
          if (f != null) {
            f.state = LaneState.FINISHED;
            f.detail = e.summary();
            f.shippingFailed = false;
          }
        }
        case RunEvent.LaneFailed e -> {
          if (f == null && logged.lane().equals("main")) {
            boss = e;
          }
          if (f != null) {
            f.state = LaneState.FAILED;
            f.detail = e.reason();
          }
        }
        case RunEvent.LaneStopped e -> {
          if (f == null && logged.lane().equals("main")) {
            boss = e;
          }
          if (f != null) {
            f.state = LaneState.STOPPED;
            f.detail = e.reason();
          }
        }
        case RunEvent.PullRequestOpened e -> {
          if (f != null) {
            f.state = LaneState.SHIPPED;
            f.pr = e.url();
            f.shippingFailed = false;
          }
        }
        case RunEvent.LaneMerged e -> {
          if (f != null) {
            f.state = LaneState.MERGED;
          }
        }
        case RunEvent.ShippingFailed e -> {
          if (f != null) {
            f.detail = "shipping failed at " + e.step() + ": " + e.reason();
            f.shippingFailed = !"clean-up".equals(e.step());
          }
        }
        case RunEvent.LaneVerified e -> {} // details, not states
        case RunEvent.LaneCommitted e -> {
          if (f != null) {
            f.nothingToShip = e.files() == 0;
          }
        }
        case RunEvent.LanePushed e -> {}
        case RunEvent.LaneCleaned e -> {}
        case RunEvent.LaneMessage e -> {} // requests to the agent, not states
        case RunEvent.StopRequested e -> {}
        case RunEvent.Unknown e -> {} // a newer grove's: kept in the file, no state here
      }
    }
    Map<String, Double> taskCosts = new LinkedHashMap<>();
    for (Fold f : lanes.values()) {
      taskCosts.merge(
          taskOf(f.lane, lanes, groups),
          usage.getOrDefault(f.lane, Usage.ZERO).cost(),
          Double::sum);
    }
    for (GroupFold g : groups.values()) {
      taskCosts.merge(taskOfGroup(g.group, lanes, groups, 0), g.judge.cost(), Double::sum);
    }
    List<LaneStatus> out = new ArrayList<>();
    for (Fold f : lanes.values()) {
      GroupFold g = f.attemptOf == null ? null : groups.get(f.attemptOf);
      Boolean chosen = g == null || !g.decided ? null : f.lane.equals(g.winner);
      if (budgetReached && f.state == LaneState.STOPPED) {
        f.detail =
            String.format(
                java.util.Locale.ROOT,
                "stopped: the run's budget ($%.2f) is spent; resume with a larger --budget",
                budget == null ? 0 : budget);
      } else if (Boolean.FALSE.equals(chosen) && f.state == LaneState.FINISHED) {
        f.detail = "set aside: attempt " + g.winner + " was chosen (its branch is kept)";
      }
      out.add(
          new LaneStatus(
              f.lane,
              f.task,
              f.state,
              f.branch,
              f.worktree,
              steps.getOrDefault(f.lane, 0),
              usage.getOrDefault(f.lane, Usage.ZERO),
              f.detail,
              f.pr,
              f.forkOf,
              heads.get(f.lane),
              f.shippingFailed,
              f.attemptOf,
              chosen,
              risksOf(f, risks, chosen),
              taskCosts.getOrDefault(taskOf(f.lane, lanes, groups), 0.0)));
    }
    boolean bossUnfinished =
        plan
            && (boss == null
                || boss instanceof RunEvent.LaneStarted
                || boss instanceof RunEvent.LaneStopped);
    boolean shipsLeft = ships;
    boolean workLeft =
        bossUnfinished
            || !RunEvent.TasksGiven.left(events).isEmpty() // a crash kept some back
            || lanes.values().stream()
                .anyMatch(
                    f ->
                        !f.state.ended()
                            || f.state == LaneState.STOPPED
                            || f.state == LaneState.FINISHED
                                && shipsLeft
                                && !f.nothingToShip
                                && !isSetAside(f, groups))
            || groups.values().stream().anyMatch(g -> !g.decided);
    RunState state = !workLeft ? RunState.FINISHED : live ? RunState.LIVE : RunState.INTERRUPTED;
    List<AttemptGroup> attempts = new ArrayList<>();
    for (GroupFold g : groups.values()) {
      attempts.add(
          new AttemptGroup(
              g.group,
              g.task,
              g.count,
              g.forkOf,
              g.lanes,
              g.decided,
              g.winner,
              g.reason,
              g.judge,
              g.candidates,
              g.judged));
    }
    double spent = 0;
    for (Usage u : usage.values()) {
      spent += u.cost();
    }
    for (GroupFold g : groups.values()) {
      spent += g.judge.cost();
    }
    return new RunStatus(
        run,
        session,
        file,
        started == null ? created : started,
        model,
        base,
        state,
        !live && workLeft,
        out,
        attempts,
        new BudgetStatus(budget, spent, budgetReached && budget != null && spent >= budget));
  }

  /** Prefixes a group's name where it stands for a task, so that no lane's name is taken for it. */
  private static final String GROUP = "attempts:";

  /**
   * The task a lane works on, named by the lane it began with: up its forks, and from an attempt to
   * its group — a task's group stands for itself, a fork's group for the lane it forked.
   */
  private static String taskOf(
      String lane, Map<String, Fold> lanes, Map<String, GroupFold> groups) {
    return taskOf(lane, lanes, groups, 0);
  }

  private static String taskOf(
      String lane, Map<String, Fold> lanes, Map<String, GroupFold> groups, int depth) {
    Fold f = lanes.get(lane);
    if (f == null || depth > 1000) {
      return lane;
    }
    if (f.attemptOf != null) {
      return taskOfGroup(f.attemptOf, lanes, groups, depth + 1);
    }
    return f.forkOf != null && lanes.containsKey(f.forkOf)
        ? taskOf(f.forkOf, lanes, groups, depth + 1)
        : lane;
  }

  private static String taskOfGroup(
      String group, Map<String, Fold> lanes, Map<String, GroupFold> groups, int depth) {
    GroupFold g = groups.get(group);
    return g != null && g.forkOf != null && lanes.containsKey(g.forkOf)
        ? taskOf(g.forkOf, lanes, groups, depth + 1)
        : GROUP + group;
  }

  private static boolean isSetAside(Fold f, Map<String, GroupFold> groups) {
    GroupFold g = f.attemptOf == null ? null : groups.get(f.attemptOf);
    return g != null && g.decided && !f.lane.equals(g.winner);
  }

  /**
   * The radar's risks that concern a lane whose work may still land (not failed, merged or set
   * aside), each said from this lane's side.
   */
  private static List<RunEvent.Risk> risksOf(Fold f, List<RunEvent.Risk> risks, Boolean chosen) {
    if (f.state == LaneState.FAILED
        || f.state == LaneState.MERGED
        || Boolean.FALSE.equals(chosen)) {
      return List.of();
    }
    List<RunEvent.Risk> out = new ArrayList<>();
    for (RunEvent.Risk r : risks) {
      if (r.lane().equals(f.lane)) {
        out.add(r);
      } else if (f.lane.equals(r.other())) {
        out.add(new RunEvent.Risk(f.lane, r.lane(), r.kind(), r.files(), r.detail()));
      }
    }
    return out;
  }

  public Usage usage() {
    Usage u = Usage.ZERO;
    for (LaneStatus l : lanes) {
      u = u.plus(l.usage());
    }
    return u;
  }

  /**
   * Whether every task ended well: its lane, or a fork of it, finished, shipped or merged — for
   * attempts, the one chosen (or one shipped by hand).
   */
  public boolean succeeded() {
    Map<String, LaneStatus> byName = new LinkedHashMap<>();
    lanes.forEach(l -> byName.put(l.lane(), l));
    Map<String, AttemptGroup> byGroup = new LinkedHashMap<>();
    attempts.forEach(g -> byGroup.put(g.group(), g));
    Map<String, Boolean> ok = new LinkedHashMap<>();
    for (LaneStatus l : lanes) {
      boolean good =
          l.state() == LaneState.FINISHED && !l.shippingFailed() && !l.setAside()
              || l.state() == LaneState.SHIPPED
              || l.state() == LaneState.MERGED;
      if (l.attemptOf() != null && l.chosen() == null) {
        good = false; // not chosen yet: the task has not ended
      }
      ok.merge(root(l.lane(), byName, byGroup), good, Boolean::logicalOr);
    }
    return !ok.isEmpty() && ok.values().stream().allMatch(b -> b);
  }

  /** The task a lane works on (see the fold's {@code taskOf}), from the statuses. */
  private static String root(
      String lane, Map<String, LaneStatus> byName, Map<String, AttemptGroup> byGroup) {
    String at = lane;
    for (int hops = 0; hops < 1000; hops++) {
      LaneStatus l = byName.get(at);
      if (l == null) {
        return at;
      }
      if (l.attemptOf() != null) {
        AttemptGroup g = byGroup.get(l.attemptOf());
        if (g == null || g.forkOf() == null || !byName.containsKey(g.forkOf())) {
          return GROUP + l.attemptOf();
        }
        at = g.forkOf();
      } else if (l.forkOf() != null && byName.containsKey(l.forkOf())) {
        at = l.forkOf();
      } else {
        return at;
      }
    }
    return at;
  }

  /** The group of attempts named {@code group}, if the run has one. */
  public java.util.Optional<AttemptGroup> attempts(String group) {
    return attempts.stream().filter(g -> g.group().equals(group)).findFirst();
  }

  public long count(LaneState state) {
    return lanes.stream().filter(l -> l.state() == state).count();
  }

  /** A lane's events so far. */
  private static final class Fold {
    final String lane;
    String task;
    String branch;
    String worktree;
    String forkOf;
    LaneState state = LaneState.QUEUED;
    String detail;
    String pr;
    boolean shippingFailed;
    boolean nothingToShip;
    String attemptOf;

    Fold(String lane) {
      this.lane = lane;
    }
  }

  /** A group of attempts' events so far. */
  private static final class GroupFold {
    final String group;
    final String task;
    final int count;
    String forkOf;
    final List<String> lanes = new ArrayList<>();
    boolean decided;
    String winner;
    String reason;
    Usage judge = Usage.ZERO;
    List<RunEvent.Candidate> candidates = List.of();
    RunEvent.AttemptsJudged judged;

    GroupFold(String group, String task, int count) {
      this.group = group;
      this.task = task;
      this.count = count;
    }
  }
}
