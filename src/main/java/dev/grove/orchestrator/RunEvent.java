package dev.grove.orchestrator;

import dev.grove.git.Slug;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Everything a run records about itself, one record per kind of event. Lane {@code main} holds the
 * run's own events ({@link RunStarted}, {@link LaneSpawned}, {@link RunFinished}, {@link
 * RunInterrupted}); each agent's lane holds its lifecycle. They are the run's only state: {@link
 * RunStatus} is a fold over them.
 *
 * <p>Every record checks its fields in its constructor, and the codec ({@link RunEventCodec})
 * builds them from what it reads: a field read back from a file is input like any other. A commit
 * is an object id, a lane a slug, a branch the lane's own {@code task/<slug>}, a base a plain ref
 * name that cannot pass for an option; a file that says otherwise is refused, naming file and line,
 * before anything acts on it.
 */
public sealed interface RunEvent {
  /** The {@code kind} written in the session file. */
  String kind();

  // ------------------------------------------------------------------ the run's own (lane main)

  /**
   * The run's first entry: every option that changes what it does, so that resuming it does the
   * same.
   *
   * @param ship whether finished lanes ship (null in runs of earlier versions: they did)
   * @param mode {@code tasks} or {@code plan}
   * @param generated the patterns of build output shipping leaves out, when not grove's own (null)
   */
  record RunStarted(
      String run,
      String repo,
      String base,
      String baseCommit,
      String model,
      int parallel,
      int retries,
      String verify,
      String remote,
      String forge,
      String forgeUrl,
      String forgeTokenEnv,
      Boolean ship,
      String mode,
      List<String> generated)
      implements RunEvent {
    public RunStarted {
      generated = generated == null ? null : List.copyOf(generated);
      Checks.text("run", run);
      Checks.ref("base", base);
      Checks.commit("baseCommit", baseCommit);
      Checks.nonNegative("parallel", parallel);
      Checks.nonNegative("retries", retries);
      Checks.ref("remote", remote);
      Checks.optionalText("model", model);
      Checks.optionalText("forge", forge);
      Checks.optionalText("mode", mode);
    }

    @Override
    public String kind() {
      return "run.started";
    }

    /** Whether finished lanes ship: recorded, or (in runs of earlier versions) yes. */
    public boolean ships() {
      return ship == null || ship;
    }
  }

  /**
   * A lane was made: a task given to an agent, or a fork of another lane.
   *
   * @param verify the task's own verification, which runs after the run's (null: none of its own)
   * @param forkOf the lane this one was forked from (null: a task of its own)
   * @param fromEntry the entry the fork hangs below
   * @param checkpoint the commit the fork's files came from (null: the base's)
   */
  record LaneSpawned(
      String lane,
      String task,
      String branch,
      String worktree,
      String base,
      String baseCommit,
      String verify,
      String model,
      String forkOf,
      String fromEntry,
      String checkpoint,
      String hint)
      implements RunEvent {
    public LaneSpawned {
      Checks.lane("lane", lane);
      Objects.requireNonNull(task, "task");
      Checks.branch(lane, branch);
      Checks.optionalText("worktree", worktree);
      Checks.ref("base", base);
      Checks.commit("baseCommit", baseCommit);
      Checks.optionalText("model", model);
      if (forkOf != null) {
        Checks.lane("forkOf", forkOf);
      }
      Checks.optionalEntry("fromEntry", fromEntry);
      if (checkpoint != null && !checkpoint.matches("[0-9a-f]{7,64}")) {
        throw new IllegalArgumentException("checkpoint is not a commit id: '" + checkpoint + "'");
      }
    }

    @Override
    public String kind() {
      return "lane.spawned";
    }
  }

  /** The run ended with every lane ended; how many ended in each state. */
  record RunFinished(Map<String, Long> counts) implements RunEvent {
    public RunFinished {
      counts = Map.copyOf(counts);
    }

    @Override
    public String kind() {
      return "run.finished";
    }
  }

  /** The run was stopped (Ctrl-C, or its orchestrator agent broke); it can be resumed. */
  record RunInterrupted(String reason) implements RunEvent {
    public RunInterrupted {
      Objects.requireNonNull(reason, "reason");
    }

    @Override
    public String kind() {
      return "run.interrupted";
    }
  }

  // ------------------------------------------------------------------ a lane's life

  /**
   * The lane's agent (or the orchestrator agent, in lane main) began, or carried on after a resume.
   */
  record LaneStarted(String model) implements RunEvent {
    @Override
    public String kind() {
      return "lane.started";
    }
  }

  /**
   * What an agent's run of the loop cost; zeros where an event did not say (an orchestrator-written
   * failure).
   */
  record Work(int steps, long inputTokens, long outputTokens, double cost, double seconds) {
    public static final Work NONE = new Work(0, 0, 0, 0, 0);

    public Work {
      Checks.nonNegative("steps", steps);
      if (inputTokens < 0
          || outputTokens < 0
          || cost < 0
          || seconds < 0
          || Double.isNaN(cost)
          || Double.isNaN(seconds)) {
        throw new IllegalArgumentException(
            "negative or missing figures: tokens "
                + inputTokens
                + "/"
                + outputTokens
                + ", cost "
                + cost
                + ", seconds "
                + seconds);
      }
    }
  }

  /** The agent called finish (its work not yet verified). */
  record LaneFinished(String summary, Work work) implements RunEvent {
    public LaneFinished {
      summary = summary == null ? "" : summary;
      Objects.requireNonNull(work, "work");
    }

    @Override
    public String kind() {
      return "lane.finished";
    }
  }

  record LaneFailed(String reason, Work work) implements RunEvent {
    public LaneFailed {
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(work, "work");
    }

    @Override
    public String kind() {
      return "lane.failed";
    }
  }

  record LaneStopped(String reason, Work work) implements RunEvent {
    public LaneStopped {
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(work, "work");
    }

    @Override
    public String kind() {
      return "lane.stopped";
    }
  }

  /**
   * A verification command ran in the lane's worktree.
   *
   * @param commit the checkpoint of the files it ran on (null in runs of earlier versions)
   */
  record LaneVerified(
      String command, boolean ok, int exitCode, boolean timedOut, String output, String commit)
      implements RunEvent {
    public LaneVerified {
      Objects.requireNonNull(command, "command");
      output = output == null ? "" : output;
      if (commit != null) {
        Checks.commit("commit", commit);
      }
    }

    @Override
    public String kind() {
      return "lane.verified";
    }
  }

  /**
   * The lane's work was committed on its branch (or there was nothing to commit: {@code files} 0).
   *
   * @param leftOut what grove did not ship, each with why
   */
  record LaneCommitted(
      String commit, int files, String stat, List<String> paths, List<String> leftOut)
      implements RunEvent {
    public LaneCommitted {
      Checks.commit("commit", commit);
      Checks.nonNegative("files", files);
      stat = stat == null ? "" : stat;
      paths = List.copyOf(paths);
      leftOut = List.copyOf(leftOut);
    }

    @Override
    public String kind() {
      return "lane.committed";
    }
  }

  /**
   * @param url the remote's URL, without credentials
   */
  record LanePushed(String remote, String url, String branch, String commit) implements RunEvent {
    public LanePushed {
      Checks.ref("remote", remote);
      Checks.optionalText("url", url);
      Objects.requireNonNull(branch, "branch");
      if (!branch.startsWith("task/")) {
        throw new IllegalArgumentException("branch is not a lane's: '" + branch + "'");
      }
      Checks.lane("branch", branch.substring("task/".length()));
      Checks.commit("commit", commit);
    }

    @Override
    public String kind() {
      return "lane.pushed";
    }
  }

  record PullRequestOpened(
      String forge, String id, String url, boolean existing, String head, String base)
      implements RunEvent {
    public PullRequestOpened {
      Checks.text("forge", forge);
      Checks.optionalText("id", id);
      Checks.text("url", url);
      Checks.optionalText("head", head);
      Checks.optionalText("base", base);
    }

    @Override
    public String kind() {
      return "lane.pr";
    }
  }

  /** A step of shipping failed; the lane stays finished and resume ships it again. */
  record ShippingFailed(String step, String reason) implements RunEvent {
    public ShippingFailed {
      Checks.text("step", step);
      Objects.requireNonNull(reason, "reason");
    }

    @Override
    public String kind() {
      return "lane.ship.failed";
    }
  }

  /**
   * @param savedRef where unpushed work was saved before the worktree went (null: there was none)
   */
  record LaneCleaned(String worktree, String savedRef) implements RunEvent {
    public LaneCleaned {
      Checks.optionalText("worktree", worktree);
      if (savedRef != null && !savedRef.startsWith("refs/grove/")) {
        throw new IllegalArgumentException(
            "savedRef is not one of grove's refs: '" + savedRef + "'");
      }
    }

    @Override
    public String kind() {
      return "lane.cleaned";
    }
  }

  record LaneMerged(String into, String commit, boolean pushed) implements RunEvent {
    public LaneMerged {
      Checks.ref("into", into);
      Checks.commit("commit", commit);
    }

    @Override
    public String kind() {
      return "lane.merged";
    }
  }

  // ------------------------------------------------------------------ steering a running lane

  /**
   * A person's message to the lane's agent ({@code grove say}, the dashboard), written on the lane
   * by any process. The agent reads it before its next model call: its loop appends the text as a
   * user entry of the lane at that safe point (never between a turn's tool calls and their
   * results), so this event itself is never part of the conversation.
   */
  record LaneMessage(String text) implements RunEvent {
    public LaneMessage {
      Objects.requireNonNull(text, "text");
      if (text.isBlank()) {
        throw new IllegalArgumentException("a message needs some text");
      }
    }

    @Override
    public String kind() {
      return "lane.message";
    }
  }

  /**
   * A person asked the lane's agent to stop (the dashboard), from any process. The agent stops
   * before its next model call and records {@code lane.stopped} with this reason; the lane can be
   * resumed or forked like one stopped by Ctrl-C.
   */
  record StopRequested(String reason) implements RunEvent {
    public StopRequested {
      Objects.requireNonNull(reason, "reason");
    }

    @Override
    public String kind() {
      return "lane.stop";
    }
  }

  /** An event of a kind this version does not know (a newer grove wrote it): kept, and ignored. */
  record Unknown(String kind) implements RunEvent {
    public Unknown {
      Checks.text("kind", kind);
    }
  }

  /** The checks the records make of their fields. */
  final class Checks {
    private static final Pattern OBJECT_ID = Pattern.compile("[0-9a-f]{40}|[0-9a-f]{64}");
    private static final Pattern ENTRY_ID = Pattern.compile("[A-Za-z0-9_.-]{1,128}");

    private Checks() {}

    static void commit(String field, String value) {
      if (value == null || !OBJECT_ID.matcher(value).matches()) {
        throw new IllegalArgumentException(field + " is not a commit id: " + quoted(value));
      }
    }

    static void lane(String field, String value) {
      if (value == null || !value.equals("main") && !isSlug(value)) {
        throw new IllegalArgumentException(field + " is not a lane name: " + quoted(value));
      }
    }

    static void branch(String lane, String branch) {
      String expected = "task/" + lane;
      if (branch != null && !branch.equals(expected)) {
        throw new IllegalArgumentException(
            "branch " + quoted(branch) + " is not lane " + lane + "'s (" + expected + ")");
      }
    }

    /**
     * A short ref name as a user gives one ({@code main}, {@code origin/main}, {@code
     * release/2.1}): git's check-ref-format rules, and never anything that git could take for an
     * option.
     */
    static void ref(String field, String value) {
      if (value == null) {
        return;
      }
      boolean ok =
          !value.isEmpty()
              && value.length() <= 255
              && !value.startsWith("-")
              && !value.startsWith("/")
              && !value.endsWith("/")
              && !value.endsWith(".")
              && !value.endsWith(".lock")
              && !value.contains("..")
              && !value.contains("@{")
              && !value.contains("//")
              && !value.equals("@")
              && value.chars().noneMatch(c -> c < 0x21 || c == 0x7f || "~^:?*[\\".indexOf(c) >= 0)
              && java.util.Arrays.stream(value.split("/")).noneMatch(p -> p.startsWith("."));
      if (!ok) {
        throw new IllegalArgumentException(field + " is not a usable ref name: " + quoted(value));
      }
    }

    static void optionalEntry(String field, String value) {
      if (value != null && !ENTRY_ID.matcher(value).matches()) {
        throw new IllegalArgumentException(field + " is not an entry id: " + quoted(value));
      }
    }

    static void nonNegative(String field, long n) {
      if (n < 0) {
        throw new IllegalArgumentException(field + " is negative: " + n);
      }
    }

    static void text(String field, String value) {
      if (value == null || value.isBlank()) {
        throw new IllegalArgumentException(field + " is missing");
      }
      optionalText(field, value);
    }

    /** Free text that goes on one line where it is shown: no control characters. */
    static void optionalText(String field, String value) {
      if (value != null && value.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
        throw new IllegalArgumentException(field + " holds control characters: " + quoted(value));
      }
    }

    private static boolean isSlug(String s) {
      try {
        new Slug(s);
        return true;
      } catch (IllegalArgumentException e) {
        return false;
      }
    }

    private static String quoted(String s) {
      if (s == null) {
        return "(missing)";
      }
      String shown = s.length() > 80 ? s.substring(0, 80) + "…" : s;
      return "'" + shown.replaceAll("\\p{Cntrl}", "?") + "'";
    }
  }
}
