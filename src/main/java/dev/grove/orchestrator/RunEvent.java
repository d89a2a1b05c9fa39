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
   * @param budget the most the run may spend on models, in US dollars (null: no cap)
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
      List<String> generated,
      Double budget)
      implements RunEvent {
    public RunStarted {
      generated = generated == null ? null : List.copyOf(generated);
      if (budget != null) {
        Checks.money("budget", budget);
      }
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

    /** Without a budget. */
    public RunStarted(
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
        List<String> generated) {
      this(
          run,
          repo,
          base,
          baseCommit,
          model,
          parallel,
          retries,
          verify,
          remote,
          forge,
          forgeUrl,
          forgeTokenEnv,
          ship,
          mode,
          generated,
          null);
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
   * @param attemptOf the group of attempts this lane is one of ({@link AttemptsStarted}), or null
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
      String hint,
      String attemptOf)
      implements RunEvent {
    public LaneSpawned {
      if (attemptOf != null) {
        Checks.lane("attemptOf", attemptOf);
      }
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

    /** A lane that is not one of a group of attempts. */
    public LaneSpawned(
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
        String hint) {
      this(
          lane,
          task,
          branch,
          worktree,
          base,
          baseCommit,
          verify,
          model,
          forkOf,
          fromEntry,
          checkpoint,
          hint,
          null);
    }

    @Override
    public String kind() {
      return "lane.spawned";
    }
  }

  /**
   * The tasks a run was given (tasks mode), all in one entry before the first is given to an agent:
   * the ones a crash kept from being given, resume gives.
   *
   * @param attempts agents per task (1: one lane each; more: a group of attempts, with {@code
   *     models} and {@code scoring})
   */
  record TasksGiven(List<Task> tasks, int attempts, List<String> models, Scoring scoring)
      implements RunEvent {
    public TasksGiven {
      tasks = List.copyOf(tasks);
      for (Task t : tasks) {
        Checks.text("task", t.text());
        if (t.slug() != null) {
          Slug.of(t.slug()); // the lane's name is made of it: letters or digits, not too long
        }
      }
      if (attempts < 1 || attempts > Scoring.MAX_ATTEMPTS) {
        throw new IllegalArgumentException(
            "attempts is not between 1 and " + Scoring.MAX_ATTEMPTS + ": " + attempts);
      }
      models = List.copyOf(models);
      models.forEach(m -> Checks.text("models", m));
      Objects.requireNonNull(scoring, "scoring");
    }

    /**
     * The tasks of the run's last {@link TasksGiven} among {@code events} that no lane or group has
     * been made for yet (a crash kept them back), in order; none when the run recorded no tasks.
     * The tasks are given in the entry's order, one lane or group of attempts each; forks, retries
     * and a group's own attempts are not given tasks.
     */
    static List<Task> left(Iterable<RunLog.Logged> events) {
      TasksGiven all = null;
      int given = 0;
      for (RunLog.Logged logged : events) {
        RunEvent e = logged.event();
        if (e instanceof TasksGiven t) {
          all = t;
          given = 0;
        } else if (e instanceof LaneSpawned s && s.forkOf() == null && s.attemptOf() == null
            || e instanceof AttemptsStarted a && a.forkOf() == null) {
          given++;
        }
      }
      return all == null || given >= all.tasks().size()
          ? List.of()
          : all.tasks().subList(given, all.tasks().size());
    }

    /** How the tasks are given: one agent each, or a group of attempts. */
    AttemptsPlan plan() {
      return new AttemptsPlan(attempts, models, scoring);
    }

    @Override
    public String kind() {
      return "run.tasks";
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

  // ------------------------------------------------------------------ budgets (lane main)

  /** The run's budget was set anew (resume or fork with {@code --budget}): it replaces the last. */
  record RunBudget(double budget) implements RunEvent {
    public RunBudget {
      Checks.money("budget", budget);
    }

    @Override
    public String kind() {
      return "run.budget";
    }
  }

  /** What the run spent on models reached its budget: its lanes were stopped, resumable. */
  record BudgetReached(double budget, double spent) implements RunEvent {
    public BudgetReached {
      Checks.money("budget", budget);
      Checks.money("spent", spent);
    }

    @Override
    public String kind() {
      return "run.budget.reached";
    }
  }

  // ------------------------------------------------------------------ attempts (lane main)

  /**
   * A task (or a fork) was given to {@code count} agents at once, as lanes spawned with {@code
   * attemptOf = group}; when they have all ended, each is scored and one is chosen.
   *
   * @param models the model of each attempt, in order (a shorter list is repeated)
   * @param forkOf for attempts from an entry: the lane forked (null for a task's attempts)
   * @param fromEntry the entry they hang below (with forkOf)
   * @param scoring how they are scored, recorded so that resuming scores them the same way
   */
  record AttemptsStarted(
      String group,
      String task,
      int count,
      List<String> models,
      String forkOf,
      String fromEntry,
      String hint,
      Scoring scoring)
      implements RunEvent {
    public AttemptsStarted {
      Checks.lane("group", group);
      Objects.requireNonNull(task, "task");
      if (count < 1 || count > Scoring.MAX_ATTEMPTS) {
        throw new IllegalArgumentException(
            "count is not between 1 and " + Scoring.MAX_ATTEMPTS + ": " + count);
      }
      models = List.copyOf(models);
      models.forEach(m -> Checks.text("models", m));
      if (forkOf != null) {
        Checks.lane("forkOf", forkOf);
      }
      Checks.optionalEntry("fromEntry", fromEntry);
      Objects.requireNonNull(scoring, "scoring");
    }

    @Override
    public String kind() {
      return "attempts.started";
    }
  }

  /**
   * The judge model ranked a group's candidates, best first, with its reasons (its reply is
   * untrusted: checked, capped and redacted before it is recorded). Recorded before the choice, so
   * that resuming never pays for the judge twice.
   *
   * @param ranking the candidates' lanes, best first (empty when the judge failed)
   * @param reasons the judge's reason for each lane it ranked
   * @param error why the judge's ranking is not used (null: it is)
   */
  record AttemptsJudged(
      String group,
      String model,
      List<String> ranking,
      Map<String, String> reasons,
      String error,
      Work work)
      implements RunEvent {
    public AttemptsJudged {
      Checks.lane("group", group);
      Checks.text("model", model);
      ranking = List.copyOf(ranking);
      ranking.forEach(l -> Checks.lane("ranking", l));
      if (ranking.stream().distinct().count() != ranking.size()) {
        throw new IllegalArgumentException("ranking names a lane twice: " + ranking);
      }
      reasons = Map.copyOf(reasons);
      reasons.keySet().forEach(l -> Checks.lane("reasons", l));
      Objects.requireNonNull(work, "work");
    }

    @Override
    public String kind() {
      return "attempts.judged";
    }
  }

  /** One scorer's mark of one candidate. */
  record Score(String scorer, Double value, double points, double weight) {
    public Score {
      Checks.text("scorer", scorer);
      if (value != null && (value.isNaN() || value.isInfinite())) {
        throw new IllegalArgumentException(scorer + " is not a finite value: " + value);
      }
      if (!(points >= 0 && points <= 1)) {
        throw new IllegalArgumentException(scorer + " points are not between 0 and 1: " + points);
      }
      Checks.money(scorer + " weight", weight);
    }
  }

  /**
   * One attempt as it was scored.
   *
   * @param commit the commit it would ship (null: it has none)
   * @param eligible whether it could win: finished, changed files, every verification passed
   * @param note why it is not eligible, or what a scorer met (a command that failed)
   * @param total the sum of each score's points times its weight
   */
  record Candidate(
      String lane, String commit, boolean eligible, String note, List<Score> scores, double total) {
    public Candidate {
      Checks.lane("lane", lane);
      if (commit != null) {
        Checks.commit("commit", commit);
      }
      scores = List.copyOf(scores);
      Checks.money("total", total);
    }
  }

  /**
   * A group's attempts were scored and one was chosen (or none could be): every score of every
   * attempt, the winner and why. The winner ships; the others keep their branches.
   *
   * @param winner the lane chosen, or null when no attempt was eligible
   */
  record AttemptsChosen(String group, String winner, String reason, List<Candidate> candidates)
      implements RunEvent {
    public AttemptsChosen {
      Checks.lane("group", group);
      if (winner != null) {
        Checks.lane("winner", winner);
      }
      Objects.requireNonNull(reason, "reason");
      candidates = List.copyOf(candidates);
      if (winner != null
          && candidates.stream().noneMatch(c -> c.lane().equals(winner) && c.eligible())) {
        throw new IllegalArgumentException(
            "winner " + winner + " is not one of the eligible candidates");
      }
    }

    @Override
    public String kind() {
      return "attempts.chosen";
    }
  }

  // ------------------------------------------------------------------ the conflict radar (main)

  /** How two lanes' changes (or a lane's and its base's) meet. */
  enum RiskKind {
    /** A trial merge ({@code git merge-tree}) of the two conflicts. */
    CONFLICT,
    /** Both change the same files; a trial merge is clean (for now). */
    OVERLAP;

    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }

    static RiskKind of(String label) {
      for (RiskKind k : values()) {
        if (k.label().equals(label)) {
          return k;
        }
      }
      throw new IllegalArgumentException("not a kind of risk: " + label);
    }
  }

  /**
   * A lane at risk: its changes meet another lane's, or its base's as the base is now.
   *
   * @param other the other lane, or null for the base
   * @param files the files concerned
   * @param detail the hunks both change, or git's conflict messages, in a line
   */
  record Risk(String lane, String other, RiskKind kind, List<String> files, String detail) {
    public Risk {
      Checks.lane("lane", lane);
      if (other != null) {
        Checks.lane("other", other);
      }
      Objects.requireNonNull(kind, "kind");
      files = List.copyOf(files);
      detail = detail == null ? "" : detail;
    }

    /** One line: what the lane meets, where. */
    public String describe() {
      String with = other == null ? "the base as it is now" : other;
      String where =
          files.size() <= 3
              ? String.join(", ", files)
              : String.join(", ", files.subList(0, 3)) + " and " + (files.size() - 3) + " more";
      return (kind == RiskKind.CONFLICT ? "conflicts with " : "overlaps with ")
          + with
          + " in "
          + where;
    }
  }

  /**
   * What the conflict radar sees across the run's lanes, recorded when it changes: every risk at
   * once (an empty list: none any more).
   */
  record RadarRisks(List<Risk> risks) implements RunEvent {
    public RadarRisks {
      risks = List.copyOf(risks);
    }

    @Override
    public String kind() {
      return "radar.risks";
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

  /**
   * The merge queue could not land the lane: it conflicts with the base as it is now, or the merged
   * result failed verification (in a scratch worktree). Nothing was merged.
   *
   * @param onto the base's commit it was tried on
   * @param reason {@code conflict} or {@code verification}
   * @param files the conflicting files (conflict)
   * @param command the verification that failed, and the end of its output (verification)
   */
  record MergeBlocked(
      String into, String onto, String reason, List<String> files, String command, String output)
      implements RunEvent {
    public MergeBlocked {
      Checks.ref("into", into);
      Checks.commit("onto", onto);
      if (!"conflict".equals(reason) && !"verification".equals(reason)) {
        throw new IllegalArgumentException(
            "reason is not conflict or verification: " + Checks.quoted(reason));
      }
      files = List.copyOf(files);
      output = output == null ? "" : output;
    }

    @Override
    public String kind() {
      return "lane.merge.blocked";
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

    /** An amount of dollars (or a weight): finite and not negative. */
    static void money(String field, double d) {
      if (!(d >= 0) || Double.isInfinite(d)) {
        throw new IllegalArgumentException(field + " is not a finite amount >= 0: " + d);
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

    static String quoted(String s) {
      if (s == null) {
        return "(missing)";
      }
      String shown = s.length() > 80 ? s.substring(0, 80) + "…" : s;
      return "'" + shown.replaceAll("\\p{Cntrl}", "?") + "'";
    }
  }
}
