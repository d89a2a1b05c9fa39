package dev.grove.orchestrator;

import com.fasterxml.jackson.databind.JsonNode;
import dev.grove.agent.ToolResult;
import dev.grove.agent.ToolSet;
import dev.grove.forge.PullRequest;
import dev.grove.model.ToolSpec;
import dev.grove.session.ToolCall;
import java.util.List;
import java.util.Locale;

/**
 * The orchestrator agent's tools: spawn_agent, agent_status, wait, fork_agent, open_pull_request
 * and finish, each a thin call into the {@link Orchestrator}.
 */
final class OrchestratorTools implements ToolSet {
  /**
   * Agents one reply of the orchestrator model may start; a reply asking for more gets errors for
   * the rest.
   */
  static final int MAX_SPAWNS_PER_REPLY = 8;

  /** Lanes one run may have in all (spawns, forks and retries). */
  static final int MAX_LANES = 64;

  private final Conductor run;

  /**
   * Slugs the model asked for that were taken, and the lane each became: the model may keep using
   * its name.
   */
  private final java.util.Map<String, String> renamed =
      new java.util.concurrent.ConcurrentHashMap<>();

  OrchestratorTools(Conductor run) {
    this.run = run;
  }

  @Override
  public List<ToolSpec> specs() {
    return SPECS;
  }

  @Override
  public boolean mayHaveChangedFiles(ToolCall call, ToolResult result) {
    return false;
  }

  @Override
  public ToolResult call(ToolCall call) {
    try {
      java.util.Optional<Tool> tool = Tool.named(call.name());
      if (tool.isEmpty()) {
        return new ToolResult.Error("there is no tool named '" + call.name() + "'");
      }
      JsonNode args = ToolSet.arguments(call);
      return switch (tool.get()) {
        case SPAWN_AGENT -> {
          int earlier = spawnsEarlierInReply(call);
          if (earlier >= MAX_SPAWNS_PER_REPLY) {
            yield new ToolResult.Error(
                "not run: at most "
                    + MAX_SPAWNS_PER_REPLY
                    + " agents may be spawned per reply; "
                    + "wait for some to end, then spawn more");
          }
          if (run.lanes().size() >= MAX_LANES) {
            yield new ToolResult.Error(
                "not run: this run has "
                    + run.lanes().size()
                    + " agents, the most one run may have");
          }
          String asked = text(args, "slug", false);
          String lane =
              run.spawn(new Task(asked, text(args, "task", true), text(args, "verify", false)));
          if (asked != null && !asked.equals(lane)) {
            renamed.put(asked, lane);
            yield new ToolResult.Ok(
                "spawned agent "
                    + lane
                    + " on branch task/"
                    + lane
                    + " ("
                    + asked
                    + " was taken: "
                    + "the agent is "
                    + lane
                    + "; "
                    + asked
                    + " also names it in these tools)");
          }
          yield new ToolResult.Ok("spawned agent " + lane + " on branch task/" + lane);
        }
        case AGENT_STATUS -> new ToolResult.Ok(status());
        case WAIT -> {
          String lane = lane(text(args, "slug", false));
          if (lane != null) {
            if (!run.hasLane(lane)) {
              yield new ToolResult.Error("no agent " + lane + "; the agents are: " + lanes());
            }
            run.await(lane);
          } else {
            run.awaitAny();
          }
          yield new ToolResult.Ok(status());
        }
        case FORK_AGENT -> {
          String lane = run.fork(text(args, "entry", true), text(args, "hint", false), null);
          yield new ToolResult.Ok("forked into agent " + lane + " on branch task/" + lane);
        }
        case OPEN_PULL_REQUEST -> {
          String lane = lane(text(args, "slug", true));
          if (!run.hasLane(lane)) {
            yield new ToolResult.Error("no agent " + lane + "; the agents are: " + lanes());
          }
          LaneState state =
              run.lanes().stream()
                  .filter(l -> l.lane().equals(lane))
                  .findFirst()
                  .map(LaneStatus::state)
                  .orElse(LaneState.QUEUED);
          if (state != LaneState.FINISHED) {
            yield new ToolResult.Error(
                "agent "
                    + lane
                    + " is "
                    + state.label()
                    + "; only a finished agent's work can ship");
          }
          PullRequest pr = run.ship(lane);
          yield new ToolResult.Ok(
              pr == null
                  ? "agent " + lane + " changed no files: nothing to ship"
                  : "pull request for " + lane + ": " + pr.url());
        }
        case FINISH -> new ToolResult.Finish(text(args, "summary", true), "finished");
      };
    } catch (RuntimeException e) {
      return new ToolResult.Error(call.name() + " failed: " + e.getMessage());
    }
  }

  /** The lane a slug names: itself, or the lane it became when it was taken. */
  private String lane(String slug) {
    return slug == null || run.hasLane(slug) ? slug : renamed.getOrDefault(slug, slug);
  }

  /** How many spawn_agent calls come before {@code call} in the model reply that made it. */
  private int spawnsEarlierInReply(ToolCall call) {
    String at = run.session().laneHead("main").orElse(null);
    while (at != null) {
      dev.grove.session.Node n = run.session().node(at);
      if (n.role() == dev.grove.session.Role.ASSISTANT) {
        int count = 0;
        for (ToolCall c :
            ((dev.grove.session.Body.Message) run.session().entry(at).body()).toolCalls()) {
          if (c.id().equals(call.id())) {
            return count;
          }
          if (c.name().equals(Tool.SPAWN_AGENT.spec.name())) {
            count++;
          }
        }
        return count;
      }
      at = n.parentId();
    }
    return 0;
  }

  /** One line per agent; failed ones say where a fork would retry them. */
  private String status() {
    StringBuilder sb = new StringBuilder();
    for (LaneStatus l : run.lanes()) {
      sb.append(
          String.format(
              Locale.ROOT,
              "%-20s %-9s steps %-3d $%.4f",
              l.lane(),
              l.state().label(),
              l.steps(),
              l.usage().cost()));
      if (l.detail() != null) {
        sb.append("  ").append(l.detail().strip().lines().findFirst().orElse(""));
      }
      if (l.state() == LaneState.FAILED) {
        ForkPoint at = ForkPoint.afterFailure(run.session(), l.lane(), l.detail());
        if (at != null) {
          sb.append("  fork at ").append(at.entryId());
        }
      }
      if (l.pullRequest() != null) {
        sb.append("  ").append(l.pullRequest());
      }
      sb.append('\n');
    }
    return sb.isEmpty() ? "no agents yet" : sb.toString();
  }

  private String lanes() {
    return String.join(", ", run.lanes().stream().map(LaneStatus::lane).toList());
  }

  private static String text(JsonNode args, String name, boolean required) {
    JsonNode v = args.get(name);
    if (v == null || v.isNull() || (v.isTextual() && v.asText().isBlank())) {
      if (required) {
        throw new IllegalArgumentException("missing argument '" + name + "'");
      }
      return null;
    }
    return v.asText();
  }

  /**
   * The orchestrator agent's tools: the closed set its model is offered, each with its definition.
   */
  enum Tool {
    SPAWN_AGENT(
        "spawn_agent",
        "Start a coding agent on a task, in its own worktree on branch task/<slug>.",
        "{\"type\":\"object\",\"properties\":{\"slug\":{\"type\":\"string\",\"description\":\"short, lower-case, dashes\"},"
            + "\"task\":{\"type\":\"string\"},\"verify\":{\"type\":\"string\",\"description\":"
            + "\"a shell command that must pass before its work can ship (after the run's own), e.g. the tests of the "
            + "task\"}},\"required\":[\"slug\",\"task\"]}"),
    AGENT_STATUS(
        "agent_status",
        "One line per agent: state, steps, cost, what it said last; failed agents say where to fork.",
        "{\"type\":\"object\",\"properties\":{}}"),
    WAIT(
        "wait",
        "Wait for an agent (by slug) to end, or without a slug for the next one to end; then the status.",
        "{\"type\":\"object\",\"properties\":{\"slug\":{\"type\":\"string\"}}}"),
    FORK_AGENT(
        "fork_agent",
        "Restart a failed agent from an earlier entry of its conversation, with the files of that "
            + "moment and a hint.",
        "{\"type\":\"object\",\"properties\":{\"entry\":{\"type\":\"string\"},"
            + "\"hint\":{\"type\":\"string\"}},\"required\":[\"entry\"]}"),
    OPEN_PULL_REQUEST(
        "open_pull_request",
        "Ship a finished agent's work: commit, verify, push its branch, open a pull request.",
        "{\"type\":\"object\",\"properties\":{\"slug\":{\"type\":\"string\"}},\"required\":[\"slug\"]}"),
    FINISH(
        "finish",
        "End the run with a summary of what happened.",
        "{\"type\":\"object\",\"properties\":{\"summary\":{\"type\":\"string\"}},\"required\":[\"summary\"]}");

    final ToolSpec spec;

    Tool(String name, String description, String schema) {
      this.spec = new ToolSpec(name, description, schema);
    }

    static java.util.Optional<Tool> named(String name) {
      for (Tool t : values()) {
        if (t.spec.name().equals(name)) {
          return java.util.Optional.of(t);
        }
      }
      return java.util.Optional.empty();
    }
  }

  private static final List<ToolSpec> SPECS =
      java.util.Arrays.stream(Tool.values()).map(t -> t.spec).toList();
}
