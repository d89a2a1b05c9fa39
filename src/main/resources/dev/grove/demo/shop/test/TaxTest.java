public final class TaxTest {
  static void testTwentyPercentTax() {
    TestRunner.check(120.0, Pricing.withTax(100.0, 0.2));
  }

  static void testNoTax() {
    TestRunner.check(19.99, Pricing.withTax(19.99, 0.0));
  }
}
