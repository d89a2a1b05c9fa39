package dev.grove.session;

import java.util.Objects;

/**
 * Where a new entry attaches; resolved under the file lock, so concurrent appenders chain
 * correctly.
 */
public sealed interface Parent {

  /** Attach to this entry. */
  record Of(String id) implements Parent {
    public Of {
      Objects.requireNonNull(id, "parent id");
    }
  }

  /**
   * Attach to the current head of the draft's lane; a lane with no entries yet starts a new root.
   */
  record LaneHead() implements Parent {}

  /** Start a new root. */
  record Root() implements Parent {}

  static Parent of(String id) {
    return new Of(id);
  }

  static Parent laneHead() {
    return new LaneHead();
  }

  static Parent root() {
    return new Root();
  }
}
