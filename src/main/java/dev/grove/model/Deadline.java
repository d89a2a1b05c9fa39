package dev.grove.model;

import java.time.Duration;

/**
 * When a model call must have ended, on the monotonic clock ({@link System#nanoTime}): wall-clock
 * changes do not move it. {@link #NONE} never passes.
 */
record Deadline(long nanos) {
  static final Deadline NONE = new Deadline(Long.MAX_VALUE);

  /** {@code d} from now; {@link #NONE} for null. */
  static Deadline after(Duration d) {
    if (d == null) {
      return NONE;
    }
    long now = System.nanoTime();
    long left =
        d.isNegative()
            ? 0
            : d.compareTo(Duration.ofDays(365)) > 0 ? Duration.ofDays(365).toNanos() : d.toNanos();
    return new Deadline(now + left);
  }

  Deadline earlier(Deadline other) {
    if (this == NONE || other == NONE) {
      return this == NONE ? other : this;
    }
    return other.nanos - nanos < 0 ? other : this; // overflow-safe comparison of nanoTime values
  }

  boolean isNone() {
    return this == NONE;
  }

  /** The time left, zero once passed; a year for {@link #NONE}. */
  Duration left() {
    if (isNone()) {
      return Duration.ofDays(365);
    }
    long left = nanos - System.nanoTime();
    return left <= 0 ? Duration.ZERO : Duration.ofNanos(left);
  }

  boolean passed() {
    return !isNone() && nanos - System.nanoTime() <= 0;
  }
}
