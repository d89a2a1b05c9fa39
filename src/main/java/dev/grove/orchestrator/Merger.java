package dev.grove.orchestrator;

import dev.grove.git.Changes;
import dev.grove.git.GitResult;
import dev.grove.git.LeftOut;
import dev.grove.git.Refs;
import dev.grove.git.Shipping;
import dev.grove.session.SessionStore;
import dev.grove.text.AgentText;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code grove merge}: merges a shipped lane's branch into its base after checks that touch no
 * worktree. The branch must still be the commit grove shipped (a branch moved since is somebody
 * else's work, not what was proposed), it must carry nothing grove never ships (its own state, a
 * nested repository, an ignore rule that would let them in), and it must merge cleanly ({@code git
 * merge-tree --write-tree}). A clean merge becomes a merge commit on the base branch; conflicts are
 * reported file by file and nothing changes. Merging a lane already merged says so and changes
 * nothing.
 */
public final class Merger {
  private Merger() {}

  /** What a merge did, or would have met. */
  public record Result(
      String run,
      String lane,
      String branch,
      String into,
      boolean merged,
      boolean already,
      String commit,
      List<String> conflicts,
      List<String> messages,
      boolean pushed) {}

  /**
   * The run whose lane {@code lane} is shipped or merged, newest first; {@code run} when given.
   *
   * @throws OrchestratorException.NotFound if no run has such a lane
   * @throws OrchestratorException if several runs do (name one with --run)
   */
  public static String runOfLane(Path runsDir, String lane, String run) {
    if (run != null) {
      return Runs.file(runsDir, run).getFileName().toString().replaceFirst("\\.jsonl$", "");
    }
    List<String> found = new ArrayList<>();
    String newestWithLane = null;
    for (String r : Runs.list(runsDir)) {
      try (SessionStore s = SessionStore.open(runsDir.resolve(r + ".jsonl"))) {
        RunStatus st = RunStatus.of(r, s);
        for (LaneStatus l : st.lanes()) {
          if (l.lane().equals(lane)) {
            newestWithLane = newestWithLane == null ? r : newestWithLane;
            if (l.state() == LaneState.SHIPPED || l.state() == LaneState.MERGED) {
              found.add(r);
            }
          }
        }
      } catch (RuntimeException unreadable) {
        // a damaged run cannot be the one meant; grove status names it
      }
    }
    if (found.isEmpty() && newestWithLane != null) {
      return newestWithLane; // not shipped: merging it says why
    }
    if (found.isEmpty()) {
      throw new OrchestratorException.NotFound(
          "no run has a lane " + lane + " (grove status lists the runs and their " + "lanes)");
    }
    if (found.size() > 1) {
      throw new OrchestratorException(
          "lane "
              + lane
              + " is shipped in several runs ("
              + String.join(", ", found)
              + "); name one with --run");
    }
    return found.get(0);
  }

  /** The lane to merge, the base to merge it into and that base's commit. */
  private record Target(LaneStatus lane, String base, String baseCommit) {}

  private static Target target(Orchestrator run, String lane, String into) {
    RunStatus status = run.status();
    LaneStatus l =
        status.lanes().stream()
            .filter(x -> x.lane().equals(lane))
            .findFirst()
            .orElseThrow(
                () ->
                    new OrchestratorException.NotFound(
                        "no lane " + lane + " in run " + run.runId()));
    String base = into != null ? into : status.base();
    if (l.state() == LaneState.MERGED) {
      return new Target(l, base, null);
    }
    String baseCommit =
        run.workbench()
            .worktrees()
            .refs()
            .commit(base)
            .orElseThrow(
                () -> new OrchestratorException.NotFound("no branch " + base + " to merge into"));
    return new Target(l, base, baseCommit);
  }

  private static Result result(
      Orchestrator run, Target t, boolean merged, boolean already, String commit) {
    return new Result(
        run.runId(),
        t.lane().lane(),
        t.lane().branch(),
        t.base(),
        merged,
        already,
        commit,
        List.of(),
        List.of(),
        false);
  }

  private static Result conflicts(Orchestrator run, Target t, Prepared.Conflicting c) {
    return new Result(
        run.runId(),
        t.lane().lane(),
        t.lane().branch(),
        t.base(),
        false,
        false,
        null,
        c.files(),
        c.messages(),
        false);
  }

  /**
   * What merging would meet, moving no branch: every check {@link #merge} makes, and the files that
   * would conflict. A lane that would merge cleanly has no conflicts ({@code merged} is false:
   * nothing was merged).
   *
   * @throws OrchestratorException when the lane is not shipped, its branch moved or is gone, or it
   *     carries what grove never merges
   */
  public static Result check(Orchestrator run, String lane, String into) {
    return settle(run, lane, into, (t, ready) -> result(run, t, false, false, null));
  }

  public static Result merge(Orchestrator run, String lane, String into, boolean push) {
    return settle(
        run,
        lane,
        into,
        (t, ready) -> {
          boolean pushed = land(run, ready, push);
          return new Result(
              run.runId(),
              lane,
              t.lane().branch(),
              t.base(),
              true,
              false,
              ready.commit(),
              List.of(),
              List.of(),
              pushed);
        });
  }

  /** Merged already, conflicting, or ready: the last is {@code ready}'s to decide. */
  private static Result settle(
      Orchestrator run,
      String lane,
      String into,
      java.util.function.BiFunction<Target, Prepared.Ready, Result> ready) {
    Target t = target(run, lane, into);
    if (t.baseCommit() == null) {
      return result(run, t, true, true, null);
    }
    return switch (prepare(run, t.lane(), t.base(), t.baseCommit())) {
      case Prepared.Landed already -> result(run, t, true, true, already.commit());
      case Prepared.Conflicting c -> conflicts(run, t, c);
      case Prepared.Ready r -> ready.apply(t, r);
    };
  }

  /** What merging a shipped lane onto a base commit comes to, before anything lands. */
  sealed interface Prepared {
    /**
     * A clean merge: {@code commit} is the merge commit (on no branch yet) of {@code shipped} onto
     * {@code baseCommit}, whose tree is {@code tree}.
     */
    record Ready(
        LaneStatus lane, String base, String baseCommit, String shipped, String tree, String commit)
        implements Prepared {}

    /**
     * It conflicts; {@code tree} is the merge with conflict markers in {@code files} (null: not
     * known).
     */
    record Conflicting(
        LaneStatus lane,
        String baseCommit,
        String shipped,
        List<String> files,
        List<String> messages,
        String tree)
        implements Prepared {}

    /**
     * Its shipped commit is in the base's history already (a merge whose record a crash cut off):
     * recorded as merged now.
     */
    record Landed(LaneStatus lane, String commit) implements Prepared {}
  }

  /**
   * Checks a shipped lane against {@code baseCommit} (the tip of {@code base}) and, when it merges
   * cleanly, makes its merge commit — on no branch: {@link #land} moves the base to it. Nothing
   * changes otherwise.
   *
   * @throws OrchestratorException when the lane is not shipped, its branch moved since it shipped,
   *     or it carries what grove never merges
   */
  static Prepared prepare(Orchestrator run, LaneStatus l, String base, String baseCommit) {
    Workbench wb = run.workbench();
    Shipping shipping = wb.shipping();
    String lane = l.lane();
    if (l.state() != LaneState.SHIPPED) {
      throw new OrchestratorException(
          "lane "
              + lane
              + " of run "
              + run.runId()
              + " is "
              + l.state().label()
              + "; only shipped work (its pull request opened by grove) is merged");
    }
    String shipped = shippedCommit(run, lane);
    String tip =
        wb.worktrees()
            .refs()
            .commit("refs/heads/" + l.branch())
            .orElseThrow(
                () ->
                    new OrchestratorException(
                        "lane "
                            + lane
                            + "'s branch "
                            + l.branch()
                            + " is gone; grove shipped commit "
                            + shipped));
    if (!tip.equals(shipped)) {
      throw new OrchestratorException(
          l.branch()
              + " has moved since grove shipped it (shipped "
              + shipped.substring(0, 12)
              + ", now "
              + tip.substring(0, 12)
              + "): that is not the work that was proposed. Review it and merge by hand.");
    }
    Changes changes = new Changes(wb.worktrees());
    if (changes.contains(baseCommit, shipped)) {
      // merged by an earlier grove merge that was cut off before it recorded it
      new RunLog(run.session()).append(lane, new RunEvent.LaneMerged(base, baseCommit, false));
      return new Prepared.Landed(l, baseCommit);
    }
    GitResult mb =
        wb.git().probe(wb.repo(), List.of("merge-base", "--end-of-options", baseCommit, shipped));
    List<LeftOut> refused = shipping.unshippable(mb.ok() ? mb.out() : baseCommit, shipped);
    if (!refused.isEmpty()) {
      throw new OrchestratorException(
          l.branch()
              + " carries what grove never merges: "
              + String.join(
                  "; ",
                  refused.stream()
                      .map(o -> o.path() + " (" + o.reason().description() + ")")
                      .toList()));
    }
    Shipping.MergeCheck check = changes.merge(baseCommit, shipped);
    if (check instanceof Shipping.MergeCheck.Conflicts c) {
      return new Prepared.Conflicting(l, baseCommit, shipped, c.files(), c.messages(), c.tree());
    }
    String tree = ((Shipping.MergeCheck.Clean) check).tree();
    Shipping.Identity who = shipping.identity();
    String subject =
        wb.git()
            .run(wb.repo(), List.of("log", "-1", "--format=%s", "--end-of-options", shipped))
            .out();
    String commit =
        wb.git()
            .run(
                wb.repo(),
                List.of(
                    "commit-tree",
                    "--no-gpg-sign",
                    tree,
                    "-p",
                    baseCommit,
                    "-p",
                    shipped,
                    "-m",
                    "Merge " + l.branch() + ": " + AgentText.plain(subject)),
                Map.of(
                    "GIT_AUTHOR_NAME",
                    who.name(),
                    "GIT_AUTHOR_EMAIL",
                    who.email(),
                    "GIT_COMMITTER_NAME",
                    who.name(),
                    "GIT_COMMITTER_EMAIL",
                    who.email()))
            .out();
    return new Prepared.Ready(l, base, baseCommit, shipped, tree, commit);
  }

  /**
   * Moves the base to a prepared merge commit (only if it is still where it was read), pushes it
   * when asked and the remote exists, and records the merge. Returns whether it was pushed.
   */
  static boolean land(Orchestrator run, Prepared.Ready ready, boolean push) {
    Workbench wb = run.workbench();
    Shipping shipping = wb.shipping();
    String base = ready.base();
    String commit = ready.commit();
    GitResult head = wb.git().probe(wb.repo(), List.of("symbolic-ref", "-q", "--short", "HEAD"));
    if (head.ok() && head.out().equals(base)) {
      // the base is checked out here: move it forward with the working tree, or not at all (git
      // refuses to overwrite untracked or ignored files, and the user's uncommitted changes)
      GitResult ff =
          wb.git()
              .probe(
                  wb.repo(),
                  List.of(
                      "merge",
                      "--ff-only",
                      "--no-overwrite-ignore",
                      "-q",
                      "--end-of-options",
                      commit));
      if (!ff.ok()) {
        throw new OrchestratorException(
            "cannot move "
                + base
                + " forward in "
                + wb.repo()
                + ": "
                + ff.stderr().strip()
                + " (commit or stash your changes there, then merge again)");
      }
    } else {
      Refs.requireBranchName(base);
      wb.git()
          .run(
              wb.repo(),
              List.of(
                  "update-ref",
                  "-m",
                  "grove merge " + ready.lane().branch(),
                  "refs/heads/" + base,
                  commit,
                  ready.baseCommit()));
    }
    CrashPoint.reach("land");
    boolean pushed = false;
    String remote = run.options().remote();
    if (push && shipping.remoteUrl(remote).isPresent()) {
      try {
        shipping.push(remote, base, commit);
        pushed = true;
      } catch (RuntimeException e) {
        pushed = false; // merged here; the push can be done by hand (git push)
      }
    }
    new RunLog(run.session())
        .append(ready.lane().lane(), new RunEvent.LaneMerged(base, commit, pushed));
    return pushed;
  }

  /** The commit grove pushed for the lane: its last push, else its last commit. */
  static String shippedCommit(Orchestrator run, String lane) {
    String pushed = null;
    String committed = null;
    for (RunLog.Logged e : new RunLog(run.session()).read(lane)) {
      if (e.event() instanceof RunEvent.LanePushed p) {
        pushed = p.commit();
      } else if (e.event() instanceof RunEvent.LaneCommitted c) {
        committed = c.commit();
      }
    }
    String shipped = pushed != null ? pushed : committed;
    if (shipped == null) {
      throw new OrchestratorException(
          "lane " + lane + " of run " + run.runId() + " records no commit grove shipped");
    }
    return shipped;
  }
}
