/** Prices in a shop: discounts, tax, and rounding to cents. */
public final class Pricing {
  private Pricing() {}

  /** The price after taking {@code percent} percent off. */
  public static double discount(double price, double percent) {
    if (percent < 0 || percent > 100) {
      throw new IllegalArgumentException("percent must be between 0 and 100: " + percent);
    }
    return price * percent / 100;
  }

  /** The price with tax added at {@code rate} (0.2 for 20 %). */
  public static double withTax(double price, double rate) {
    throw new UnsupportedOperationException("not implemented yet");
  }

  /** An amount rounded to whole cents, halves rounded up. */
  public static double round(double amount) {
    return Math.floor(amount * 100) / 100;
  }
}
