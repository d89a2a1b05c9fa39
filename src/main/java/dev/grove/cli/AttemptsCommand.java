package dev.grove.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.grove.orchestrator.AttemptGroup;
import dev.grove.orchestrator.LaneStatus;
import dev.grove.orchestrator.RunEvent;
import dev.grove.orchestrator.RunStatus;
import dev.grove.orchestrator.Runs;
import dev.grove.session.SessionStore;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(
    name = "attempts",
    description = {
      "How a task's attempts (grove run --attempts, grove fork --attempts) were judged: each "
          + "attempt's state, every scorer's value and points, its total, why one could not win, "
          + "the judge's ranking and reasons, and the attempt chosen. Read from the session file "
          + "alone.%n",
      "The attempts not chosen keep their branches (task/<slug>): ship one by hand instead with "
          + "git push, or fork it with grove fork."
    })
final class AttemptsCommand implements Callable<Integer> {
  private final Context ctx;

  @Parameters(index = "0", paramLabel = "RUN", description = "A run id or a unique prefix of one.")
  String run;

  @Parameters(
      index = "1",
      paramLabel = "SLUG",
      description = "The group of attempts (the task's slug), or one of its lanes.")
  String slug;

  @Mixin RepoOption repo;

  @Mixin JsonFlag json;

  AttemptsCommand(Context ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() {
    Path sessions = StatusCommand.sessionsDir(ctx, repo.dir(ctx));
    Path file = Runs.file(sessions, run);
    RunStatus st;
    try (SessionStore s = SessionStore.open(file)) {
      st = RunStatus.of(file.getFileName().toString().replaceFirst("\\.jsonl$", ""), s);
    }
    AttemptGroup g =
        find(st, slug)
            .orElseThrow(
                () ->
                    Exits.notFound(
                        "no attempts named "
                            + slug
                            + " in run "
                            + st.run()
                            + (st.attempts().isEmpty()
                                ? " (it has none)"
                                : " (its attempts: "
                                    + String.join(
                                        ", ",
                                        st.attempts().stream().map(AttemptGroup::group).toList())
                                    + ")")));
    if (json.json) {
      Json.print(ctx.out(), json(st, g));
    } else {
      print(st, g);
    }
    return Exits.OK;
  }

  /** The group named {@code slug}, or the group the lane {@code slug} is an attempt of. */
  static Optional<AttemptGroup> find(RunStatus st, String slug) {
    Optional<AttemptGroup> g = st.attempts(slug);
    if (g.isPresent()) {
      return g;
    }
    return st.lanes().stream()
        .filter(l -> l.lane().equals(slug) && l.attemptOf() != null)
        .findFirst()
        .flatMap(l -> st.attempts(l.attemptOf()));
  }

  private void print(RunStatus st, AttemptGroup g) {
    var out = ctx.out();
    out.println(
        "attempts "
            + g.group()
            + " of run "
            + st.run()
            + ": "
            + g.count()
            + " asked"
            + (g.forkOf() == null ? "" : ", forked from " + g.forkOf())
            + ", "
            + (!g.decided()
                ? "not chosen yet"
                : g.winner() == null ? "none could ship" : g.winner() + " chosen"));
    out.println("task: " + firstLine(g.task()));
    int w = Math.max(4, g.lanes().stream().mapToInt(String::length).max().orElse(4));
    for (String lane : g.lanes()) {
      LaneStatus l = lane(st, lane);
      RunEvent.Candidate c =
          g.candidates().stream().filter(x -> x.lane().equals(lane)).findFirst().orElse(null);
      String mark = lane.equals(g.winner()) ? "*" : " ";
      StringBuilder line =
          new StringBuilder(
              String.format(
                  Locale.ROOT,
                  "%s %-" + w + "s  %-8s",
                  mark,
                  lane,
                  l == null ? "?" : l.state().label()));
      if (c != null && c.eligible()) {
        line.append(String.format(Locale.ROOT, "  total %.2f:", c.total()));
        for (RunEvent.Score sc : c.scores()) {
          line.append(' ')
              .append(sc.scorer())
              .append(' ')
              .append(sc.value() == null ? "-" : number(sc.value()))
              .append(String.format(Locale.ROOT, " (%.2f×%s)", sc.points(), number(sc.weight())));
        }
      } else if (c != null) {
        line.append("  not eligible: ").append(firstLine(c.note()));
      }
      if (c != null && c.eligible() && c.note() != null) {
        line.append("; ").append(firstLine(c.note()));
      }
      out.println(line);
    }
    if (g.judged() != null) {
      RunEvent.AttemptsJudged j = g.judged();
      out.println(
          "judge "
              + j.model()
              + (j.error() != null
                  ? ": not used: " + j.error()
                  : ": " + String.join(" > ", j.ranking())));
      for (String lane : j.ranking()) {
        String why = j.reasons().get(lane);
        if (why != null) {
          out.println("  " + lane + ": " + why);
        }
      }
    }
    if (g.reason() != null) {
      out.println("why: " + g.reason());
    }
    out.flush();
  }

  static ObjectNode json(RunStatus st, AttemptGroup g) {
    ObjectNode o = Json.object();
    o.put("run", st.run());
    o.put("group", g.group());
    o.put("task", g.task());
    o.put("count", g.count());
    o.put("forkOf", g.forkOf());
    o.put("decided", g.decided());
    o.put("winner", g.winner());
    o.put("reason", g.reason());
    o.put("judgeCost", g.judge().cost());
    ArrayNode lanes = o.putArray("attempts");
    for (String lane : g.lanes()) {
      ObjectNode x = lanes.addObject();
      LaneStatus l = lane(st, lane);
      x.put("lane", lane);
      x.put("state", l == null ? null : l.state().label());
      x.put("branch", l == null ? null : l.branch());
      x.put("chosen", lane.equals(g.winner()));
      RunEvent.Candidate c =
          g.candidates().stream().filter(y -> y.lane().equals(lane)).findFirst().orElse(null);
      if (c != null) {
        x.put("commit", c.commit());
        x.put("eligible", c.eligible());
        x.put("note", c.note());
        x.put("total", c.total());
        ArrayNode scores = x.putArray("scores");
        for (RunEvent.Score sc : c.scores()) {
          scores
              .addObject()
              .put("scorer", sc.scorer())
              .put("value", sc.value())
              .put("points", sc.points())
              .put("weight", sc.weight());
        }
      }
    }
    if (g.judged() != null) {
      ObjectNode j = o.putObject("judge");
      j.put("model", g.judged().model());
      g.judged().ranking().forEach(j.putArray("ranking")::add);
      ObjectNode reasons = j.putObject("reasons");
      g.judged().reasons().forEach(reasons::put);
      j.put("error", g.judged().error());
    }
    return o;
  }

  private static LaneStatus lane(RunStatus st, String lane) {
    return st.lanes().stream().filter(l -> l.lane().equals(lane)).findFirst().orElse(null);
  }

  private static String number(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15
        ? String.valueOf((long) v)
        : String.format(Locale.ROOT, "%.4f", v);
  }

  private static String firstLine(String s) {
    return s == null ? "" : s.strip().lines().findFirst().orElse("");
  }
}
