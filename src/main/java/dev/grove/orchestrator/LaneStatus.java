package dev.grove.orchestrator;

import dev.grove.session.Usage;

/**
 * One lane of a run, as {@code grove status} shows it.
 *
 * @param forkOf the lane this one was forked from, or null
 * @param detail the finish summary, or why it failed or stopped
 * @param pullRequest the pull request's URL once shipped, or null
 * @param shippingFailed a finished lane whose shipping failed (resume ships it again)
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
    boolean shippingFailed) {}
