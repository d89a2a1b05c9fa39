package dev.grove.orchestrator;

import java.util.List;

/**
 * How many agents get each task (or a fork) at once, on which models, and how their work is scored:
 * {@code --attempts N --models a,b,c} and {@code [attempts]} in the config.
 *
 * @param count agents per task; 1 is a plain run, without scoring
 * @param models the models the attempts are spread over, in turn (empty: the run's model)
 */
public record AttemptsPlan(int count, List<String> models, Scoring scoring) {
  /** One agent per task, as without attempts. */
  public static final AttemptsPlan NONE = new AttemptsPlan(1, List.of(), Scoring.defaults());

  public AttemptsPlan {
    if (count < 1 || count > Scoring.MAX_ATTEMPTS) {
      throw new IllegalArgumentException(
          "--attempts must be between 1 and " + Scoring.MAX_ATTEMPTS + ", not " + count);
    }
    models = List.copyOf(models);
    if (models.stream().anyMatch(m -> m == null || m.isBlank())) {
      throw new IllegalArgumentException("--models has an empty model spec: " + models);
    }
    java.util.Objects.requireNonNull(scoring, "scoring");
  }

  /** Whether each task gets several agents. */
  public boolean several() {
    return count > 1;
  }

  /** The model of attempt {@code i} (from 0), or null for the run's. */
  String model(int i) {
    return models.isEmpty() ? null : models.get(i % models.size());
  }
}
