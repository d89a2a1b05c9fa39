package dev.grove.orchestrator;

import java.util.Locale;

/** Where a lane is in its life, as its events in the session file say. */
public enum LaneState {
  /** Spawned; its agent has not started yet. */
  QUEUED,
  RUNNING,
  /** The agent called finish (and verification, if any, passed); not shipped yet. */
  FINISHED,
  FAILED,
  /** Stopped by Ctrl-C or a crash; resumable. */
  STOPPED,
  /** Committed, pushed and a pull request opened. */
  SHIPPED,
  /** Its pull request was merged with {@code grove merge}. */
  MERGED;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** True for states a lane does not leave by itself. */
  public boolean ended() {
    return this != QUEUED && this != RUNNING;
  }
}
