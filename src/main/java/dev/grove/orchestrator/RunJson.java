package dev.grove.orchestrator;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.grove.session.Entry;
import dev.grove.session.Node;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The JSON vocabulary of docs/json.md, made in one place: the CLI's {@code --json} and the
 * dashboard's API ({@code docs/api.md}) both build their objects here, so the same name means the
 * same thing in both. Fields are never omitted: what does not apply is null.
 */
public final class RunJson {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private RunJson() {}

  /**
   * A run: {@code {run, session, file, state, resumable, started, model, base, succeeded,
   * inputTokens, outputTokens, cost, lanes: [lane…]}}.
   */
  public static ObjectNode run(RunStatus st) {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("run", st.run());
    o.put("session", st.session());
    o.put("file", st.file().toString());
    o.put("state", st.state().label());
    o.put("resumable", st.resumable());
    o.put("started", st.started() == null ? null : st.started().toString());
    o.put("model", st.model());
    o.put("base", st.base());
    o.put("succeeded", st.succeeded());
    o.put("inputTokens", st.usage().inputTokens());
    o.put("outputTokens", st.usage().outputTokens());
    o.put("cost", st.usage().cost());
    o.put("budget", st.budget().limit());
    o.put("spent", st.budget().spent());
    o.put("budgetReached", st.budget().reached());
    ArrayNode groups = o.putArray("attempts");
    for (AttemptGroup g : st.attempts()) {
      groups
          .addObject()
          .put("group", g.group())
          .put("count", g.count())
          .put("forkOf", g.forkOf())
          .put("decided", g.decided())
          .put("winner", g.winner())
          .put("reason", g.reason())
          .put("judgeCost", g.judge().cost());
    }
    ArrayNode arr = o.putArray("lanes");
    for (LaneStatus l : st.lanes()) {
      arr.add(lane(l));
    }
    return o;
  }

  /**
   * A lane: {@code {lane, task, state, branch, worktree, steps, inputTokens, outputTokens, cost,
   * detail, pullRequest, forkOf, head, attemptOf, chosen?, taskCost, risks: [{other, kind, detail,
   * files}]}}.
   */
  public static ObjectNode lane(LaneStatus l) {
    ObjectNode x = JsonNodeFactory.instance.objectNode();
    x.put("lane", l.lane());
    x.put("task", l.task());
    x.put("state", l.state().label());
    x.put("branch", l.branch());
    x.put("worktree", l.worktree());
    x.put("steps", l.steps());
    x.put("inputTokens", l.usage().inputTokens());
    x.put("outputTokens", l.usage().outputTokens());
    x.put("cost", l.usage().cost());
    x.put("detail", l.detail());
    x.put("pullRequest", l.pullRequest());
    x.put("forkOf", l.forkOf());
    x.put("head", l.head());
    x.put("attemptOf", l.attemptOf());
    if (l.chosen() != null) {
      x.put("chosen", l.chosen());
    }
    x.put("taskCost", l.taskCost());
    ArrayNode risks = x.putArray("risks");
    for (RunEvent.Risk r : l.risks()) {
      ObjectNode y =
          risks
              .addObject()
              .put("other", r.other())
              .put("kind", r.kind().label())
              .put("detail", r.detail());
      r.files().forEach(y.putArray("files")::add);
    }
    return x;
  }

  /**
   * A merge, or its check: {@code {run, lane, branch, into, merged, already, commit, pushed,
   * conflicts: [path…], messages: [line…]}}.
   */
  public static ObjectNode merge(Merger.Result r) {
    ObjectNode j =
        JsonNodeFactory.instance
            .objectNode()
            .put("run", r.run())
            .put("lane", r.lane())
            .put("branch", r.branch())
            .put("into", r.into())
            .put("merged", r.merged())
            .put("already", r.already())
            .put("commit", r.commit())
            .put("pushed", r.pushed());
    ArrayNode conflicts = j.putArray("conflicts");
    r.conflicts().forEach(conflicts::add);
    ArrayNode messages = j.putArray("messages");
    r.messages().forEach(messages::add);
    return j;
  }

  /** What cleaning did to one lane: {@code {lane, worktree, removed, savedRef, detail}}. */
  public static ObjectNode cleaned(Orchestrator.Cleaned c) {
    return JsonNodeFactory.instance
        .objectNode()
        .put("lane", c.lane())
        .put("worktree", c.worktree().toString())
        .put("removed", c.removed())
        .put("savedRef", c.savedRef())
        .put("detail", c.note());
  }

  /** A node of a session tree: {@code {id, parentId, lane, type, role, line, children}}. */
  public static ObjectNode node(Node n) {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("id", n.id());
    o.put("parentId", n.parentId());
    o.put("lane", n.lane());
    o.put("type", n.type());
    o.put("role", n.role() == null ? null : n.role().wireName());
    o.put("line", n.line());
    o.put("children", n.children());
    return o;
  }

  /** An entry: its line in the session file (docs/session-format.md), plus {@code line}. */
  public static ObjectNode entry(Entry e) {
    try {
      ObjectNode o = (ObjectNode) MAPPER.readTree(e.toJson());
      return o.put("line", e.line());
    } catch (IOException impossible) {
      throw new UncheckedIOException(
          impossible); // grove wrote it; an unknown entry was read as JSON
    }
  }
}
