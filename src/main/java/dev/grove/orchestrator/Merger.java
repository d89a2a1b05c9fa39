package dev.grove.orchestrator;

import dev.grove.git.GitResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code grove merge}: merges a lane's branch into its base after a conflict check that touches no
 * worktree ({@code git merge-tree --write-tree}). A clean merge becomes a merge commit on the base
 * branch; conflicts are reported file by file and nothing changes.
 */
public final class Merger {
  private Merger() {}

  /** What a merge did, or would have met. */
  public record Result(String lane, String branch, String into, boolean merged, String commit, List<String> conflicts,
      List<String> messages, boolean pushed) {}

  public static Result merge(Orchestrator run, String lane, String into, boolean push) {
    Workbench wb = run.workbench();
    LaneStatus l = run.status().lanes().stream().filter(x -> x.lane().equals(lane)).findFirst()
        .orElseThrow(() -> new OrchestratorException("no lane " + lane + " in run " + run.runId()));
    if (l.state() != LaneState.SHIPPED) {
      throw new OrchestratorException("lane " + lane + " is " + l.state().label() + "; only shipped work (grove run opened "
          + "its pull request) is merged");
    }
    String branch = l.branch();
    String base = into != null ? into : run.status().base();
    GitResult check = wb.git().probe(wb.repo(), List.of("merge-tree", "--write-tree", "--name-only", "--messages",
        base, branch));
    // stdout: the tree, then the conflicted files, an empty line, and git's messages
    List<String> parts = check.stdout().lines().toList();
    if (check.exitCode() == 1) {
      List<String> conflicts = new ArrayList<>();
      int i = 1;
      for (; i < parts.size() && !parts.get(i).isEmpty(); i++) {
        conflicts.add(parts.get(i));
      }
      List<String> messages = i + 1 < parts.size() ? parts.subList(i + 1, parts.size()) : List.of();
      return new Result(lane, branch, base, false, null, conflicts.stream().distinct().toList(), messages, false);
    }
    if (!check.ok() || parts.isEmpty()) {
      throw new OrchestratorException("git merge-tree cannot merge " + branch + " into " + base + ": " + check.stderr().strip());
    }
    String tree = parts.get(0).strip();
    Map<String, String> who = wb.commitIdentity(wb.repo());
    String subject = wb.git().run(wb.repo(), List.of("log", "-1", "--format=%s", branch)).out();
    String commit = wb.git().run(wb.repo(), List.of("commit-tree", tree, "-p", base, "-p", branch, "-m",
        "Merge " + branch + ": " + subject), who).out();
    GitResult head = wb.git().probe(wb.repo(), List.of("symbolic-ref", "-q", "--short", "HEAD"));
    if (head.ok() && head.out().equals(base)) {
      // the base is checked out here: move it forward with the working tree, or not at all
      GitResult ff = wb.git().probe(wb.repo(), List.of("merge", "--ff-only", "-q", commit));
      if (!ff.ok()) {
        throw new OrchestratorException("cannot move " + base + " forward in " + wb.repo() + ": " + ff.stderr().strip()
            + " (commit or stash your changes there, then merge again)");
      }
    } else {
      String old = wb.git().run(wb.repo(), List.of("rev-parse", base)).out();
      wb.git().run(wb.repo(), List.of("update-ref", "-m", "grove merge " + branch, "refs/heads/" + base, commit, old));
    }
    boolean pushed = false;
    if (push && wb.git().probe(wb.repo(), List.of("remote", "get-url", "origin")).ok()) {
      pushed = wb.git().probe(wb.repo(), List.of("push", "-q", "origin", base)).ok();
    }
    new RunLog(run.session()).append(lane, new RunEvent.LaneMerged(base, commit, pushed));
    return new Result(lane, branch, base, true, commit, List.of(), List.of(), pushed);
  }
}
