package dev.grove.orchestrator;

import dev.grove.session.Usage;
import java.util.List;

/**
 * A group of attempts at one task, as its events say.
 *
 * @param count the attempts asked for
 * @param forkOf for attempts from an entry: the lane forked (null for a task's attempts)
 * @param lanes its lanes so far: the attempts and their automatic retries
 * @param decided whether its attempts were scored and the choice recorded
 * @param winner the lane chosen (null: none yet, or none could be)
 * @param reason why that one (or why none)
 * @param judge what the judge model cost (zero without a judge)
 * @param candidates every attempt as it was scored (empty until the choice)
 * @param judged the judge's ranking and reasons, or null when no judge answered
 */
public record AttemptGroup(
    String group,
    String task,
    int count,
    String forkOf,
    List<String> lanes,
    boolean decided,
    String winner,
    String reason,
    Usage judge,
    List<RunEvent.Candidate> candidates,
    RunEvent.AttemptsJudged judged) {
  public AttemptGroup {
    lanes = List.copyOf(lanes);
    candidates = candidates == null ? List.of() : List.copyOf(candidates);
  }
}
