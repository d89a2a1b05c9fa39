package dev.grove.orchestrator;

import dev.grove.forge.PullRequest;
import dev.grove.session.SessionStore;
import java.util.List;

/**
 * What the orchestrator agent's tools may ask of a run: start, watch, wait for, fork and ship its
 * lanes. A small surface, so that the tools depend on what they use and nothing else of the run.
 */
interface Conductor {
  String spawn(Task task);

  List<LaneStatus> lanes();

  boolean hasLane(String lane);

  LaneState await(String lane);

  List<String> awaitAny();

  String fork(String entryRef, String hint, String modelSpec);

  PullRequest ship(String lane);

  SessionStore session();
}
