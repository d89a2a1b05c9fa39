package dev.grove.git;

import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A checkpoint {@link Checkpoints#snapshot} made (or found unchanged), and the paths it left out.
 *
 * @param commit the checkpoint commit's id
 * @param leftOut worktree paths whose current state is not in the commit (it holds their previous
 *     version, or lacks them), in the order found
 */
public record Checkpoint(String commit, List<LeftOut> leftOut) {
  /** Paths a notice names before it says how many more there are. */
  private static final int NAMED = 10;

  public Checkpoint {
    if (!Refs.isObjectId(commit)) {
      throw new IllegalArgumentException("not a commit id: " + commit);
    }
    leftOut = List.copyOf(leftOut);
  }

  /**
   * One line for whoever works in the worktree (the model), when something was left out: which
   * paths, why, and that going back to this checkpoint will not bring them back.
   */
  public Optional<String> notice() {
    if (leftOut.isEmpty()) {
      return Optional.empty();
    }
    String named =
        leftOut.stream()
            .limit(NAMED)
            .map(l -> l.path() + " (" + l.reason().description() + ")")
            .collect(Collectors.joining(", "));
    String more = leftOut.size() > NAMED ? " and " + (leftOut.size() - NAMED) + " more" : "";
    return Optional.of(
        "[grove] Not in this step's checkpoint, so a retry from here will not have their current "
            + "state: "
            + named
            + more
            + ".");
  }
}
