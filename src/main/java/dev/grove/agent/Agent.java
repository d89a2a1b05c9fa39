package dev.grove.agent;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.grove.model.ChatModel;
import dev.grove.model.ModelException;
import dev.grove.model.ModelReply;
import dev.grove.model.ModelRequest;
import dev.grove.session.Body;
import dev.grove.session.Draft;
import dev.grove.session.Entry;
import dev.grove.session.Parent;
import dev.grove.session.Role;
import dev.grove.session.SessionStore;
import dev.grove.session.ToolCall;
import dev.grove.session.Usage;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One coding agent, working in one lane of a session tree. A plain loop, to be read top to bottom:
 *
 * <ol>
 *   <li>the context is the messages on the path from the root to the lane's head;
 *   <li>one model call with the tool definitions; the reply is appended as an assistant entry;
 *   <li>each tool call runs and its result is appended as a tool entry, with a checkpoint commit of
 *       the worktree when the call may have changed files;
 *   <li>repeat until the model calls {@code finish} or a limit is reached. The end is appended as
 *       an event ({@code lane.finished}, {@code lane.failed}, {@code lane.stopped}), so the lane's
 *       state can be read back from the file alone.
 * </ol>
 *
 * <p>A tool error goes back to the model as a tool result marked as an error; it never ends the
 * loop. A model error has already been retried (when retriable) inside the model, and fails the
 * lane with its reason. The loop continues from the lane's head wherever that is, so a lane whose
 * head is an earlier entry of another lane (a fork) carries on from there with the full context up
 * to it.
 */
public final class Agent {
  /** After this many replies in a row without a tool call, the lane fails. */
  static final int MAX_NUDGES = 2;

  /**
   * The calls of one reply that run; the rest are not (one error result says so, and the others are
   * not kept).
   */
  static final int MAX_CALLS_PER_REPLY = 64;

  /**
   * The most message text (UTF-8 bytes) a lane sends a model; a longer conversation fails the lane.
   */
  static final long MAX_CONTEXT_BYTES = 24L << 20;

  static final String NUDGE =
      "Continue with the tools. When the task is done and verified, call finish with a summary.";

  /** Limits on one run of the loop; 0 (or a zero duration) means no limit. */
  public record Limits(int maxSteps, long maxTokens, double maxCost, Duration wallTime) {
    public Limits {
      if (maxSteps < 0 || maxTokens < 0 || maxCost < 0) {
        throw new IllegalArgumentException("limits must not be negative");
      }
      wallTime = wallTime == null ? Duration.ZERO : wallTime;
    }

    public static Limits defaults() {
      return new Limits(60, 0, 0, Duration.ofMinutes(30));
    }

    /** Why these stats are over a limit, or null. */
    String exceeded(Stats s) {
      if (maxSteps > 0 && s.steps() >= maxSteps) {
        return "reached the step limit (" + maxSteps + " model calls)";
      }
      if (maxTokens > 0 && s.usage().inputTokens() + s.usage().outputTokens() >= maxTokens) {
        return "reached the token limit (" + maxTokens + ")";
      }
      if (maxCost > 0 && s.usage().cost() >= maxCost) {
        return String.format("reached the cost limit ($%.2f)", maxCost);
      }
      if (!wallTime.isZero() && s.elapsed().compareTo(wallTime) >= 0) {
        return "reached the time limit ("
            + (wallTime.toSeconds() % 60 == 0
                ? wallTime.toMinutes() + " min"
                : wallTime.toSeconds() + " s")
            + ")";
      }
      return null;
    }

    /** What is left of the time limit after {@code elapsed}; null when there is none. */
    Duration timeLeft(Duration elapsed) {
      return wallTime.isZero()
          ? null
          : elapsed.compareTo(wallTime) >= 0 ? Duration.ZERO : wallTime.minus(elapsed);
    }
  }

  /** Model calls made, tokens and cost, and time spent. */
  public record Stats(int steps, Usage usage, Duration elapsed) {
    Stats plus(Usage u, Duration now) {
      return new Stats(steps + 1, usage.plus(u), now);
    }

    Stats at(Duration now) {
      return new Stats(steps, usage, now);
    }
  }

  /** How a run ended; the same is recorded as the lane's last event. */
  public sealed interface Outcome {
    String lane();

    Stats stats();

    record Finished(String lane, String summary, Stats stats) implements Outcome {}

    record Failed(String lane, String reason, Stats stats) implements Outcome {}

    record Stopped(String lane, String reason, Stats stats) implements Outcome {}
  }

  /** One step as it happens, for progress displays. */
  public record Step(
      String lane, int number, String tool, boolean ok, String detail, Stats stats) {}

  /** Told about each step; must be quick and must not throw. */
  public interface Listener {
    Listener NONE = step -> {};

    void step(Step step);
  }

  /**
   * Asked before each model call, when every tool call so far has its result: the one point where
   * something from outside the loop may join the conversation (providers reject a user message
   * between a turn's tool calls and their results). It may append user entries to the lane (a
   * person's messages), and may ask the loop to stop.
   */
  public interface Inbox {
    Inbox NONE = () -> null;

    /** Delivers what waits for the lane; returns why the lane must stop now, or null to go on. */
    String beforeModelCall();
  }

  private final SessionStore session;
  private final String lane;
  private final ChatModel model;
  private final ToolSet tools;
  private final Checkpointer checkpoints;
  private final Limits limits;
  private final Clock clock;
  private final Listener listener;
  private final Inbox inbox;

  public Agent(
      SessionStore session,
      String lane,
      ChatModel model,
      ToolSet tools,
      Checkpointer checkpoints,
      Limits limits,
      Clock clock,
      Listener listener) {
    this(session, lane, model, tools, checkpoints, limits, clock, listener, Inbox.NONE);
  }

  /**
   * An agent whose loop asks {@code inbox} for messages and stop requests before each model call.
   */
  public Agent(
      SessionStore session,
      String lane,
      ChatModel model,
      ToolSet tools,
      Checkpointer checkpoints,
      Limits limits,
      Clock clock,
      Listener listener,
      Inbox inbox) {
    this.inbox = Objects.requireNonNull(inbox);
    this.session = Objects.requireNonNull(session);
    this.lane = Objects.requireNonNull(lane);
    this.model = Objects.requireNonNull(model);
    this.tools = Objects.requireNonNull(tools);
    this.checkpoints = Objects.requireNonNull(checkpoints);
    this.limits = Objects.requireNonNull(limits);
    this.clock = Objects.requireNonNull(clock);
    this.listener = Objects.requireNonNull(listener);
  }

  /**
   * Starts a lane: its system prompt (a context root, so nothing above it leaks into the agent's
   * context) and its task, below {@code parentId} (null for a new root).
   */
  public static Entry begin(
      SessionStore session, String lane, String parentId, String systemPrompt, String task) {
    prompt(session, lane, parentId, systemPrompt, true);
    return giveTask(session, lane, task);
  }

  /**
   * Starts a lane below {@code parentId} keeping the whole context above it (a conversation
   * imported from elsewhere): the system prompt, which is not a context root, then the task.
   */
  public static Entry carryOn(
      SessionStore session, String lane, String parentId, String systemPrompt, String task) {
    prompt(session, lane, parentId, systemPrompt, false);
    return giveTask(session, lane, task);
  }

  /**
   * The first half of {@link #begin} ({@code contextRoot}) or {@link #carryOn}: the lane's system
   * prompt, below {@code parentId} (null for a new root). {@link #giveTask} follows.
   */
  public static Entry prompt(
      SessionStore session,
      String lane,
      String parentId,
      String systemPrompt,
      boolean contextRoot) {
    Parent where = parentId == null ? Parent.root() : Parent.of(parentId);
    return session.append(
        new Draft(where, lane, Body.Message.of(Role.SYSTEM, systemPrompt), contextRoot));
  }

  /** The second half of {@link #begin} or {@link #carryOn}: the task, below the lane's head. */
  public static Entry giveTask(SessionStore session, String lane, String task) {
    return session.append(Draft.onLane(lane, Body.Message.of(Role.USER, task)));
  }

  /**
   * Whether {@code lane}'s last system prompt has no message of the user after it on the lane: the
   * process that wrote the prompt died before {@link #giveTask}.
   */
  public static boolean onlyPrompted(SessionStore session, String lane) {
    int[] lines = {-1, -1}; // the last system prompt's line, the last user message's
    session.forEachNode(
        n -> {
          if (n.lane().equals(lane) && n.role() == Role.SYSTEM) {
            lines[0] = n.line();
          } else if (n.lane().equals(lane) && n.role() == Role.USER) {
            lines[1] = n.line();
          }
        });
    return lines[0] >= 0 && lines[1] < lines[0];
  }

  public Outcome run() {
    long start = clock.millis();
    Stats stats = earlier();
    append(new Body.Event("lane.started", data().put("model", model.name())));
    answerDanglingCalls();
    int nudges = 0;
    while (true) {
      stats = stats.at(Duration.ofMillis(clock.millis() - start));
      String over = limits.exceeded(stats);
      if (over != null) {
        return end(new Outcome.Failed(lane, over, stats));
      }
      if (Thread.currentThread().isInterrupted()) {
        return end(new Outcome.Stopped(lane, "interrupted", stats));
      }
      String stop = inbox.beforeModelCall();
      if (stop != null) {
        return end(new Outcome.Stopped(lane, stop, stats));
      }

      List<Body.Message> context = context();
      long size = size(context);
      if (size > MAX_CONTEXT_BYTES) {
        return end(
            new Outcome.Failed(
                lane,
                "the conversation is "
                    + (size >> 20)
                    + " MB, more than the "
                    + (MAX_CONTEXT_BYTES >> 20)
                    + " MB a lane may send to a model: fork the lane from an earlier entry "
                    + "with a hint to read less at a time, or split the task",
                stats));
      }
      ModelReply reply;
      try {
        reply =
            model.chat(new ModelRequest(context, tools.specs(), limits.timeLeft(stats.elapsed())));
      } catch (ModelException e) {
        if (Thread.currentThread().isInterrupted()) {
          return end(new Outcome.Stopped(lane, "interrupted", stats));
        }
        stats = stats.at(Duration.ofMillis(clock.millis() - start));
        String overNow = limits.exceeded(stats);
        return end(
            new Outcome.Failed(
                lane, overNow != null ? overNow : "model: " + e.getMessage(), stats));
      }
      List<ToolCall> calls = reply.toolCalls();
      if (calls.size() > MAX_CALLS_PER_REPLY) {
        calls =
            calls.subList(
                0, MAX_CALLS_PER_REPLY + 1); // the last one kept carries the error for the rest
      }
      append(
          new Body.Message(
              Role.ASSISTANT,
              reply.text(),
              calls,
              null,
              false,
              reply.model(),
              reply.usage(),
              null));
      stats = stats.plus(reply.usage(), Duration.ofMillis(clock.millis() - start));

      if (calls.isEmpty()) {
        listener.step(new Step(lane, stats.steps(), null, true, text(reply.text()), stats));
        if (++nudges > MAX_NUDGES) {
          return end(
              new Outcome.Failed(
                  lane, "the model stopped calling tools without calling finish", stats));
        }
        append(Body.Message.of(Role.USER, NUDGE));
        continue;
      }
      nudges = 0;

      String finished = null;
      for (int i = 0; i < calls.size(); i++) {
        ToolCall call = calls.get(i);
        boolean runs = finished == null && i < MAX_CALLS_PER_REPLY;
        ToolResult result =
            runs
                ? tools.call(call)
                : finished != null
                    ? new ToolResult.Error("not run: finish was called earlier in this turn")
                    : new ToolResult.Error(tooManyCalls(reply.toolCalls().size()));
        Checkpointer.Snapshot checkpoint =
            runs && tools.mayHaveChangedFiles(call, result) ? checkpoints.snapshot() : null;
        String told =
            checkpoint == null
                ? result.text()
                : checkpoint.notice().map(n -> result.text() + "\n" + n).orElse(result.text());
        Entry recorded =
            append(
                new Body.Message(
                    Role.TOOL,
                    told,
                    List.of(),
                    call.id(),
                    result instanceof ToolResult.Error,
                    null,
                    null,
                    checkpoint == null ? null : checkpoint.commit()));
        if (checkpoint != null) {
          checkpoints.keep(checkpoint.commit(), recorded.id());
        }
        listener.step(
            new Step(
                lane,
                stats.steps(),
                call.name(),
                !(result instanceof ToolResult.Error),
                text(result.text()),
                stats));
        if (result instanceof ToolResult.Finish f) {
          finished = f.summary();
        }
      }
      if (finished != null) {
        return end(new Outcome.Finished(lane, finished, stats));
      }
    }
  }

  /**
   * The error result of the first call past the cap. The calls after it are not kept in the
   * session, so that a reply of 100,000 calls costs one entry, not 100,000; the conversation stays
   * valid, since every call kept has its result.
   */
  static String tooManyCalls(int made) {
    return "not run: at most "
        + MAX_CALLS_PER_REPLY
        + " tool calls per reply; this reply made "
        + made
        + ", so the "
        + (made - MAX_CALLS_PER_REPLY)
        + " after the first "
        + MAX_CALLS_PER_REPLY
        + " were not run (and those after "
        + "this one are not recorded). Make them again in later replies if they are still needed.";
  }

  /** The UTF-8 size of a conversation's text: contents and tool-call arguments. */
  static long size(List<Body.Message> context) {
    long n = 0;
    for (Body.Message m : context) {
      n += utf8Length(m.content());
      for (ToolCall c : m.toolCalls()) {
        n += utf8Length(c.arguments()) + c.name().length();
      }
    }
    return n;
  }

  private static long utf8Length(String s) {
    if (s == null) {
      return 0;
    }
    long n = s.length();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= 0x80) {
        n += c < 0x800 || Character.isSurrogate(c) ? 1 : 2; // a surrogate pair: 2 chars, 4 bytes
      }
    }
    return n;
  }

  static final String INTERRUPTED_CALL =
      "not finished: grove stopped while this call was running (a crash or a kill). "
          + "Its effects may be partial; check them, and run it again if needed.";

  /**
   * A lane killed while its tools ran ends in an assistant turn whose calls have no results; every
   * provider rejects such a conversation. Each unanswered call gets an error result saying so.
   */
  private void answerDanglingCalls() {
    List<Body.Message> context = context(); // kept: the loop's first step reads no more than this
    java.util.Set<String> answered = new java.util.HashSet<>();
    List<String> unanswered = new ArrayList<>();
    for (int i = context.size() - 1; i >= 0; i--) {
      Body.Message m = context.get(i);
      if (m.role() == Role.TOOL) {
        answered.add(m.toolCallId());
      } else if (m.role() == Role.ASSISTANT) {
        for (ToolCall call : m.toolCalls()) {
          if (!answered.contains(call.id())) {
            unanswered.add(call.id());
          }
        }
        break;
      } else {
        break;
      }
    }
    for (String id : unanswered) {
      append(Body.Message.toolResult(id, INTERRUPTED_CALL, true));
    }
  }

  /** Records the end as the lane's last event. */
  private Outcome end(Outcome outcome) {
    ObjectNode d =
        data()
            .put("steps", outcome.stats().steps())
            .put("inputTokens", outcome.stats().usage().inputTokens())
            .put("outputTokens", outcome.stats().usage().outputTokens())
            .put("cost", outcome.stats().usage().cost())
            .put("seconds", outcome.stats().elapsed().toMillis() / 1000.0);
    String kind =
        switch (outcome) {
          case Outcome.Finished f -> {
            d.put("summary", f.summary());
            yield "lane.finished";
          }
          case Outcome.Failed f -> {
            d.put("reason", f.reason());
            yield "lane.failed";
          }
          case Outcome.Stopped s -> {
            d.put("reason", s.reason());
            yield "lane.stopped";
          }
        };
    append(
        new Body.Event(
            kind, d)); // appends are not interruptible: the end is recorded even when cancelled
    return outcome;
  }

  // The context as the loop last built it, valid while the lane's head is cachedAt. While the loop
  // is
  // the lane's only writer, each step only adds its own messages on top; if anything else moved the
  // lane, the context is read again from the file.
  private List<Body.Message> cached;
  private String cachedAt;

  /**
   * The steps and usage of this lane's earlier runs (a lane resumed after a crash or Ctrl-C), so
   * step numbers and the lane's limits carry on instead of starting again.
   */
  private Stats earlier() {
    String head = session.laneHead(lane).orElse(null);
    List<Entry> entries = head == null ? List.of() : session.context(head);
    int steps = 0;
    Usage usage = Usage.ZERO;
    for (Entry e : entries) {
      if (lane.equals(e.lane())
          && e.body() instanceof Body.Message m
          && m.role() == Role.ASSISTANT) {
        steps++;
        if (m.usage() != null) {
          usage = usage.plus(m.usage());
        }
      }
    }
    cached = messages(entries);
    cachedAt = head;
    return new Stats(steps, usage, Duration.ZERO);
  }

  /** The messages on the path to the lane's head: what the model is sent. */
  private List<Body.Message> context() {
    String now = session.laneHead(lane).orElse(null);
    if (cached == null || !Objects.equals(now, cachedAt)) {
      cached = messages(session.contextOfLane(lane));
      cachedAt = now;
    }
    return cached;
  }

  /** Appends to the lane; the kept context follows when the entry went right on top of it. */
  private Entry append(Body body) {
    Entry e = session.append(Draft.onLane(lane, body));
    if (cached != null && Objects.equals(e.parentId(), cachedAt)) {
      if (body instanceof Body.Message m) {
        cached.add(m);
      }
      cachedAt = e.id();
    } else {
      cached = null;
    }
    return e;
  }

  private static ObjectNode data() {
    return JsonNodeFactory.instance.objectNode();
  }

  private static List<Body.Message> messages(List<Entry> context) {
    List<Body.Message> out = new ArrayList<>(context.size());
    for (Entry e : context) {
      out.add((Body.Message) e.body());
    }
    return out;
  }

  private static String text(String s) {
    if (s == null) {
      return "";
    }
    String line = s.strip().lines().findFirst().orElse("");
    return line.length() > 120 ? line.substring(0, 119) + "…" : line;
  }
}
