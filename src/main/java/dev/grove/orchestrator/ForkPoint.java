package dev.grove.orchestrator;

import dev.grove.session.Body;
import dev.grove.session.Entry;
import dev.grove.session.Node;
import dev.grove.session.SessionStore;
import dev.grove.session.ToolCall;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where to retry a failed lane from, and what to tell the retry. The heuristic: find the first tool
 * call that could change files (write, edit, a command) and failed; the decision to blame is the
 * last edit made before it (or that call itself when no edit came first); the retry starts from the
 * entry just before that decision, so both the reasoning and the files are as they were before it.
 * A lane with no such failure (it ran out of steps, say) is retried from its last checkpoint.
 *
 * @param entryId where the new lane hangs
 * @param hint a user message for the retry, describing what went wrong
 */
public record ForkPoint(String entryId, String hint) {
  private static final Set<String> EDITS = Set.of("write_file", "edit_file");
  private static final Set<String> CHANGES = Set.of("write_file", "edit_file", "run_command");

  /**
   * The fork point of {@code lane}, which ended with {@code reason}; null when there is nothing to
   * go back to.
   */
  public static ForkPoint afterFailure(SessionStore session, String lane, String reason) {
    String head = session.laneHead(lane).orElse(null);
    if (head == null) {
      return null;
    }
    List<Node> path = session.path(head);
    List<String> own = new ArrayList<>();
    for (Node n : path) {
      if (n.lane().equals(lane)) {
        own.add(n.id());
      }
    }
    if (own.isEmpty()) {
      return null;
    }
    List<Entry> entries = session.entries(own);
    Map<String, ToolCall> calls = new HashMap<>();
    Map<String, Entry> callers = new HashMap<>();
    for (Entry e : entries) {
      if (e.body() instanceof Body.Message m) {
        for (ToolCall c : m.toolCalls()) {
          calls.put(c.id(), c);
          callers.put(c.id(), e);
        }
      }
    }
    for (int i = 0; i < entries.size(); i++) {
      Entry e = entries.get(i);
      if (!(e.body() instanceof Body.Message m) || !m.isError() || m.toolCallId() == null) {
        continue;
      }
      ToolCall failed = calls.get(m.toolCallId());
      if (failed == null || !CHANGES.contains(failed.name())) {
        continue;
      }
      Entry decision = callers.get(m.toolCallId());
      for (int j = i - 1; j >= 0; j--) {
        if (entries.get(j).body() instanceof Body.Message a
            && a.toolCalls().stream().anyMatch(c -> EDITS.contains(c.name()))) {
          decision = entries.get(j);
          break;
        }
      }
      if (decision.parentId() == null) {
        return null;
      }
      String hint =
          "Hint: a previous attempt from this point failed ("
              + reason
              + "). Its "
              + describe(decision)
              + " led to "
              + failed.name()
              + " failing with: "
              + excerpt(m.content())
              + "\nDo not repeat that; take a different approach.";
      return new ForkPoint(decision.parentId(), hint);
    }
    for (int i = entries.size() - 1; i >= 0; i--) {
      if (entries.get(i).body() instanceof Body.Message m && m.checkpoint() != null) {
        return new ForkPoint(
            entries.get(i).id(),
            "Hint: the previous attempt stopped here ("
                + reason
                + "). Carry on from this point, more directly.");
      }
    }
    Entry first = entries.get(0);
    return first.parentId() == null
        ? null
        : new ForkPoint(
            first.parentId(),
            "Hint: a previous attempt at this task failed ("
                + reason
                + "). Take a different approach.");
  }

  private static String describe(Entry decision) {
    Body.Message a = (Body.Message) decision.body();
    List<String> parts = new ArrayList<>();
    for (ToolCall c : a.toolCalls()) {
      parts.add(c.name() + " " + excerpt(c.arguments()));
    }
    return "step " + String.join(", ", parts);
  }

  private static String excerpt(String s) {
    if (s == null) {
      return "";
    }
    String one = s.strip().replaceAll("\\s+", " ");
    return one.length() > 300 ? one.substring(0, 299) + "…" : one;
  }
}
