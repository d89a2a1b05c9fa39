package dev.grove.cli;

import dev.grove.orchestrator.Orchestrator;
import dev.grove.orchestrator.RunConfig;
import dev.grove.orchestrator.RunStatus;
import dev.grove.orchestrator.Workbench;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "resume", description = "Carry on with a run after a crash or Ctrl-C: lanes that were running continue "
    + "from their heads (a missing worktree is restored from the lane's last checkpoint), finished lanes that did not "
    + "ship are shipped.")
final class ResumeCommand implements Callable<Integer> {
  private final Context ctx;

  @Parameters(paramLabel = "RUN", arity = "0..1", description = "A run id or unique prefix (default: the newest run).")
  String run;

  @Option(names = "--parallel", paramLabel = "N", description = "Agents at once (default: config, else 4).")
  Integer parallel;

  @Option(names = "--json", description = "Print the run's final state as JSON.")
  boolean json;

  @Mixin WorkOptions work;

  ResumeCommand(Context ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() {
    RunConfig config = work.config(ctx);
    Workbench wb = work.open(ctx, config);
    Orchestrator.Options options = WorkOptions.runOptions(config, null, parallel, null, null, null, null, null, true);
    Progress progress = new Progress(ctx);
    try (Orchestrator o = Orchestrator.reopen(wb, run, options, progress)) {
      ctx.out().println("resuming run " + o.runId());
      RunStatus st = WorkOptions.stoppable(o, o::resume);
      progress.done();
      StatusCommand.print(ctx, st, json);
      return st.succeeded() ? Exits.OK : Exits.FAILED;
    }
  }
}
