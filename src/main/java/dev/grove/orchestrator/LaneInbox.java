package dev.grove.orchestrator;

import dev.grove.agent.Agent;
import dev.grove.session.Body;
import dev.grove.session.Draft;
import dev.grove.session.Entry;
import dev.grove.session.Node;
import dev.grove.session.Role;
import dev.grove.session.SessionStore;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A lane's inbox, asked by its agent loop before each model call: the messages and stop requests
 * that any process wrote on the lane ({@link RunEvent.LaneMessage}, {@link RunEvent.StopRequested};
 * see {@link Steering}). Messages become user entries of the lane, in the order they were written;
 * a stop request ends the loop with its reason.
 *
 * <p>Cheap per step: it reads what other processes appended ({@link SessionStore#refresh()}) and
 * walks back from the lane's head only over the entries written since it last looked — a turn's
 * few. The first look walks the lane back to its start, so a message written while no agent worked
 * on the lane (it was stopped, or its process killed) is delivered when one carries on — unless a
 * user entry with its text follows it already (it was delivered just before a crash: nothing is
 * delivered twice, nothing acknowledged is lost). A stop request older than the agent's latest
 * {@code lane.started}, or already followed by {@code lane.stopped}, was for an earlier run of the
 * lane and is not honoured again.
 */
final class LaneInbox implements Agent.Inbox {
  private final SessionStore session;
  private final RunLog log;
  private final String lane;

  /** The lane's head when it last looked: everything at or above it was considered. */
  private String seen;

  /** Message events delivered (or found delivered) by this inbox. */
  private final Set<String> handled = new HashSet<>();

  LaneInbox(SessionStore session, String lane) {
    this.session = session;
    this.log = new RunLog(session);
    this.lane = lane;
  }

  @Override
  public String beforeModelCall() {
    session.refresh();
    String head = session.laneHead(lane).orElse(null);
    if (head == null || head.equals(seen)) {
      return null;
    }
    List<Node> newer = new ArrayList<>();
    boolean reachedSeen = false;
    for (String at = head; at != null; ) {
      if (at.equals(seen)) {
        reachedSeen = true;
        break;
      }
      Node n = session.node(at);
      if (!n.lane().equals(lane)) {
        break;
      }
      newer.add(n);
      at = n.parentId();
    }
    if (!reachedSeen && newer.size() > 64) {
      // the first look over a long lane: one pass over its path rather than a lookup per entry
      newer.clear();
      List<Node> path = session.path(head);
      for (int i = path.size() - 1; i >= 0 && path.get(i).lane().equals(lane); i--) {
        newer.add(path.get(i));
      }
    }
    Collections.reverse(newer);
    List<String> read = new ArrayList<>();
    for (Node n : newer) {
      if ("event".equals(n.type()) || n.role() == Role.USER) {
        read.add(n.id());
      }
    }
    Map<String, String> pending = new LinkedHashMap<>(); // message event id -> text
    String stop = null;
    for (Entry e : session.entries(read)) {
      switch (e.body()) {
        case Body.Message m -> pending.values().remove(m.content()); // delivered before
        case Body.Event ev -> {
          switch (log.decode(e).event()) {
            case RunEvent.LaneMessage msg -> {
              if (handled.add(e.id())) {
                pending.put(e.id(), msg.text());
              }
            }
            case RunEvent.StopRequested s ->
                stop = s.reason().isBlank() ? "a person asked the agent to stop" : s.reason();
            case RunEvent.LaneStarted s -> stop = null;
            case RunEvent.LaneStopped s -> stop = null;
            default -> {}
          }
        }
        default -> {}
      }
    }
    seen = head;
    if (stop != null) {
      return stop; // messages not delivered stay in the file: a resumed lane gets them
    }
    for (String text : pending.values()) {
      session.append(Draft.onLane(lane, Body.Message.of(Role.USER, text)));
    }
    return null;
  }
}
