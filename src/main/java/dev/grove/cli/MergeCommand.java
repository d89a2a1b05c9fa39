package dev.grove.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.grove.orchestrator.LaneState;
import dev.grove.orchestrator.MergeQueue;
import dev.grove.orchestrator.Merger;
import dev.grove.orchestrator.Orchestrator;
import dev.grove.orchestrator.RunConfig;
import dev.grove.orchestrator.RunStatus;
import dev.grove.orchestrator.Runs;
import dev.grove.orchestrator.Workbench;
import dev.grove.session.SessionStore;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "merge",
    description = {
      "Merge a shipped lane (a local pull request) into its base, after checks that "
          + "touch no worktree: the branch must still be the commit grove shipped, must carry nothing grove never ships "
          + "(its own state, nested repositories, an ignore rule that lets them in), and must merge cleanly (git merge-tree "
          + "--write-tree). Conflicts are listed file by file and nothing changes; a clean merge becomes a merge commit on "
          + "the base, pushed to the run's remote unless --no-push. Merging a merged lane says so and does nothing.%n",
      "Without --run: the one run whose lane SLUG is shipped.%n",
      "With --all [RUN] (default: the newest run with shipped lanes): the merge queue. The run's shipped "
          + "lanes land one after another, those that conflict with fewer of the others first; each merge is "
          + "verified (the run's --verify and the lane's own, in the sandbox) in a scratch worktree before the "
          + "base moves, and the queue stops at the first lane that conflicts or breaks the checks, with a "
          + "report (recorded as lane.merge.blocked). Run it again to carry on. --resolve hands such a lane "
          + "to an agent instead: a fork of it in a worktree holding the base as it is now with the lane's "
          + "work merged in, told the conflict or the failure; re-verified and shipped, it rejoins the queue. "
          + "For a hosted forge (github, gitlab, gitea) nothing is merged: the same order is printed as a plan."
    })
final class MergeCommand implements Callable<Integer> {
  private final Context ctx;

  @Parameters(
      paramLabel = "SLUG",
      arity = "0..1",
      description = "The lane (its branch is task/SLUG); with --all, the run (RUN).")
  String slug;

  @Option(
      names = "--all",
      description = "The merge queue: every shipped lane of the run, one after another.")
  boolean all;

  @Option(
      names = "--resolve",
      description =
          "With --all: hand a lane that no longer merges or verifies to an agent (see above).")
  boolean resolve;

  @Option(
      names = "--run",
      paramLabel = "RUN",
      description = "The run (default: the one run whose lane SLUG is shipped).")
  String run;

  @Option(
      names = "--into",
      paramLabel = "BRANCH",
      description = "Merge into this branch (default: the run's base).")
  String into;

  @Option(
      names = "--push",
      negatable = true,
      defaultValue = "true",
      fallbackValue = "true",
      description =
          "Push the base branch to the run's remote afterwards (the default); --no-push leaves it local.")
  boolean push = true;

  @Mixin JsonFlag json;

  @Mixin WorkOptions work;

  MergeCommand(Context ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() {
    if (all) {
      return queue();
    }
    if (slug == null) {
      throw Exits.usage(
          "name the lane to merge (grove merge SLUG), or merge them all: --all [RUN]");
    }
    if (resolve) {
      throw Exits.usage("--resolve goes with --all (the merge queue)");
    }
    dev.grove.orchestrator.Workbench wb = WorkOptions.tidy(ctx, work.repo);
    String runId = Merger.runOfLane(wb.sessionsDir(), slug, run);
    try (Orchestrator o = Orchestrator.inspect(wb, runId)) {
      Merger.Result r = Merger.merge(o, slug, into, push);
      if (json.json) {
        ObjectNode j = dev.grove.orchestrator.RunJson.merge(r);
        Json.print(ctx.out(), j);
      } else if (r.already()) {
        ctx.out()
            .println(
                "lane " + r.lane() + " of run " + r.run() + " is merged already; nothing to do");
      } else if (r.merged()) {
        ctx.out()
            .println(
                "merged "
                    + r.branch()
                    + " (run "
                    + r.run()
                    + ") into "
                    + r.into()
                    + ": "
                    + r.commit()
                    + (r.pushed() ? " (pushed)" : ""));
      } else {
        ctx.out()
            .println(
                "cannot merge "
                    + r.branch()
                    + " into "
                    + r.into()
                    + ": "
                    + r.conflicts().size()
                    + (r.conflicts().size() == 1 ? " conflicting file" : " conflicting files")
                    + " (lane of run "
                    + r.run()
                    + ")");
        r.conflicts().forEach(f -> ctx.out().println("  " + f));
        r.messages().forEach(m -> ctx.out().println("  " + m));
        return Exits.FAILED;
      }
    }
    return Exits.OK;
  }

  /** {@code --all}: the merge queue over a run's shipped lanes. */
  private int queue() {
    if (run != null && slug != null && !run.equals(slug)) {
      throw Exits.usage("give the run once: grove merge --all RUN");
    }
    String given = slug != null ? slug : run;
    RunConfig config = work.config(ctx);
    Workbench wb = work.open(ctx, config);
    String runId = given != null ? runId(wb.sessionsDir(), given) : newestShipped(wb.sessionsDir());
    Progress progress = new Progress(ctx, json.json);
    MergeQueue.Report r;
    try (Orchestrator o =
        resolve
            ? Orchestrator.reopen(wb, runId, Orchestrator.Options.none(), progress)
            : Orchestrator.inspect(wb, runId)) {
      r =
          WorkOptions.stoppable(
              ctx,
              wb.repo(),
              o,
              () -> MergeQueue.run(o, new MergeQueue.Options(into, push, resolve, work.model)));
      progress.done();
    }
    if (json.json) {
      Json.print(ctx.out(), json(r));
    } else {
      print(r);
    }
    return r.done() ? Exits.OK : Exits.FAILED;
  }

  private static String runId(Path sessions, String given) {
    return Runs.file(sessions, given).getFileName().toString().replaceFirst("\\.jsonl$", "");
  }

  /** The newest run with a lane shipped and not merged. */
  private static String newestShipped(Path sessions) {
    for (String r : Runs.list(sessions)) {
      try (SessionStore s = SessionStore.open(sessions.resolve(r + ".jsonl"))) {
        if (RunStatus.of(r, s).count(LaneState.SHIPPED) > 0) {
          return r;
        }
      } catch (RuntimeException unreadable) {
        // not this one
      }
    }
    throw Exits.notFound("no run has shipped lanes left to merge in " + sessions);
  }

  private void print(MergeQueue.Report r) {
    var out = ctx.out();
    out.println(
        (r.plan() ? "merge plan for run " : "merge queue of run ") + r.run() + " into " + r.into());
    int n = 0;
    for (MergeQueue.Step s : r.steps()) {
      n++;
      String line =
          switch (s) {
            case MergeQueue.Step.Merged m ->
                "merged "
                    + m.lane()
                    + ": "
                    + m.commit()
                    + (m.verified().isEmpty()
                        ? ""
                        : ", verified: " + String.join("; ", m.verified()))
                    + (m.pushed() ? " (pushed)" : "");
            case MergeQueue.Step.Conflicted c ->
                "STOPPED at "
                    + c.lane()
                    + ": it conflicts with "
                    + r.into()
                    + " as it is now, in "
                    + String.join(", ", c.files());
            case MergeQueue.Step.Broke b ->
                "STOPPED at "
                    + b.lane()
                    + ": it merges, but `"
                    + b.command()
                    + "` fails on the result (exit "
                    + b.exitCode()
                    + "): "
                    + b.output().strip().lines().reduce((x, y) -> y).orElse("");
            case MergeQueue.Step.Resolving v ->
                "handed " + v.lane() + " to an agent: lane " + v.fork() + " " + v.state().label();
            case MergeQueue.Step.Planned p ->
                p.lane()
                    + (p.pullRequest() == null ? "" : " " + p.pullRequest())
                    + (p.conflicts().isEmpty()
                        ? ""
                        : " — conflicts in " + String.join(", ", p.conflicts()));
          };
      out.println("  " + n + ". " + line);
    }
    if (r.done()) {
      out.println(r.plan() ? "merge them in this order" : "every shipped lane is merged");
    } else {
      out.println(
          "left: "
              + String.join(", ", r.left())
              + (r.plan()
                  ? " (they conflict: resolve them after the others are merged)"
                  : " (fix and run grove merge --all again, or add --resolve)"));
    }
    out.flush();
  }

  static ObjectNode json(MergeQueue.Report r) {
    ObjectNode o =
        Json.object()
            .put("run", r.run())
            .put("into", r.into())
            .put("plan", r.plan())
            .put("done", r.done());
    r.left().forEach(o.putArray("left")::add);
    ArrayNode steps = o.putArray("steps");
    for (MergeQueue.Step s : r.steps()) {
      ObjectNode x = steps.addObject().put("lane", s.lane());
      switch (s) {
        case MergeQueue.Step.Merged m -> {
          x.put("step", "merged").put("commit", m.commit()).put("pushed", m.pushed());
          m.verified().forEach(x.putArray("verified")::add);
        }
        case MergeQueue.Step.Conflicted c -> {
          x.put("step", "conflict");
          c.files().forEach(x.putArray("files")::add);
          c.messages().forEach(x.putArray("messages")::add);
        }
        case MergeQueue.Step.Broke b ->
            x.put("step", "verification")
                .put("command", b.command())
                .put("exitCode", b.exitCode())
                .put("output", b.output());
        case MergeQueue.Step.Resolving v ->
            x.put("step", "resolving").put("fork", v.fork()).put("state", v.state().label());
        case MergeQueue.Step.Planned p -> {
          x.put("step", "planned").put("pullRequest", p.pullRequest());
          p.conflicts().forEach(x.putArray("conflicts")::add);
        }
      }
    }
    return o;
  }
}
