package dev.grove.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.grove.orchestrator.Orchestrator;
import dev.grove.orchestrator.RunConfig;
import dev.grove.orchestrator.Workbench;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "clean", description = "Remove the worktrees of a run's lanes that have ended. Work that was not pushed "
    + "is saved under refs/grove/ first (and the ref is printed); branches are kept; running lanes are left alone.")
final class CleanCommand implements Callable<Integer> {
  private final Context ctx;

  @Parameters(paramLabel = "RUN", arity = "0..1", description = "A run id or unique prefix (default: the newest run).")
  String run;

  @Option(names = "--dry-run", description = "Say what would be removed; remove nothing.")
  boolean dryRun;

  @Option(names = "--json", description = "Print machine-readable JSON.")
  boolean json;

  @Mixin WorkOptions work;

  CleanCommand(Context ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() {
    RunConfig config = work.config(ctx);
    Workbench wb = work.open(ctx, config);
    try (Orchestrator o = Orchestrator.reopen(wb, run, Orchestrator.Options.defaults(), Orchestrator.Listener.NONE)) {
      List<Orchestrator.Cleaned> done = o.clean(dryRun);
      if (json) {
        ArrayNode arr = Json.array();
        done.forEach(c -> arr.addObject().put("lane", c.lane()).put("worktree", c.worktree().toString())
            .put("removed", c.removed()).put("savedRef", c.savedRef()).put("note", c.note()));
        Json.print(ctx.out(), arr);
      } else if (done.isEmpty()) {
        ctx.out().println("run " + o.runId() + ": no worktrees to remove");
      } else {
        done.forEach(c -> ctx.out().println(c.lane() + "  " + c.worktree() + "  " + c.note()));
      }
    }
    return Exits.OK;
  }
}
