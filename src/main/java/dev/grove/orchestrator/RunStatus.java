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
    List<LaneStatus> lanes) {

  public RunStatus {
    lanes = List.copyOf(lanes);
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
          if (n.role() == Role.ASSISTANT && !"main".equals(n.lane())) {
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
   * head, which the conversation entries give).
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
    for (RunLog.Logged logged : events) {
      Fold f = lanes.get(logged.lane());
      switch (logged.event()) {
        case RunEvent.RunStarted e -> {
          started = logged.ts();
          model = e.model();
          base = e.base();
          ships = e.ships();
          plan = "plan".equals(e.mode());
        }
        case RunEvent.RunFinished e -> {} // the state comes from the lanes and the lock
        case RunEvent.RunInterrupted e -> {}
        case RunEvent.LaneSpawned e -> {
          Fold spawned = lanes.computeIfAbsent(e.lane(), Fold::new);
          spawned.task = e.task();
          spawned.branch = e.branch() != null ? e.branch() : "task/" + e.lane();
          spawned.worktree = e.worktree();
          spawned.forkOf = e.forkOf();
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
    List<LaneStatus> out = new ArrayList<>();
    for (Fold f : lanes.values()) {
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
              f.shippingFailed));
    }
    boolean bossUnfinished =
        plan
            && (boss == null
                || boss instanceof RunEvent.LaneStarted
                || boss instanceof RunEvent.LaneStopped);
    boolean shipsLeft = ships;
    boolean workLeft =
        bossUnfinished
            || lanes.values().stream()
                .anyMatch(
                    f ->
                        !f.state.ended()
                            || f.state == LaneState.STOPPED
                            || f.state == LaneState.FINISHED && shipsLeft && !f.nothingToShip);
    RunState state = !workLeft ? RunState.FINISHED : live ? RunState.LIVE : RunState.INTERRUPTED;
    return new RunStatus(
        run,
        session,
        file,
        started == null ? created : started,
        model,
        base,
        state,
        !live && workLeft,
        out);
  }

  public Usage usage() {
    Usage u = Usage.ZERO;
    for (LaneStatus l : lanes) {
      u = u.plus(l.usage());
    }
    return u;
  }

  /** Whether every task ended well: its lane, or a fork of it, finished, shipped or merged. */
  public boolean succeeded() {
    Map<String, String> rootOf = new LinkedHashMap<>();
    for (LaneStatus l : lanes) {
      String root = l.lane();
      for (String up = l.forkOf(); up != null; ) {
        root = up;
        String next = null;
        for (LaneStatus x : lanes) {
          if (x.lane().equals(up)) {
            next = x.forkOf();
          }
        }
        up = next;
      }
      rootOf.put(l.lane(), root);
    }
    Map<String, Boolean> ok = new LinkedHashMap<>();
    for (LaneStatus l : lanes) {
      boolean good =
          l.state() == LaneState.FINISHED && !l.shippingFailed()
              || l.state() == LaneState.SHIPPED
              || l.state() == LaneState.MERGED;
      ok.merge(rootOf.get(l.lane()), good, Boolean::logicalOr);
    }
    return !ok.isEmpty() && ok.values().stream().allMatch(b -> b);
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

    Fold(String lane) {
      this.lane = lane;
    }
  }
}
