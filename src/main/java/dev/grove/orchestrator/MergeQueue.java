package dev.grove.orchestrator;

import dev.grove.forge.ForgeKind;
import dev.grove.git.Changes;
import dev.grove.git.Shipping;
import dev.grove.git.Worktrees;
import dev.grove.sandbox.CommandResult;
import dev.grove.text.AgentText;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code grove merge --all}: a run's shipped lanes landed one after another, each verified on the
 * merged result before the base moves, in an order that avoids conflicts where one exists.
 *
 * <p>The order: lanes that conflict with fewer of the others go first (each pair tried with {@code
 * git merge-tree}), ties in the order they shipped; at each turn the first lane that merges cleanly
 * onto the base as it is now is taken, so a lane that conflicts waits until no clean one is left.
 * Each merge is made as a commit on no branch, checked out in a scratch worktree and verified there
 * (the run's verification and the lane's own, in the sandbox); only if every check passes does the
 * base move to it. The queue stops at the first lane that conflicts or breaks the checks, recorded
 * on that lane ({@code lane.merge.blocked}) with the files or the failing output, and says so;
 * lanes merged so far stay merged. Running it again carries on where it stopped.
 *
 * <p>With {@code resolve}, a blocked lane is handed to an agent instead: a fork of the lane, below
 * its last entry, in a worktree that holds the base as it is now with the lane's work merged in
 * (conflict markers where it conflicts), told what went wrong. The fork is verified and shipped
 * like any lane, and its work takes the blocked lane's place in the queue.
 *
 * <p>For a hosted forge (GitHub, GitLab, Gitea) grove does not merge: the queue is a plan — the
 * order to merge the pull requests in, each tried onto the ones before it, and which conflict.
 */
public final class MergeQueue {
  private MergeQueue() {}

  /**
   * @param into the branch to land on (null: the run's base)
   * @param push push the base after each merge (when the run's remote exists)
   * @param resolve hand a blocked lane to an agent
   * @param model the resolving agent's model (null: the lane's)
   */
  public record Options(String into, boolean push, boolean resolve, String model) {}

  /** What happened to one lane in the queue. */
  public sealed interface Step {
    String lane();

    /** Merged into the base as {@code commit}, after {@code verified} passed on it. */
    record Merged(String lane, String commit, List<String> verified, boolean pushed)
        implements Step {}

    /** It conflicts with the base as it is now, in {@code files}. */
    record Conflicted(String lane, List<String> files, List<String> messages) implements Step {}

    /** It merges, but {@code command} fails on the result. */
    record Broke(String lane, String command, int exitCode, String output) implements Step {}

    /** Handed to an agent: {@code fork} ended {@code state}. */
    record Resolving(String lane, String fork, LaneState state) implements Step {}

    /** Hosted forges: merge it at this place in the order; {@code conflicts} when it will not. */
    record Planned(String lane, String pullRequest, List<String> conflicts) implements Step {}
  }

  /**
   * The queue's run.
   *
   * @param plan whether this is a plan to follow (hosted forge) rather than merges done
   * @param done whether every shipped lane is merged (or, for a plan, merges in that order)
   * @param left the shipped lanes not merged
   */
  public record Report(
      String run, String into, boolean plan, List<Step> steps, boolean done, List<String> left) {
    public Report {
      steps = List.copyOf(steps);
      left = List.copyOf(left);
    }
  }

  /** Lands the run's shipped lanes (or, for a hosted forge, plans their order). */
  public static Report run(Orchestrator run, Options options) {
    RunStatus status = run.status();
    String into = options.into() != null ? options.into() : status.base();
    Workbench wb = run.workbench();
    String tip =
        wb.worktrees()
            .refs()
            .commit(into)
            .orElseThrow(
                () -> new OrchestratorException.NotFound("no branch " + into + " to merge into"));
    List<LaneStatus> queue = order(run, shipped(status));
    boolean hosted =
        run.options().forge() != null && run.options().forge().kind() != ForgeKind.LOCAL;
    return hosted ? plan(run, into, tip, queue) : land(run, into, tip, queue, options);
  }

  /**
   * The shipped lanes not merged, in the order they shipped; a lane whose work a later fork of it
   * carries (a resolved lane) is left out: the fork stands for it.
   */
  static List<LaneStatus> shipped(RunStatus status) {
    List<LaneStatus> out = new ArrayList<>();
    for (LaneStatus l : status.lanes()) {
      boolean superseded =
          status.lanes().stream()
              .anyMatch(
                  f ->
                      l.lane().equals(f.forkOf())
                          && (f.state() == LaneState.SHIPPED || f.state() == LaneState.MERGED));
      if (l.state() == LaneState.SHIPPED && !superseded) {
        out.add(l);
      }
    }
    return out;
  }

  /** Fewest conflicts with the others first (each pair tried once), then as shipped. */
  private static List<LaneStatus> order(Orchestrator run, List<LaneStatus> lanes) {
    Changes changes = new Changes(run.workbench().worktrees());
    Map<String, String> commits = new LinkedHashMap<>();
    for (LaneStatus l : lanes) {
      commits.put(l.lane(), Merger.shippedCommit(run, l.lane()));
    }
    Map<String, Integer> conflicts = new LinkedHashMap<>();
    lanes.forEach(l -> conflicts.put(l.lane(), 0));
    for (int i = 0; i < lanes.size(); i++) {
      for (int j = i + 1; j < lanes.size(); j++) {
        String a = lanes.get(i).lane();
        String b = lanes.get(j).lane();
        if (changes.merge(commits.get(a), commits.get(b))
            instanceof Shipping.MergeCheck.Conflicts) {
          conflicts.merge(a, 1, Integer::sum);
          conflicts.merge(b, 1, Integer::sum);
        }
      }
    }
    List<LaneStatus> out = new ArrayList<>(lanes);
    out.sort(Comparator.comparingInt(l -> conflicts.get(l.lane())));
    return out;
  }

  private static Report land(
      Orchestrator run, String into, String tip, List<LaneStatus> queue, Options options) {
    List<Step> steps = new ArrayList<>();
    List<LaneStatus> left = new ArrayList<>(queue);
    String at = tip;
    while (!left.isEmpty()) {
      Merger.Prepared.Ready ready = null;
      Merger.Prepared.Conflicting first = null;
      for (LaneStatus l : List.copyOf(left)) {
        Merger.Prepared p = Merger.prepare(run, l, into, at);
        switch (p) {
          case Merger.Prepared.Landed landed -> {
            left.remove(l);
            steps.add(new Step.Merged(l.lane(), landed.commit(), List.of(), false));
          }
          case Merger.Prepared.Conflicting c -> first = first == null ? c : first;
          case Merger.Prepared.Ready r -> ready = ready == null ? r : ready;
        }
        if (ready != null) {
          break;
        }
      }
      if (ready == null && first == null) {
        break; // the last were merged already
      }
      if (ready == null) {
        LaneStatus blocked = first.lane();
        steps.add(new Step.Conflicted(blocked.lane(), first.files(), first.messages()));
        run.context()
            .log()
            .append(
                blocked.lane(),
                new RunEvent.MergeBlocked(
                    into,
                    at,
                    "conflict",
                    first.files(),
                    null,
                    String.join("\n", first.messages())));
        if (!options.resolve() || first.tree() == null) {
          break;
        }
        LaneStatus replaced =
            resolve(
                run,
                blocked,
                into,
                at,
                first.tree(),
                conflictHint(blocked, into, first),
                steps,
                options);
        if (replaced == null) {
          break;
        }
        left.set(left.indexOf(blocked), replaced);
        continue;
      }
      LaneStatus lane = ready.lane();
      Step.Broke broke = verify(run, ready);
      if (broke != null) {
        steps.add(broke);
        run.context()
            .log()
            .append(
                lane.lane(),
                new RunEvent.MergeBlocked(
                    into, at, "verification", List.of(), broke.command(), broke.output()));
        if (!options.resolve()) {
          break;
        }
        LaneStatus replaced =
            resolve(
                run, lane, into, at, ready.tree(), brokeHint(lane, into, broke), steps, options);
        if (replaced == null) {
          break;
        }
        left.set(left.indexOf(lane), replaced);
        continue;
      }
      boolean pushed = Merger.land(run, ready, options.push());
      steps.add(
          new Step.Merged(
              lane.lane(), ready.commit(), run.shipperVerifyCommands(lane.lane()), pushed));
      run.context()
          .listener()
          .lane(lane.lane(), LaneState.MERGED, "merged into " + into + ": " + ready.commit());
      left.remove(lane);
      at = ready.commit();
    }
    return new Report(
        run.runId(),
        into,
        false,
        steps,
        left.isEmpty(),
        left.stream().map(LaneStatus::lane).toList());
  }

  /**
   * Runs the lane's verification on the merge commit, in a scratch worktree (in the sandbox); null
   * when every command passed.
   */
  private static Step.Broke verify(Orchestrator run, Merger.Prepared.Ready ready) {
    List<String> commands = run.shipperVerifyCommands(ready.lane().lane());
    if (commands.isEmpty()) {
      return null;
    }
    Worktrees worktrees = run.workbench().worktrees();
    try (Worktrees.Scratch scratch = worktrees.scratch(ready.commit())) {
      for (String command : commands) {
        run.context()
            .listener()
            .lane(ready.lane().lane(), LaneState.SHIPPED, "verifying the merge: " + command);
        CommandResult r = run.context().sandboxed(scratch.path(), command);
        if (!r.succeeded()) {
          String output = r.stdout().text() + r.stderr().text();
          if (output.length() > 2000) {
            output = "…" + output.substring(output.length() - 2000);
          }
          return new Step.Broke(ready.lane().lane(), command, r.exitCode(), output);
        }
      }
    }
    return null;
  }

  /**
   * A fork of the blocked lane onto the base as it is now, with {@code tree} (the lane's work
   * merged in) as its files, run to its end; the lane that takes the blocked one's place, or null.
   */
  private static LaneStatus resolve(
      Orchestrator run,
      LaneStatus blocked,
      String into,
      String at,
      String tree,
      String hint,
      List<Step> steps,
      Options options) {
    Changes changes = new Changes(run.workbench().worktrees());
    String files =
        changes.commitTree(
            tree,
            at,
            "grove: "
                + blocked.branch()
                + " merged onto "
                + into
                + ", for an agent to resolve\n\nGrove-Base: "
                + into
                + "\nGrove-Base-Commit: "
                + at);
    String fork = run.forkOnto(blocked.lane(), new Forks.Files(files, at), hint, options.model());
    run.context()
        .listener()
        .lane(fork, LaneState.QUEUED, "resolving " + blocked.lane() + " onto " + into);
    LaneState end = run.await(fork);
    steps.add(new Step.Resolving(blocked.lane(), fork, end));
    if (end != LaneState.SHIPPED) {
      return null;
    }
    return run.status().lanes().stream()
        .filter(l -> l.lane().equals(fork))
        .findFirst()
        .orElse(null);
  }

  static String conflictHint(LaneStatus lane, String into, Merger.Prepared.Conflicting c) {
    return "Your work on "
        + lane.branch()
        + " no longer merges into "
        + into
        + ": "
        + into
        + " has changed since, and conflicts with it in "
        + String.join(", ", c.files())
        + ". This worktree now holds "
        + into
        + " as it is, with your change merged in; the conflicting parts are marked with"
        + " <<<<<<<, ======= and >>>>>>> lines. Resolve them so that both "
        + into
        + "'s changes and yours work, run the checks, then call finish.";
  }

  static String brokeHint(LaneStatus lane, String into, Step.Broke b) {
    String last = b.output().strip().lines().reduce((x, y) -> y).orElse("");
    return "Your work on "
        + lane.branch()
        + " merges into "
        + into
        + " as it is now, but the result fails `"
        + b.command()
        + "` (exit "
        + b.exitCode()
        + (last.isEmpty() ? "" : ": " + AgentText.line(last, 300))
        + "). This worktree now holds "
        + into
        + " with your change merged in. Make the check pass without undoing what "
        + into
        + " changed, then call finish.";
  }

  /** Hosted forges: the order to merge in, each pull request tried onto the ones before it. */
  private static Report plan(Orchestrator run, String into, String tip, List<LaneStatus> queue) {
    Changes changes = new Changes(run.workbench().worktrees());
    List<Step> steps = new ArrayList<>();
    List<LaneStatus> conflicting = new ArrayList<>();
    String at = tip;
    for (LaneStatus l : queue) {
      String shipped = Merger.shippedCommit(run, l.lane());
      if (changes.contains(at, shipped)) {
        continue;
      }
      Shipping.MergeCheck m = changes.merge(at, shipped);
      if (m instanceof Shipping.MergeCheck.Clean clean) {
        at = changes.commitTree(clean.tree(), at, "grove: trial merge of " + l.branch());
        steps.add(new Step.Planned(l.lane(), l.pullRequest(), List.of()));
      } else {
        conflicting.add(l);
      }
    }
    for (LaneStatus l : conflicting) {
      List<String> files =
          changes.merge(at, Merger.shippedCommit(run, l.lane()))
                  instanceof Shipping.MergeCheck.Conflicts c
              ? c.files()
              : List.of();
      steps.add(new Step.Planned(l.lane(), l.pullRequest(), files));
    }
    return new Report(
        run.runId(),
        into,
        true,
        steps,
        conflicting.isEmpty(),
        conflicting.stream().map(LaneStatus::lane).toList());
  }
}
