package dev.grove.orchestrator;

/**
 * The event kinds a run writes to its session file. The main lane holds the run's own events; each
 * agent's lane holds its lifecycle. Together they are the run's whole state: {@code grove status}
 * needs nothing else.
 */
final class Events {
  private Events() {}

  // main lane
  static final String RUN_STARTED = "run.started";
  static final String LANE_SPAWNED = "lane.spawned";
  static final String RUN_FINISHED = "run.finished";
  static final String RUN_INTERRUPTED = "run.interrupted";
  // agent lanes (started/finished/failed/stopped are written by the agent loop)
  static final String LANE_STARTED = "lane.started";
  static final String LANE_FINISHED = "lane.finished";
  static final String LANE_FAILED = "lane.failed";
  static final String LANE_STOPPED = "lane.stopped";
  static final String LANE_VERIFIED = "lane.verified";
  static final String LANE_COMMITTED = "lane.committed";
  static final String LANE_PUSHED = "lane.pushed";
  static final String LANE_PR = "lane.pr";
  static final String LANE_SHIP_FAILED = "lane.ship.failed";
  static final String LANE_CLEANED = "lane.cleaned";
  static final String LANE_MERGED = "lane.merged";
}
