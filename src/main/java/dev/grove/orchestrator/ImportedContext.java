package dev.grove.orchestrator;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.grove.session.Body;
import dev.grove.session.Entry;
import dev.grove.session.Node;
import dev.grove.session.SessionHeader;
import dev.grove.session.SessionStore;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The conversation a run carries on from when it starts from a session of its own or of another
 * tool ({@code grove fork ENTRY --from FILE}): the path from that session's root to {@code entry}
 * (with the branches the summaries on it cover), copied into the run's session file with its ids,
 * parents and times, on lane {@value #LANE}.
 *
 * <p>What is copied is someone else's data, so it is made inert for grove: nothing of it can pass
 * for one of the run's own events or lanes, nor point at a commit of this repository.
 *
 * <ul>
 *   <li>every entry goes on lane {@value #LANE} (none on {@code main}, where the run's events are,
 *       nor on a lane an agent works on);
 *   <li>events become {@code imported} events holding the original kind and data, so that no {@code
 *       run.*} or {@code lane.*} event of the source is read as this run's;
 *   <li>entries of types grove does not know become {@code imported} events naming the type;
 *   <li>messages lose their checkpoint: a commit named by the source is not this run's work.
 * </ul>
 *
 * Messages, tool calls and results, compaction and branch summaries, labels and head moves are kept
 * as they are, so the context at {@code entry} is the source's.
 *
 * @param source where the entries came from (recorded in the run's session header)
 * @param entry the entry (of the source, and of the run's session) the run carries on below
 * @param path the copied entries, root first, ending with {@code entry}
 */
public record ImportedContext(SessionHeader.ForkedFrom source, String entry, List<Entry> path) {
  /** The lane the copied entries are on. */
  public static final String LANE = "imported";

  public ImportedContext {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(entry, "entry");
    path = List.copyOf(path);
    if (path.stream().noneMatch(e -> e.id().equals(entry))) {
      throw new IllegalArgumentException("the copied entries must hold the entry " + entry);
    }
  }

  /**
   * The path to {@code entryRef} (an id, unique prefix or label) in {@code session}; the source
   * recorded is the file the session names ({@link SessionStore#shown}: the user's, also when
   * another tool's file was read from its converted copy).
   */
  public static ImportedContext of(SessionStore session, String entryRef) {
    String id = session.resolve(entryRef);
    List<Entry> copied = new ArrayList<>();
    for (Entry e : needed(session, id)) {
      copied.add(
          new Entry(e.id(), e.parentId(), e.ts(), LANE, e.contextRoot(), inert(e.body()), 0));
    }
    return new ImportedContext(
        new SessionHeader.ForkedFrom(
            session.shown().toAbsolutePath().normalize().toString(), session.header().id(), id),
        id,
        copied);
  }

  /**
   * The entries the context at {@code id} needs, in file order: its path, and for each summary on
   * it the paths to the entries the summary covers (a branch summary covers an abandoned branch,
   * off the path), and so on for the summaries on those.
   */
  private static List<Entry> needed(SessionStore session, String id) {
    Set<String> want = new HashSet<>();
    List<String> frontier = List.of(id);
    while (!frontier.isEmpty()) {
      List<String> summaries = new ArrayList<>();
      for (String f : frontier) {
        for (Node n : session.path(f)) {
          if (want.add(n.id()) && "summary".equals(n.type())) {
            summaries.add(n.id());
          }
        }
      }
      List<String> next = new ArrayList<>();
      for (Entry e : session.entries(summaries)) {
        if (e.body() instanceof Body.Summary s) {
          for (String ref : List.of(s.fromId(), s.toId())) {
            if (!want.contains(ref) && session.contains(ref)) {
              next.add(ref);
            }
          }
        }
      }
      frontier = next;
    }
    List<Entry> all = new ArrayList<>(session.entries(new ArrayList<>(want)));
    all.sort(Comparator.comparingInt(Entry::line));
    return all;
  }

  private static Body inert(Body body) {
    return switch (body) {
      case Body.Message m -> m.checkpoint() == null ? m : m.withCheckpoint(null);
      case Body.Event ev -> {
        ObjectNode data = JsonNodeFactory.instance.objectNode();
        data.put("kind", ev.kind());
        data.set("data", ev.data());
        yield new Body.Event(LANE, data);
      }
      case Body.Unknown u -> {
        ObjectNode data = JsonNodeFactory.instance.objectNode();
        data.put("type", u.type());
        yield new Body.Event(LANE, data);
      }
      case Body.Label l -> l;
      case Body.Head h -> h;
      case Body.Summary s -> s;
    };
  }
}
