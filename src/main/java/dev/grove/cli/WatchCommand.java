package dev.grove.cli;

import dev.grove.orchestrator.LaneActivity;
import dev.grove.orchestrator.LaneStatus;
import dev.grove.orchestrator.RunState;
import dev.grove.orchestrator.RunStatus;
import dev.grove.orchestrator.Runs;
import dev.grove.session.SessionStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "watch",
    description = {
      "Watch a run from any terminal, also one started elsewhere: one live line per lane (state, step, "
          + "last tool, tokens, cost, elapsed, pull request), redrawn as its session file grows. Where "
          + "output is not a terminal, one line per change. Ends when no process works on the run any "
          + "more, with its status."
    })
final class WatchCommand implements Callable<Integer> {
  private final Context ctx;

  @Parameters(
      paramLabel = "RUN",
      arity = "0..1",
      description = "A run id or a unique prefix of one (default: the newest run).")
  String run;

  @Option(
      names = "--interval",
      paramLabel = "MS",
      description = "How often to look at the run's file, in milliseconds (default 500).")
  int interval = 500;

  @Mixin RepoOption repo;

  WatchCommand(Context ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() throws InterruptedException {
    if (interval < 50) {
      throw Exits.usage("--interval must be at least 50 (milliseconds)");
    }
    Path file = Runs.file(StatusCommand.sessionsDir(ctx, repo.dir(ctx)), run);
    String runId = file.getFileName().toString().replaceFirst("\\.jsonl$", "");
    Screen screen = new Screen(ctx);
    try (SessionStore s = SessionStore.open(file)) {
      long size = -1;
      while (true) {
        long now = size(file);
        RunStatus st = null;
        if (now != size) {
          size = now;
          s.refresh();
          st = RunStatus.of(runId, s);
          screen.show(st, LaneActivity.of(s, st, ctx.clock().instant()));
        } else if (screen.live()) {
          st = RunStatus.of(runId, s); // the elapsed times move on; the lock may have gone
          screen.show(st, LaneActivity.of(s, st, ctx.clock().instant()));
        }
        if (st != null && st.state() != RunState.LIVE) {
          screen.done();
          StatusCommand.print(ctx, st, false);
          return Exits.OK;
        }
        Thread.sleep(interval);
      }
    }
  }

  private static long size(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      return -1;
    }
  }

  /** The lines shown: redrawn in place on a terminal, else one line per lane that changed. */
  private static final class Screen {
    private final Context ctx;
    private final PrintWriter out;
    private final Map<String, String> shown = new LinkedHashMap<>();
    private int drawn;

    Screen(Context ctx) {
      this.ctx = ctx;
      this.out = ctx.out();
    }

    boolean live() {
      return ctx.interactive();
    }

    void show(RunStatus st, Map<String, LaneActivity> activity) {
      int w = Math.max(4, st.lanes().stream().mapToInt(l -> l.lane().length()).max().orElse(4));
      List<String> lines = new ArrayList<>();
      lines.add(
          String.format(
              Locale.ROOT,
              "%-" + w + "s  %-8s %5s  %-12s %8s %9s %7s  %s",
              "LANE",
              "STATE",
              "STEP",
              "LAST TOOL",
              "TOKENS",
              "COST",
              "ELAPSED",
              "RESULT"));
      Map<String, String> now = new LinkedHashMap<>();
      for (LaneStatus l : st.lanes()) {
        LaneActivity a = activity.get(l.lane());
        String result =
            l.pullRequest() != null
                ? l.pullRequest()
                : l.detail() != null ? l.detail().strip().lines().findFirst().orElse("") : "";
        String line =
            String.format(
                Locale.ROOT,
                "%-" + w + "s  %-8s %5d  %-12s %8s %9s %7s  %s",
                l.lane(),
                l.state().label(),
                l.steps(),
                a == null || a.lastTool() == null ? "-" : cut(a.lastTool(), 12),
                Progress.tokens(l.usage().inputTokens() + l.usage().outputTokens()),
                StatusCommand.money(l.usage().cost()),
                a == null ? "-" : elapsed(a.seconds()),
                cut(result, 60));
        now.put(l.lane(), line);
      }
      if (ctx.interactive()) {
        if (drawn > 0) {
          control("\033[" + drawn + "F");
        }
        List<String> all = new ArrayList<>(lines);
        all.addAll(now.values());
        for (String line : all) {
          control("\033[2K");
          out.println(line);
        }
        drawn = all.size();
      } else {
        for (Map.Entry<String, String> e : now.entrySet()) {
          String before = shown.get(e.getKey());
          if (before == null || !sameButTime(before, e.getValue())) {
            out.println(e.getValue());
          }
        }
      }
      shown.clear();
      shown.putAll(now);
      out.flush();
    }

    /** Leaves what was drawn as it is. */
    void done() {
      drawn = 0;
      out.flush();
    }

    private void control(String sequence) {
      if (out instanceof TerminalWriter t) {
        t.control(sequence);
      } else {
        out.print(sequence);
      }
    }

    /** Two lines that differ only in the elapsed time: not a change worth a line of its own. */
    private static boolean sameButTime(String a, String b) {
      return a.replaceAll("\\s\\d+m?\\d*s\\s", " ").equals(b.replaceAll("\\s\\d+m?\\d*s\\s", " "));
    }
  }

  static String elapsed(double seconds) {
    long s = (long) seconds;
    return s < 60 ? s + "s" : s / 60 + "m" + String.format(Locale.ROOT, "%02d", s % 60) + "s";
  }

  private static String cut(String s, int n) {
    return s.length() > n ? s.substring(0, n - 1) + "…" : s;
  }
}
