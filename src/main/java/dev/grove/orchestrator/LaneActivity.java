package dev.grove.orchestrator;

import dev.grove.session.Body;
import dev.grove.session.Entry;
import dev.grove.session.Node;
import dev.grove.session.Role;
import dev.grove.session.SessionStore;
import dev.grove.session.ToolCall;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * When a lane worked and what it did last, for live views ({@code grove watch}, the dashboard): the
 * spans of time its agent ran (from each {@code lane.started} to the event that ended that run of
 * it), their total, and the tool its agent called last. Read from the run's events and the few
 * entries at the lane's head; like {@link RunStatus}, nothing else.
 *
 * @param lastTool the name of the last tool the agent called, or null
 * @param spans the times its agent ran, oldest first
 * @param seconds their total length, a span still running counted up to {@code now}
 */
public record LaneActivity(String lane, String lastTool, List<Span> spans, double seconds) {
  public LaneActivity {
    spans = List.copyOf(spans);
  }

  /**
   * One run of a lane's agent.
   *
   * @param end null while it runs; else when the run of the agent ended
   * @param how {@code finished}, {@code failed} or {@code stopped}; null while it runs, or when it
   *     was cut off (its process died)
   */
  public record Span(Instant start, Instant end, String how) {}

  /** How far back from a lane's head the last tool call is looked for. */
  private static final int LOOK_BACK = 16;

  /**
   * Each lane's activity, by lane, in the order of {@code status}. A span without an end in a run
   * no process works on ended, as far as anyone can tell, with the lane's last entry.
   */
  public static Map<String, LaneActivity> of(SessionStore s, RunStatus status, Instant now) {
    Map<String, List<Span>> spans = new LinkedHashMap<>();
    Map<String, Instant> open = new LinkedHashMap<>();
    for (RunLog.Logged e : new RunLog(s).read()) {
      String lane = e.lane();
      switch (e.event()) {
        case RunEvent.LaneStarted st -> {
          Instant was = open.put(lane, e.ts());
          if (was != null) { // started again without an end: the earlier run was cut off
            spans.computeIfAbsent(lane, k -> new ArrayList<>()).add(new Span(was, e.ts(), null));
          }
        }
        case RunEvent.LaneFinished f -> close(spans, open, lane, e.ts(), "finished");
        case RunEvent.LaneFailed f -> close(spans, open, lane, e.ts(), "failed");
        case RunEvent.LaneStopped st -> close(spans, open, lane, e.ts(), "stopped");
        default -> {}
      }
    }
    boolean live = status.state() == RunState.LIVE;
    Map<String, LaneActivity> out = new LinkedHashMap<>();
    for (LaneStatus l : status.lanes()) {
      List<Span> mine = new ArrayList<>(spans.getOrDefault(l.lane(), List.of()));
      Instant started = open.get(l.lane());
      if (started != null) {
        Instant end = live || l.head() == null ? null : s.entry(l.head()).ts();
        mine.add(new Span(started, end, null));
      }
      double seconds = 0;
      for (Span sp : mine) {
        Instant to = sp.end() != null ? sp.end() : now;
        seconds += Math.max(0, Duration.between(sp.start(), to).toMillis() / 1000.0);
      }
      out.put(l.lane(), new LaneActivity(l.lane(), lastTool(s, l.head()), mine, seconds));
    }
    return out;
  }

  private static void close(
      Map<String, List<Span>> spans,
      Map<String, Instant> open,
      String lane,
      Instant at,
      String how) {
    Instant start = open.remove(lane);
    if (start != null) {
      spans.computeIfAbsent(lane, k -> new ArrayList<>()).add(new Span(start, at, how));
    }
  }

  /** The last tool called on the path to {@code head}, looking back a few entries. */
  private static String lastTool(SessionStore s, String head) {
    String at = head;
    for (int i = 0; at != null && i < LOOK_BACK; i++) {
      Node n = s.node(at);
      if (n.role() == Role.ASSISTANT) {
        Entry e = s.entry(at);
        if (e.body() instanceof Body.Message m && !m.toolCalls().isEmpty()) {
          List<ToolCall> calls = m.toolCalls();
          return calls.get(calls.size() - 1).name();
        }
      }
      at = n.parentId();
    }
    return null;
  }
}
