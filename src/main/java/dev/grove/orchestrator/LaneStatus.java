package dev.grove.orchestrator;

import dev.grove.session.Usage;
import java.util.List;

/**
 * One lane of a run, as {@code grove status} shows it.
 *
 * @param forkOf the lane this one was forked from, or null
 * @param detail the finish summary, or why it failed or stopped
 * @param pullRequest the pull request's URL once shipped, or null
 * @param shippingFailed a finished lane whose shipping failed (resume ships it again)
 * @param attemptOf the group of attempts this lane is one of, or null
 * @param chosen for an attempt: true when it won, false when another did, null until one is chosen
 * @param risks what the conflict radar last saw of this lane's changes meeting others'
 * @param taskCost what the lane's task cost in all: every lane of it (attempts, retries, forks) and
 *     its judge
 */
public record LaneStatus(
    String lane,
    String task,
    LaneState state,
    String branch,
    String worktree,
    int steps,
    Usage usage,
    String detail,
    String pullRequest,
    String forkOf,
    String head,
    boolean shippingFailed,
    String attemptOf,
    Boolean chosen,
    List<RunEvent.Risk> risks,
    double taskCost) {
  public LaneStatus {
    risks = risks == null ? List.of() : List.copyOf(risks);
  }

  /** A lane that is no attempt, with no risk seen. */
  public LaneStatus(
      String lane,
      String task,
      LaneState state,
      String branch,
      String worktree,
      int steps,
      Usage usage,
      String detail,
      String pullRequest,
      String forkOf,
      String head,
      boolean shippingFailed) {
    this(
        lane,
        task,
        state,
        branch,
        worktree,
        steps,
        usage,
        detail,
        pullRequest,
        forkOf,
        head,
        shippingFailed,
        null,
        null,
        List.of(),
        usage.cost());
  }

  /** An attempt that another attempt of its group beat: its branch is kept, it does not ship. */
  public boolean setAside() {
    return Boolean.FALSE.equals(chosen);
  }
}
