package dev.grove.session;

import java.util.Objects;

/**
 * An entry to append. Its id and time are assigned when it is written.
 *
 * @param lane the lane to write in; null means the parent's lane (and is an error for a root)
 */
public record Draft(Parent parent, String lane, Body body, boolean contextRoot) {
  public Draft {
    Objects.requireNonNull(parent, "parent");
    Objects.requireNonNull(body, "body");
    if (lane != null) {
      Lanes.check(lane);
    }
    if (body instanceof Body.Unknown u) {
      throw new IllegalArgumentException(
          "cannot append an entry of unknown type '" + u.type() + "'; use an event entry");
    }
  }

  public Draft(Parent parent, String lane, Body body) {
    this(parent, lane, body, false);
  }

  /** Appends to the head of {@code lane}. */
  public static Draft onLane(String lane, Body body) {
    return new Draft(Parent.laneHead(), lane, body, false);
  }

  /** Appends below {@code parentId}, in the parent's lane. */
  public static Draft below(String parentId, Body body) {
    return new Draft(Parent.of(parentId), null, body, false);
  }

  /** Sets the label of {@code targetId} ("" clears it). */
  public static Draft label(String targetId, String label) {
    return new Draft(Parent.of(targetId), null, new Body.Label(targetId, label), false);
  }

  /** Moves the head of {@code lane} to {@code targetId}. */
  public static Draft moveHead(String lane, String targetId) {
    return new Draft(Parent.of(targetId), lane, new Body.Head(targetId), false);
  }
}
