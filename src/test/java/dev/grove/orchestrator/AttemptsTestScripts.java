package dev.grove.orchestrator;

/** Scripted agents for attempts at the demo's fix-discount task (see {@link AttemptsTest}). */
public final class AttemptsTestScripts {
  private AttemptsTestScripts() {}

  /** Breaks the discount: DiscountTest fails, so the attempt fails its verification. */
  public static final String WRONG =
      """
      {"version": 1, "turns": [
        {"calls": [{"tool": "edit_file", "args": {"path": "src/Pricing.java",
          "old": "return price * percent / 100;", "new": "return price;"}}]},
        {"calls": [{"tool": "finish", "args": {"summary": "Return the price"}}]}]}
      """;

  /** A right fix in five lines. */
  public static final String WORDY =
      """
      {"version": 1, "turns": [
        {"calls": [{"tool": "edit_file", "args": {"path": "src/Pricing.java",
          "old": "return price * percent / 100;",
          "new": "// what is taken off\\n    double off = price * percent / 100;\\n    // what is left to pay\\n    double left = price - off;\\n    return left;"}}]},
        {"calls": [{"tool": "finish", "args": {"summary": "Fix the discount, step by step"}}]}]}
      """;

  /** The same fix in one line. */
  public static final String TERSE =
      """
      {"version": 1, "turns": [
        {"calls": [{"tool": "edit_file", "args": {"path": "src/Pricing.java",
          "old": "return price * percent / 100;", "new": "return price - price * percent / 100;"}}]},
        {"calls": [{"tool": "finish", "args": {"summary": "Fix the discount"}}]}]}
      """;
}
