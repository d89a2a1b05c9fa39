package dev.grove.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.grove.orchestrator.Orchestrator;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "clean",
    description =
        "Remove the worktrees of a run's lanes that have ended. Work that was not pushed "
            + "is saved under refs/grove/ first (and the ref is printed); branches are kept; running lanes are left alone.")
final class CleanCommand implements Callable<Integer> {
  private final Context ctx;

  @Parameters(
      paramLabel = "RUN",
      arity = "0..1",
      description = "A run id or unique prefix (default: the newest run).")
  String run;

  @Option(names = "--dry-run", description = "Say what would be removed; remove nothing.")
  boolean dryRun;

  @Mixin JsonFlag json;

  @Mixin RepoOption repo;

  CleanCommand(Context ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() {
    try (Orchestrator o = Orchestrator.inspect(WorkOptions.tidy(ctx, repo), run)) {
      List<Orchestrator.Cleaned> done = dryRun ? o.cleanPlan() : o.clean();
      if (json.json) {
        ArrayNode arr = Json.array();
        done.forEach(c -> arr.add(dev.grove.orchestrator.RunJson.cleaned(c)));
        Json.print(ctx.out(), arr);
      } else if (done.isEmpty()) {
        ctx.out().println("run " + o.runId() + ": no worktrees to remove");
      } else {
        ctx.out().println("run " + o.runId() + ":");
        done.forEach(
            c -> ctx.out().println("  " + c.lane() + "  " + c.worktree() + "  " + c.note()));
      }
    }
    return Exits.OK;
  }
}
