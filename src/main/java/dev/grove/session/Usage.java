package dev.grove.session;

/** Tokens a model call used and what it cost in US dollars (0 where unknown). */
public record Usage(long inputTokens, long outputTokens, double cost) {
  public static final Usage ZERO = new Usage(0, 0, 0);

  public Usage {
    if (inputTokens < 0 || outputTokens < 0) {
      throw new IllegalArgumentException(
          "token counts must not be negative: input " + inputTokens + ", output " + outputTokens);
    }
    if (!(cost >= 0) || Double.isInfinite(cost)) {
      throw new IllegalArgumentException("cost must be a finite amount >= 0: " + cost);
    }
  }

  public Usage plus(Usage other) {
    return new Usage(
        inputTokens + other.inputTokens, outputTokens + other.outputTokens, cost + other.cost);
  }
}
