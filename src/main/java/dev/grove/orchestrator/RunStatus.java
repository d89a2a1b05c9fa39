package dev.grove.orchestrator;

import com.fasterxml.jackson.databind.JsonNode;
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
 * A run's state, folded from the events in its session file: its lanes, what each is doing, what
 * it cost and where its pull request is. Reading it needs the session file and nothing else.
 */
public record RunStatus(String run, String session, Path file, Instant started, String model, String base,
    String state, List<LaneStatus> lanes) {

  public RunStatus {
    lanes = List.copyOf(lanes);
  }

  /** Reads the run's state from its open session. */
  public static RunStatus of(String run, SessionStore s) {
    List<String> eventIds = new ArrayList<>();
    List<String> assistantIds = new ArrayList<>();
    s.forEachNode(n -> {
      if ("event".equals(n.type())) {
        eventIds.add(n.id());
      } else if (n.role() == Role.ASSISTANT && !"main".equals(n.lane())) {
        assistantIds.add(n.id());
      }
    });
    Map<String, Fold> lanes = new LinkedHashMap<>();
    Instant started = null;
    String model = null;
    String base = null;
    String runState = "running";
    for (Entry e : s.entries(eventIds)) {
      Body.Event ev = (Body.Event) e.body();
      JsonNode d = ev.data();
      switch (ev.kind()) {
        case Events.RUN_STARTED -> {
          started = e.ts();
          model = text(d, "model");
          base = text(d, "base");
        }
        case Events.RUN_FINISHED -> runState = "finished";
        case Events.RUN_INTERRUPTED -> runState = "interrupted";
        case Events.LANE_SPAWNED -> {
          Fold f = lanes.computeIfAbsent(text(d, "lane"), Fold::new);
          f.task = text(d, "task");
          f.branch = text(d, "branch");
          f.worktree = text(d, "worktree");
          f.forkOf = text(d, "forkOf");
        }
        default -> {
          Fold f = lanes.get(e.lane());
          if (f != null) {
            f.apply(ev.kind(), d);
          }
        }
      }
    }
    for (Entry e : s.entries(assistantIds)) {
      Fold f = lanes.get(e.lane());
      Body.Message m = (Body.Message) e.body();
      if (f != null) {
        f.steps++;
        if (m.usage() != null) {
          f.usage = f.usage.plus(m.usage());
        }
      }
    }
    List<LaneStatus> out = new ArrayList<>();
    for (Fold f : lanes.values()) {
      String head = s.laneHead(f.lane).orElse(null);
      out.add(new LaneStatus(f.lane, f.task, f.state, f.branch, f.worktree, f.steps, f.usage, f.detail, f.pr,
          f.forkOf, head, f.shippingFailed));
    }
    if ("running".equals(runState) && out.stream().allMatch(l -> l.state().ended())) {
      runState = out.stream().anyMatch(l -> l.state() == LaneState.STOPPED) ? "interrupted" : "finished";
    }
    return new RunStatus(run, s.header().id(), s.file(), started == null ? s.header().createdAt() : started, model, base,
        runState, out);
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
      boolean good = l.state() == LaneState.FINISHED && !l.shippingFailed() || l.state() == LaneState.SHIPPED
          || l.state() == LaneState.MERGED;
      ok.merge(rootOf.get(l.lane()), good, Boolean::logicalOr);
    }
    return !ok.isEmpty() && ok.values().stream().allMatch(b -> b);
  }

  public long count(LaneState state) {
    return lanes.stream().filter(l -> l.state() == state).count();
  }

  private static String text(JsonNode d, String field) {
    JsonNode v = d.get(field);
    return v == null || v.isNull() ? null : v.asText();
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
    int steps;
    Usage usage = Usage.ZERO;

    Fold(String lane) {
      this.lane = lane;
    }

    void apply(String kind, JsonNode d) {
      switch (kind) {
        case Events.LANE_STARTED -> state = LaneState.RUNNING;
        case Events.LANE_FINISHED -> {
          state = LaneState.FINISHED;
          detail = text(d, "summary");
          shippingFailed = false;
        }
        case Events.LANE_FAILED -> {
          state = LaneState.FAILED;
          detail = text(d, "reason");
        }
        case Events.LANE_STOPPED -> {
          state = LaneState.STOPPED;
          detail = text(d, "reason");
        }
        case Events.LANE_PR -> {
          state = LaneState.SHIPPED;
          pr = text(d, "url");
          shippingFailed = false;
        }
        case Events.LANE_MERGED -> state = LaneState.MERGED;
        case Events.LANE_SHIP_FAILED -> {
          detail = "shipping failed at " + text(d, "step") + ": " + text(d, "reason");
          shippingFailed = !"clean-up".equals(text(d, "step"));
        }
        default -> { } // committed, pushed, verified, cleaned: details, not states
      }
    }
  }
}
