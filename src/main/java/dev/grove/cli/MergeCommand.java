package dev.grove.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.grove.orchestrator.Merger;
import dev.grove.orchestrator.Orchestrator;
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
      "Without --run: the one run whose lane SLUG is shipped."
    })
final class MergeCommand implements Callable<Integer> {
  private final Context ctx;

  @Parameters(paramLabel = "SLUG", description = "The lane (its branch is task/SLUG).")
  String slug;

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

  @Mixin RepoOption repo;

  MergeCommand(Context ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() {
    dev.grove.orchestrator.Workbench wb = WorkOptions.tidy(ctx, repo);
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
}
