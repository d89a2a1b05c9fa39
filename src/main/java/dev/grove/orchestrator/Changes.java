package dev.grove.orchestrator;

import dev.grove.git.Diffs;
import dev.grove.session.Body;
import dev.grove.session.Entry;
import dev.grove.session.Node;
import dev.grove.session.Role;
import dev.grove.session.SessionStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What changed in files, as patches between recorded commits: at one entry (its checkpoint against
 * the previous checkpoint on its path), over a whole lane (its end against its base — also after it
 * shipped and its worktree is gone, since the commits stay), and between two lanes' ends. Read from
 * the run's session file and git alone.
 */
public final class Changes {
  private Changes() {}

  /**
   * A change, or why there is none.
   *
   * @param from the commit it starts from, or null when there is no change to show
   * @param to the commit it ends at, or null
   * @param patch the patch ({@code git diff from to}), empty when none
   * @param note what the two ends are, or why there is no change
   */
  public record Change(String from, String to, String patch, boolean cut, String note) {
    static Change none(String note) {
      return new Change(null, null, "", false, note);
    }
  }

  /**
   * The files an entry's tool call changed: its checkpoint against the previous checkpoint on its
   * path (or the lane's base when there is none).
   */
  public static Change ofEntry(Workbench wb, SessionStore s, String entryId) {
    List<String[]> on = checkpointsOnPath(wb, s, entryId);
    if (on.isEmpty() || !on.get(on.size() - 1)[0].equals(entryId)) {
      return Change.none("entry " + entryId + " carries no checkpoint: it changed no files");
    }
    String to = on.get(on.size() - 1)[1];
    if (on.size() >= 2) {
      String[] before = on.get(on.size() - 2);
      return diff(wb, before[1], to, "since the checkpoint of entry " + before[0]);
    }
    String base = baseOf(s, s.entry(entryId).lane());
    return diff(wb, base, to, "since the lane's base");
  }

  /**
   * A lane's whole change against its base: its shipped commit when it has one, else its last
   * checkpoint.
   */
  public static Change ofLane(Workbench wb, SessionStore s, String lane) {
    String end = endOf(wb, s, lane);
    if (end == null) {
      return Change.none("lane " + lane + " has changed no files yet");
    }
    return diff(wb, baseOf(s, lane), end, "lane " + lane + " against its base");
  }

  /** From one lane's end to another's: how two attempts differ. */
  public static Change between(Workbench wb, SessionStore s, String laneA, String laneB) {
    String a = endOf(wb, s, laneA);
    String b = endOf(wb, s, laneB);
    return diff(
        wb,
        a != null ? a : baseOf(s, laneA),
        b != null ? b : baseOf(s, laneB),
        "from " + laneA + " to " + laneB);
  }

  /**
   * The commit a lane's work ends at: the last commit shipping made of it (when it changed files),
   * else the checkpoint at or before its head; null when it changed nothing.
   */
  static String endOf(Workbench wb, SessionStore s, String lane) {
    String committed = null;
    for (RunLog.Logged e : new RunLog(s).read(lane)) {
      if (e.event() instanceof RunEvent.LaneCommitted c) {
        committed = c.files() > 0 ? c.commit() : committed;
      }
    }
    if (committed != null) {
      return committed;
    }
    String head = s.laneHead(lane).orElse(null);
    if (head == null) {
      return null;
    }
    List<String[]> on = checkpointsOnPath(wb, s, head);
    return on.isEmpty() ? null : on.get(on.size() - 1)[1];
  }

  /** The commit a lane started from: its spawn's, else the run's. */
  static String baseOf(SessionStore s, String lane) {
    RunLog log = new RunLog(s);
    return log.spawned(lane)
        .map(l -> ((RunEvent.LaneSpawned) l.event()).baseCommit())
        .orElseGet(() -> log.started().baseCommit());
  }

  /**
   * The checkpoints on the path from the root to {@code entryId}, oldest first, as {entry, commit}:
   * carried by an entry (an agent's tool result) or kept for it afterwards.
   */
  static List<String[]> checkpointsOnPath(Workbench wb, SessionStore s, String entryId) {
    List<Node> path = s.path(entryId);
    Map<String, String> kept = wb.checkpoints().kept(s.header().id());
    List<String> ids = new ArrayList<>();
    for (Node n : path) {
      if (n.role() == Role.TOOL) {
        ids.add(n.id());
      }
    }
    Map<String, String> carried = new HashMap<>();
    for (Entry e : s.entries(ids)) {
      if (e.body() instanceof Body.Message m && m.checkpoint() != null) {
        carried.put(e.id(), m.checkpoint());
      }
    }
    List<String[]> out = new ArrayList<>();
    for (Node n : path) {
      String c = carried.getOrDefault(n.id(), kept.get(n.id()));
      if (c != null) {
        out.add(new String[] {n.id(), c});
      }
    }
    return out;
  }

  private static Change diff(Workbench wb, String from, String to, String note) {
    String full = wb.worktrees().refs().commit(from).orElse(from);
    String fullTo = wb.worktrees().refs().commit(to).orElse(to);
    if (!dev.grove.git.Refs.isObjectId(full) || !dev.grove.git.Refs.isObjectId(fullTo)) {
      return Change.none("the commits of this change are gone from the repository (" + note + ")");
    }
    Diffs.Patch p = new Diffs(wb.worktrees()).between(full, fullTo);
    return new Change(p.from(), p.to(), p.text(), p.cut(), note);
  }
}
