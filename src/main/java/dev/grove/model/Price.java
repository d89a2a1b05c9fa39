package dev.grove.model;

/** What a model charges, in US dollars per million tokens. */
public record Price(double inputPerMillion, double outputPerMillion) {
  public static final Price FREE = new Price(0, 0);

  public Price {
    if (!(inputPerMillion >= 0)
        || !(outputPerMillion >= 0)
        || Double.isInfinite(inputPerMillion)
        || Double.isInfinite(outputPerMillion)) {
      throw new IllegalArgumentException(
          "prices must be finite amounts >= 0: input "
              + inputPerMillion
              + ", output "
              + outputPerMillion);
    }
  }

  /** The cost in US dollars of a call that used these tokens. */
  public double cost(long inputTokens, long outputTokens) {
    return (inputTokens * inputPerMillion + outputTokens * outputPerMillion) / 1_000_000d;
  }
}
