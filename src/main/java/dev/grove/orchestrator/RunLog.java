package dev.grove.orchestrator;

import dev.grove.session.Body;
import dev.grove.session.Draft;
import dev.grove.session.Entry;
import dev.grove.session.Parent;
import dev.grove.session.SessionStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A run's events in its session file: the one place they are written and read. Writing goes through
 * {@link RunEventCodec}; reading decodes every event entry and refuses, naming the file and line,
 * any that does not validate — so nothing grove acts on (a commit to diff, a branch to push, a lane
 * to clean) was taken unchecked from a file. Safe for many threads, like the store underneath.
 */
public final class RunLog {
  /** One event as read back: where it stands in the file, and what it says. */
  public record Logged(String id, String lane, int line, java.time.Instant ts, RunEvent event) {}

  /**
   * Credentials in a URL ({@code https://user:token@host/…}): whatever they are, they are not
   * recorded.
   */
  private static final java.util.regex.Pattern URL_CREDENTIALS =
      java.util.regex.Pattern.compile("([A-Za-z][A-Za-z0-9+.-]*://)[^/\\s@]+@");

  private final SessionStore session;
  private final dev.grove.secrets.Secrets secrets;

  /** A log that writes events as they are (for reading, or where no secret can be in them). */
  public RunLog(SessionStore session) {
    this(session, dev.grove.secrets.Secrets.none());
  }

  /**
   * A log whose written events have every string scrubbed of {@code secrets} and of credentials in
   * URLs.
   */
  public RunLog(SessionStore session, dev.grove.secrets.Secrets secrets) {
    this.session = session;
    this.secrets = secrets;
  }

  public SessionStore session() {
    return session;
  }

  /** Appends an event at the head of {@code lane}. */
  public Entry append(String lane, RunEvent event) {
    return session.append(Draft.onLane(lane, body(event)));
  }

  /** Appends an event on {@code lane} below {@code parentId}. */
  public Entry appendBelow(String parentId, String lane, RunEvent event) {
    return session.append(new Draft(Parent.of(parentId), lane, body(event)));
  }

  /**
   * Appends an event for a lane: at its head, or below its spawn entry when it has no entries yet.
   */
  public Entry appendForLane(String lane, RunEvent event) {
    return session.laneHead(lane).isPresent()
        ? append(lane, event)
        : appendBelow(spawnEntry(lane), lane, event);
  }

  private Body.Event body(RunEvent event) {
    com.fasterxml.jackson.databind.node.ObjectNode data = RunEventCodec.encode(event);
    scrub(data);
    return new Body.Event(event.kind(), data);
  }

  private void scrub(com.fasterxml.jackson.databind.JsonNode node) {
    if (node instanceof com.fasterxml.jackson.databind.node.ObjectNode o) {
      for (java.util.Iterator<java.util.Map.Entry<String, com.fasterxml.jackson.databind.JsonNode>>
              it = o.properties().iterator();
          it.hasNext(); ) {
        java.util.Map.Entry<String, com.fasterxml.jackson.databind.JsonNode> e = it.next();
        if (e.getValue().isTextual()) {
          e.setValue(
              com.fasterxml.jackson.databind.node.TextNode.valueOf(scrub(e.getValue().asText())));
        } else {
          scrub(e.getValue());
        }
      }
    } else if (node instanceof com.fasterxml.jackson.databind.node.ArrayNode a) {
      for (int i = 0; i < a.size(); i++) {
        if (a.get(i).isTextual()) {
          a.set(i, com.fasterxml.jackson.databind.node.TextNode.valueOf(scrub(a.get(i).asText())));
        } else {
          scrub(a.get(i));
        }
      }
    }
  }

  /** Text as it may be recorded: no secret of grove's environment, no credentials in a URL. */
  String scrub(String text) {
    return secrets.redact(URL_CREDENTIALS.matcher(text).replaceAll("$1"));
  }

  /** Every event of the run, in file order, decoded and checked. */
  public List<Logged> read() {
    return read(null);
  }

  /** The events of one lane (all lanes for null), in file order, decoded and checked. */
  public List<Logged> read(String lane) {
    List<String> ids = new ArrayList<>();
    session.forEachNode(
        n -> {
          if ("event".equals(n.type()) && (lane == null || n.lane().equals(lane))) {
            ids.add(n.id());
          }
        });
    List<Logged> out = new ArrayList<>(ids.size());
    for (Entry e : session.entries(ids)) {
      out.add(decode(e));
    }
    return out;
  }

  /** An event entry as a checked {@link RunEvent}. */
  Logged decode(Entry e) {
    Body.Event ev = (Body.Event) e.body();
    try {
      return new Logged(
          e.id(), e.lane(), e.line(), e.ts(), RunEventCodec.decode(ev.kind(), ev.data()));
    } catch (IllegalArgumentException | NullPointerException bad) {
      throw new OrchestratorException.Invalid(
          session.file()
              + " line "
              + e.line()
              + ": a "
              + ev.kind()
              + " event grove cannot trust: "
              + bad.getMessage());
    }
  }

  /** The run's first entry, its {@link RunEvent.RunStarted}. */
  public RunEvent.RunStarted started() {
    String head =
        session
            .laneHead("main")
            .orElseThrow(
                () ->
                    new OrchestratorException.Invalid(
                        session.file() + " is not a grove run: it has no lane 'main'"));
    Entry first = session.entry(session.path(head).get(0).id());
    if (first.body() instanceof Body.Event ev
        && ev.kind().equals("run.started")
        && decode(first).event() instanceof RunEvent.RunStarted s) {
      return s;
    }
    throw new OrchestratorException.Invalid(
        session.file() + " is not a grove run: its first entry is not a run.started event");
  }

  /** The entry that spawned {@code lane}: the parent of its first entry. */
  public String spawnEntry(String lane) {
    return spawned(lane)
        .map(Logged::id)
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "lane " + lane + " has no spawn entry in " + session.file()));
  }

  /** The spawn event of {@code lane}, if it has one. */
  public Optional<Logged> spawned(String lane) {
    for (Logged l : read("main")) {
      if (l.event() instanceof RunEvent.LaneSpawned s && s.lane().equals(lane)) {
        return Optional.of(l);
      }
    }
    return Optional.empty();
  }
}
