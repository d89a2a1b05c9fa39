public final class RoundingTest {
  static void testRoundsDown() {
    TestRunner.check(1.23, Pricing.round(1.234));
  }

  static void testRoundsHalfUp() {
    TestRunner.check(1.24, Pricing.round(1.235));
  }

  static void testWholeCentsStay() {
    TestRunner.check(2.50, Pricing.round(2.5));
  }
}
