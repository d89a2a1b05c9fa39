package dev.grove.testing;

/**
 * The seed of a randomized test: {@code -Dgrove.seed=N} if given, else its own; printed to rerun.
 */
public final class Seeds {
  private Seeds() {}

  /**
   * The seed for {@code what} (named in the printed line), {@code fallback} unless one is given.
   */
  public static long of(String what, long fallback) {
    long seed = Long.getLong("grove.seed", fallback);
    System.out.println(what + " seed " + seed + " (rerun with -Dgrove.seed=" + seed + ")");
    return seed;
  }
}
