package dev.grove.orchestrator;

/**
 * Named points in a lane's way out where a test can make grove die as {@code kill -9} would: with
 * {@code GROVE_CRASH_AT=<point>} in its environment, the process halts the moment it reaches that
 * point (exit 137, no shutdown hooks, nothing flushed that was not already on disk). Unset —
 * always, outside the crash tests — it does nothing. The crash tests kill grove at each point and
 * check that {@code grove resume} finishes every lane exactly once.
 */
final class CrashPoint {
  /**
   * The points, in the order a lane passes them; each is just after the step's effect, before its
   * event (the first: the lane's system prompt written, its task not yet).
   */
  static final java.util.List<String> ALL =
      java.util.List.of(
          "prompted", "finished", "commit", "verify", "push", "pull-request", "clean-up");

  /**
   * The points of settling a group of attempts: the judge answered, the choice made, an attempt not
   * chosen set aside (its worktree removed).
   */
  static final java.util.List<String> ATTEMPTS = java.util.List.of("judge", "chosen", "set-aside");

  /** A run's own: the first of its tasks given to an agent, the others not yet. */
  static final java.util.List<String> RUN = java.util.List.of("given");

  /** A fork's (a retry's): its spawn event written, its first entry (the hint) not yet. */
  static final java.util.List<String> FORK = java.util.List.of("forked");

  /**
   * The orchestrator agent's (--plan): its instructions written, its goal not yet (the goal is then
   * in no entry: resume says so instead of running an agent without one).
   */
  static final java.util.List<String> PLAN = java.util.List.of("planned");

  /** The merge queue's: the base moved to a merge, before the merge is recorded. */
  static final java.util.List<String> MERGE = java.util.List.of("land");

  private static final String AT = System.getenv("GROVE_CRASH_AT");

  private CrashPoint() {}

  static void reach(String point) {
    if (point.equals(AT)) {
      Runtime.getRuntime().halt(137);
    }
  }
}
