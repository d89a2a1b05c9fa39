package dev.grove.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.grove.orchestrator.LaneState;
import dev.grove.orchestrator.LaneStatus;
import dev.grove.orchestrator.RunStatus;
import dev.grove.orchestrator.Runs;
import dev.grove.session.SessionStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(
    name = "status",
    description = {
      "Without RUN: the repository's runs, newest first. With RUN (an id or a unique "
          + "prefix of one): each lane with its state, branch, worktree, steps, tokens, cost and pull request. Read from the "
          + "session files alone."
    })
final class StatusCommand implements Callable<Integer> {
  private final Context ctx;

  @Parameters(
      paramLabel = "RUN",
      arity = "0..1",
      description = "A run id or a unique prefix of one.")
  String run;

  @Mixin RepoOption repo;

  @Mixin JsonFlag json;

  StatusCommand(Context ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() {
    Path sessions = sessionsDir(ctx, repo.dir(ctx));
    if (run == null) {
      List<String> runs = Runs.list(sessions);
      ArrayNode arr = Json.array();
      if (!json.json) {
        if (runs.isEmpty()) {
          ctx.out().println("no runs yet in " + sessions + " (start one with grove run)");
        } else {
          ctx.out()
              .println(
                  String.format(
                      Locale.ROOT,
                      "%-22s %-12s %5s %7s %7s %7s %9s",
                      "RUN",
                      "STATE",
                      "LANES",
                      "SHIPPED",
                      "FAILED",
                      "RUNNING",
                      "COST"));
        }
      }
      for (String r : runs) {
        RunStatus st;
        try (SessionStore s = SessionStore.open(sessions.resolve(r + ".jsonl"))) {
          st = RunStatus.of(r, s);
        } catch (RuntimeException e) {
          if (!json.json) {
            ctx.out()
                .println(
                    String.format(
                        Locale.ROOT,
                        "%-22s unreadable: %s",
                        r,
                        e.getMessage().lines().findFirst().orElse("")));
          }
          continue;
        }
        if (json.json) {
          arr.add(json(st));
        } else {
          ctx.out()
              .println(
                  String.format(
                      Locale.ROOT,
                      "%-22s %-12s %5d %7d %7d %7d %9s",
                      r,
                      st.state().label(),
                      st.lanes().size(),
                      st.count(LaneState.SHIPPED) + st.count(LaneState.MERGED),
                      st.count(LaneState.FAILED),
                      st.count(LaneState.RUNNING) + st.count(LaneState.QUEUED),
                      money(st.usage().cost())));
        }
      }
      if (json.json) {
        Json.print(ctx.out(), arr);
      }
      return Exits.OK;
    }
    Path file = Runs.file(sessions, run);
    try (SessionStore s = SessionStore.open(file)) {
      RunStatus st = RunStatus.of(file.getFileName().toString().replaceFirst("\\.jsonl$", ""), s);
      print(ctx, st, json.json);
    }
    return Exits.OK;
  }

  /**
   * The runs of the repository holding {@code dir}, found without running git (status reads files
   * alone), unless runs of an earlier version are still in the checkout: those are moved first.
   */
  static Path sessionsDir(Context ctx, Path dir) {
    Path top = repositoryTop(dir);
    if (top == null) {
      throw Exits.usage(
          dir
              + " is not in a git repository: grove's runs are kept in the repository they work"
              + " on; pass --repo DIR or run grove inside one");
    }
    Path runs = Runs.dir(dir);
    if (Files.isDirectory(top.resolve(".grove").resolve("sessions"))) {
      Runs.Migration m = Runs.migrate(new dev.grove.git.Git(ctx.env()).withoutHooks(), top, runs);
      if (!m.moved().isEmpty()) {
        ctx.warn(
            "moved "
                + m.moved().size()
                + " run(s) from "
                + top.resolve(".grove/sessions")
                + " to "
                + runs);
      }
      m.warnings().forEach(ctx::warn);
    }
    return runs;
  }

  /** The nearest directory at or above {@code dir} with a {@code .git}, or null (no git run). */
  static Path repositoryTop(Path dir) {
    Path top = dir.toAbsolutePath().normalize();
    while (top != null
        && !Files.exists(top.resolve(".git"), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      top = top.getParent();
    }
    return top;
  }

  static void print(Context ctx, RunStatus st, boolean json) {
    if (json) {
      Json.print(ctx.out(), json(st));
      return;
    }
    ctx.out().println();
    ctx.out()
        .println(
            "run "
                + st.run()
                + " ("
                + st.state()
                + "), base "
                + st.base()
                + ", model "
                + st.model());
    ctx.out().println("session " + st.file());
    if (st.budget().limit() != null) {
      ctx.out()
          .println(
              "budget "
                  + money(st.budget().limit())
                  + ", spent "
                  + money(st.budget().spent())
                  + (st.budget().reached()
                      ? " — reached: the lanes stopped; grove resume --budget MORE carries on"
                      : ""));
    }
    int w = Math.max(4, st.lanes().stream().mapToInt(l -> l.lane().length()).max().orElse(4));
    ctx.out()
        .println(
            String.format(
                Locale.ROOT,
                "  %-" + w + "s  %-8s %5s %8s %9s  %s",
                "LANE",
                "STATE",
                "STEPS",
                "TOKENS",
                "COST",
                "RESULT"));
    for (LaneStatus l : st.lanes()) {
      String result =
          l.pullRequest() != null
              ? l.pullRequest()
              : l.detail() != null ? l.detail().strip().lines().findFirst().orElse("") : l.branch();
      if (l.forkOf() != null) {
        result = "(fork of " + l.forkOf() + ") " + result;
      }
      if (l.attemptOf() != null) {
        result =
            "(attempt of "
                + l.attemptOf()
                + (l.chosen() == null ? "" : l.chosen() ? ", chosen" : ", set aside")
                + ") "
                + result;
      }
      ctx.out()
          .println(
              String.format(
                  Locale.ROOT,
                  "  %-" + w + "s  %-8s %5d %8s %9s  %s",
                  l.lane(),
                  l.state().label(),
                  l.steps(),
                  Progress.tokens(l.usage().inputTokens() + l.usage().outputTokens()),
                  money(l.usage().cost()),
                  cut(result, 100)));
      for (dev.grove.orchestrator.RunEvent.Risk r : l.risks()) {
        ctx.out().println("  " + " ".repeat(w) + "  ! at risk: " + cut(r.describe(), 100));
      }
    }
    ctx.out()
        .println(
            String.format(
                Locale.ROOT,
                "  total: %d lanes, %s tokens, %s",
                st.lanes().size(),
                Progress.tokens(st.usage().inputTokens() + st.usage().outputTokens()),
                money(st.usage().cost())));
    ctx.out().flush();
  }

  /**
   * A run as JSON, in the vocabulary of docs/json.md: the same in the list of runs and for one run.
   */
  static ObjectNode json(RunStatus st) {
    return dev.grove.orchestrator.RunJson.run(st);
  }

  static String money(double d) {
    return String.format(Locale.ROOT, "$%.4f", d);
  }

  private static String cut(String s, int n) {
    return s.length() > n ? s.substring(0, n - 1) + "…" : s;
  }
}
