public final class DiscountTest {
  static void testTenPercentOff() {
    TestRunner.check(90.0, Pricing.discount(100.0, 10));
  }

  static void testNothingOff() {
    TestRunner.check(40.0, Pricing.discount(40.0, 0));
  }

  static void testEverythingOff() {
    TestRunner.check(0.0, Pricing.discount(25.0, 100));
  }
}
