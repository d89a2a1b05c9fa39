package dev.grove.orchestrator;

import dev.grove.git.Changes;
import dev.grove.session.Body;
import dev.grove.session.Entry;
import dev.grove.session.Node;
import dev.grove.session.Role;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The conflict radar of a live run: while lanes work, it looks at where each stands — its latest
 * checkpoint, or the commit it shipped — and compares them ({@link RadarCheck}): files and hunks
 * changed by more than one lane, a trial merge of each such pair, and of each lane onto its base as
 * the base is now. What it finds is recorded as a {@code radar.risks} event whenever it changes, so
 * {@code grove status} and the orchestrator agent's {@code agent_status} see it while the lanes
 * still work.
 *
 * <p>It must not slow the agents: it runs on a thread of its own, looks only when an agent may have
 * changed files (and then at most once per {@code gap}) or once a minute otherwise, reads git's
 * objects and never a worktree, and pays only for what moved since its last look (see {@code grove
 * bench radar}). A look that fails is skipped; the next one tries again.
 */
final class Radar implements AutoCloseable {
  /** Looks at least this often while lanes work, for a base moved by merges. */
  static final Duration PERIOD = Duration.ofSeconds(60);

  private final RunContext run;
  private final Lanes lanes;
  private final Duration gap;
  private final RadarCheck check;
  private final Map<String, String[]> tipAtHead = new HashMap<>();
  private final Object looking = new Object();
  private Thread thread;
  private boolean poked;
  private boolean closed;
  private List<RunEvent.Risk> recorded;

  /**
   * @param gap the least time between two looks; zero: no radar
   */
  Radar(RunContext run, Lanes lanes, Duration gap) {
    this.run = run;
    this.lanes = lanes;
    this.gap = gap;
    this.check = new RadarCheck(new Changes(run.wb().worktrees()));
  }

  /** Starts looking (once; not at all with a zero gap). */
  synchronized void start() {
    if (thread != null || closed || gap.isZero()) {
      return;
    }
    thread = Thread.ofVirtual().name("grove-radar").start(this::loop);
  }

  /** Something may have changed: look soon. */
  synchronized void poke() {
    poked = true;
    notifyAll();
  }

  @Override
  public void close() {
    Thread t;
    synchronized (this) {
      closed = true;
      notifyAll();
      t = thread;
    }
    if (t != null && t != Thread.currentThread()) {
      try {
        t.join(Duration.ofSeconds(30));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void loop() {
    long last = 0;
    while (true) {
      synchronized (this) {
        long periodEnds = System.nanoTime() + PERIOD.toNanos();
        while (!closed && !poked && System.nanoTime() < periodEnds) {
          try {
            wait(Math.max(1, (periodEnds - System.nanoTime()) / 1_000_000));
          } catch (InterruptedException e) {
            return;
          }
        }
        if (closed) {
          return;
        }
        poked = false;
      }
      long wait = last + gap.toNanos() - System.nanoTime();
      if (wait > 0) {
        try {
          Thread.sleep(Duration.ofNanos(wait));
        } catch (InterruptedException e) {
          return;
        }
      }
      last = System.nanoTime();
      try {
        look();
      } catch (RuntimeException e) {
        // a look that failed (a lane's worktree going away under it, git busy): the next one
        // tries again
      }
    }
  }

  /**
   * One look: the lanes' tips compared, recorded when what it sees changed. Looks take turns (a
   * lock of their own: an agent poking the radar never waits for a look).
   */
  void look() {
    synchronized (looking) {
      List<RadarCheck.Tip> tips = tips();
      Optional<String> baseTip = run.wb().worktrees().refs().commit(run.baseRef());
      List<RunEvent.Risk> risks = check.check(baseTip.orElse(run.baseCommit()), tips);
      if (recorded == null) {
        recorded = lastRecorded();
      }
      if (!risks.equals(recorded)) {
        run.log().append("main", new RunEvent.RadarRisks(risks));
        for (RunEvent.Risk r : risks) {
          if (!recorded.contains(r)) {
            run.listener().lane(r.lane(), LaneState.RUNNING, "at risk: " + r.describe());
          }
        }
        recorded = risks;
      }
    }
  }

  private List<RunEvent.Risk> lastRecorded() {
    List<RunEvent.Risk> last = List.of();
    for (RunLog.Logged e : run.log().read("main")) {
      if (e.event() instanceof RunEvent.RadarRisks r) {
        last = r.risks();
      }
    }
    return last;
  }

  /**
   * Where each lane whose work may land stands: running, finished or shipped; its commit once it
   * has one, else its latest checkpoint (lanes without either have changed nothing yet).
   */
  private List<RadarCheck.Tip> tips() {
    List<RadarCheck.Tip> out = new ArrayList<>();
    for (Lane l : lanes.all()) {
      if (l.state != LaneState.RUNNING
          && l.state != LaneState.FINISHED
          && l.state != LaneState.SHIPPED) {
        continue;
      }
      String tip = tipOf(l);
      if (tip != null && !tip.equals(l.baseCommit)) {
        out.add(new RadarCheck.Tip(l.name, tip, l.baseCommit, l.attemptOf));
      }
    }
    out.sort(java.util.Comparator.comparing(RadarCheck.Tip::lane));
    return out;
  }

  /** A lane's latest commit: the one it shipped or committed, else its newest checkpoint. */
  private String tipOf(Lane l) {
    String head = run.session().laneHead(l.name).orElse(null);
    if (head == null) {
      return null;
    }
    String[] known = tipAtHead.get(l.name);
    if (known != null && known[0].equals(head)) {
      return known[1].isEmpty() ? null : known[1];
    }
    String tip = null;
    if (l.state != LaneState.RUNNING) {
      for (RunLog.Logged e : run.log().read(l.name)) {
        if (e.event() instanceof RunEvent.LaneCommitted c) {
          tip = c.commit();
        }
      }
    }
    if (tip == null) {
      tip = newestCheckpoint(head);
    }
    tipAtHead.put(l.name, new String[] {head, tip == null ? "" : tip});
    return tip;
  }

  /** The newest checkpoint on the path to {@code head}, reading a few entries at a time. */
  private String newestCheckpoint(String head) {
    List<Node> path = run.session().path(head);
    List<String> batch = new ArrayList<>();
    for (int i = path.size() - 1; i >= 0; i--) {
      if (path.get(i).role() == Role.TOOL) {
        batch.add(path.get(i).id());
      }
      if (batch.size() == 8 || i == 0 && !batch.isEmpty()) {
        List<Entry> read = run.session().entries(batch);
        for (Entry e : read) {
          if (e.body() instanceof Body.Message m && m.checkpoint() != null) {
            return m.checkpoint();
          }
        }
        batch.clear();
      }
    }
    return null;
  }
}
