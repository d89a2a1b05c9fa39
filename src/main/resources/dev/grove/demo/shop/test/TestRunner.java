import java.lang.reflect.Method;
import java.lang.reflect.Modifier;

/** Runs the static no-argument test* methods of the named classes and reports each. */
public final class TestRunner {
  public static void main(String[] classes) throws Exception {
    int passed = 0;
    int failed = 0;
    for (String name : classes) {
      for (Method m : Class.forName(name).getDeclaredMethods()) {
        if (!m.getName().startsWith("test") || !Modifier.isStatic(m.getModifiers())) {
          continue;
        }
        try {
          m.invoke(null);
          passed++;
          System.out.println("PASS " + name + "." + m.getName());
        } catch (java.lang.reflect.InvocationTargetException e) {
          failed++;
          System.out.println("FAIL " + name + "." + m.getName() + ": " + e.getCause());
        }
      }
    }
    System.out.println(passed + " passed, " + failed + " failed");
    System.exit(failed == 0 ? 0 : 1);
  }

  /** Fails the current test unless {@code actual} equals {@code expected} (to the cent). */
  static void check(double expected, double actual) {
    if (Math.abs(expected - actual) > 1e-9) {
      throw new AssertionError("expected " + expected + " but was " + actual);
    }
  }
}
