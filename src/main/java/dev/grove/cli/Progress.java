package dev.grove.cli;

import dev.grove.agent.Agent;
import dev.grove.orchestrator.LaneState;
import dev.grove.orchestrator.Orchestrator;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What a run shows while it works. On a terminal: one live line per agent (state, step, last tool,
 * tokens, cost, elapsed), redrawn in place. Elsewhere (CI, pipes): one plain line per event. With
 * {@code --json}, all of it goes to standard error, so standard output holds the JSON alone.
 */
final class Progress implements Orchestrator.Listener {
  private final Context ctx;
  private final PrintWriter out;
  private final boolean live;
  private final long start;
  private final Map<String, String> lines = new LinkedHashMap<>();
  private int drawn;

  Progress(Context ctx) {
    this(ctx, false);
  }

  /**
   * @param json whether standard output is for JSON: progress then goes to standard error, plainly
   */
  Progress(Context ctx, boolean json) {
    this.ctx = ctx;
    this.out = json ? ctx.err() : ctx.out();
    this.live = ctx.interactive() && !json;
    this.start = ctx.clock().millis();
    int c;
    try {
      c = Integer.parseInt(ctx.env().getOrDefault("COLUMNS", "100").strip());
    } catch (NumberFormatException e) {
      c = 100;
    }
    this.columns = Math.max(40, c);
  }

  /** The terminal's width ({@code COLUMNS}, else 100). */
  private final int columns;

  @Override
  public synchronized void step(Agent.Step s) {
    String outcome = s.tool() == null ? "(no tool call)" : s.tool() + (s.ok() ? " ok" : " failed");
    String figures =
        String.format(
            Locale.ROOT,
            "step %d · %s · %s tok · $%.4f · %s",
            s.number(),
            outcome,
            tokens(s.stats().usage().inputTokens() + s.stats().usage().outputTokens()),
            s.stats().usage().cost(),
            elapsed());
    if (live) {
      lines.put(
          s.lane(),
          "running   " + figures + (s.detail().isEmpty() ? "" : " · " + cut(s.detail(), 50)));
      redraw();
    } else {
      say(s.lane(), figures + (s.detail().isEmpty() ? "" : "  " + cut(s.detail(), 80)));
    }
  }

  @Override
  public synchronized void lane(String lane, LaneState state, String what) {
    if (live) {
      lines.put(
          lane,
          String.format(Locale.ROOT, "%-9s %s · %s", state.label(), cut(what, 70), elapsed()));
      redraw();
    } else {
      say(lane, state.label() + ": " + firstLine(what));
    }
  }

  /** Leaves the live block as it is and moves below it, for what comes after. */
  synchronized void done() {
    drawn = 0;
  }

  private void say(String lane, String text) {
    say("[" + lane + "] " + text);
  }

  /** A line about the run as a whole (which run, what it does), where progress goes. */
  synchronized void say(String line) {
    out.println(line);
    out.flush();
  }

  private void redraw() {
    if (drawn > 0) {
      control(out, "\033[" + drawn + "F"); // to the start of the block
    }
    int width = lines.keySet().stream().mapToInt(String::length).max().orElse(4);
    for (Map.Entry<String, String> e : lines.entrySet()) {
      control(out, "\033[2K");
      // a line wider than the terminal would wrap and throw off the count of lines to redraw
      out.println(
          cut(
              String.format(Locale.ROOT, "%-" + width + "s  %s", e.getKey(), e.getValue()),
              columns - 1));
    }
    drawn = lines.size();
    out.flush();
  }

  /**
   * grove's own cursor moves: the only escape sequences that reach a terminal (see {@link
   * TerminalWriter}).
   */
  private static void control(PrintWriter out, String sequence) {
    if (out instanceof TerminalWriter t) {
      t.control(sequence);
    } else {
      out.print(sequence);
    }
  }

  private String elapsed() {
    long s = (ctx.clock().millis() - start) / 1000;
    return s < 60 ? s + "s" : s / 60 + "m" + String.format(Locale.ROOT, "%02d", s % 60) + "s";
  }

  private static String firstLine(String s) {
    return s == null ? "" : s.strip().lines().findFirst().orElse("");
  }

  static String tokens(long n) {
    return n < 1000
        ? String.valueOf(n)
        : n < 1_000_000
            ? String.format(Locale.ROOT, "%.1fk", n / 1000.0)
            : String.format(Locale.ROOT, "%.1fM", n / 1_000_000.0);
  }

  private static String cut(String s, int max) {
    String one = s == null ? "" : s.strip().replaceAll("\\s+", " ");
    return one.length() > max ? one.substring(0, max - 1) + "…" : one;
  }
}
