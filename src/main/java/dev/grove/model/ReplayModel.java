package dev.grove.model;

import dev.grove.session.Body;
import dev.grove.session.Entry;
import dev.grove.session.Role;
import dev.grove.session.SessionException;
import dev.grove.session.SessionStore;
import dev.grove.session.Usage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Plays back the assistant turns recorded in a session: {@code replay:SESSION#ENTRY} those on the
 * context of ENTRY (an id, unique prefix, label or lane name); {@code replay:SESSION} those of the
 * lane whose task (first user message) is the conversation's, or else of the lane written last. The
 * n-th call of a conversation (n counted from the assistant turns already in it) gets the n-th
 * recorded turn: the same text and tool calls with the same ids, the recorded token counts, and
 * cost 0, since nothing is spent. The tools run for real, so a run can be reproduced, or re-run
 * against a changed repository. Past the last turn it ends cleanly.
 */
final class ReplayModel implements ChatModel {

  /** One lane's recorded turns. */
  private record Recording(String lane, String task, int line, List<Body.Message> turns) {}

  private final String name;
  private final List<Recording> recordings;

  private ReplayModel(String name, List<Recording> recordings) {
    this.name = name;
    this.recordings = recordings;
  }

  static ReplayModel load(Path cwd, String target) {
    int hash = target.lastIndexOf('#');
    String file = hash >= 0 ? target.substring(0, hash) : target;
    String entry = hash >= 0 ? target.substring(hash + 1) : null;
    Path path = cwd.resolve(file);
    String name = "replay:" + target;
    if (!Files.isRegularFile(path)) {
      throw ModelException.config(name + ": session file " + path + " does not exist");
    }
    List<Recording> recordings = new ArrayList<>();
    try (SessionStore store = SessionStore.open(path)) {
      if (entry != null) {
        String id = resolve(store, entry, name);
        recordings.add(record(store, store.node(id).lane(), id));
      } else {
        for (Map.Entry<String, String> head : store.laneHeads().entrySet()) {
          recordings.add(record(store, head.getKey(), head.getValue()));
        }
        recordings.sort(Comparator.comparingInt(Recording::line).reversed());
      }
    } catch (SessionException e) {
      throw ModelException.config(name + ": " + e.getMessage());
    }
    if (recordings.stream().allMatch(r -> r.turns().isEmpty())) {
      throw ModelException.config(
          name
              + ": "
              + path
              + " has no assistant turns"
              + (entry == null ? "" : " on the path to " + entry)
              + " to replay");
    }
    return new ReplayModel(name, List.copyOf(recordings));
  }

  private static String resolve(SessionStore store, String entry, String name) {
    try {
      return store.resolve(entry);
    } catch (SessionException.NoSuchEntry e) {
      return store
          .laneHead(entry)
          .orElseThrow(
              () ->
                  ModelException.config(
                      name
                          + ": '"
                          + entry
                          + "' is neither an entry (id, prefix or label) nor a lane of "
                          + store.file()
                          + " (lanes: "
                          + String.join(", ", store.laneHeads().keySet())
                          + ")"));
    }
  }

  private static Recording record(SessionStore store, String lane, String id) {
    List<Body.Message> turns = new ArrayList<>();
    String task = null;
    for (Entry e : store.context(id)) {
      if (e.body() instanceof Body.Message m) {
        if (m.role() == Role.ASSISTANT) {
          turns.add(m);
        } else if (m.role() == Role.USER && task == null) {
          task = m.content();
        }
      }
    }
    return new Recording(lane, task, store.node(id).line(), List.copyOf(turns));
  }

  @Override
  public ModelReply chat(ModelRequest request) {
    String task = null;
    int position = 0;
    for (Body.Message m : request.messages()) {
      if (m.role() == Role.USER && task == null) {
        task = m.content();
      } else if (m.role() == Role.ASSISTANT) {
        position++;
      }
    }
    String t = task;
    Recording r =
        recordings.stream()
            .filter(x -> t != null && Objects.equals(x.task(), t))
            .findFirst()
            .orElse(recordings.get(0));
    if (position >= r.turns().size()) {
      return ScriptedModel.ending(
          "The recorded session (lane '" + r.lane() + "') has no more turns.",
          request.tools().stream().map(ToolSpec::name).collect(java.util.stream.Collectors.toSet()),
          "call_" + (position + 1) + "_end",
          name);
    }
    Body.Message m = r.turns().get(position);
    Usage recorded =
        m.usage() == null
            ? Usage.ZERO
            : new Usage(m.usage().inputTokens(), m.usage().outputTokens(), 0);
    return new ModelReply(m.content(), m.toolCalls(), recorded, name);
  }

  @Override
  public String name() {
    return name;
  }
}
