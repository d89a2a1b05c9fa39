package dev.grove.cli;

import dev.grove.orchestrator.LaneState;
import dev.grove.orchestrator.Orchestrator;
import dev.grove.orchestrator.RunConfig;
import dev.grove.orchestrator.RunStatus;
import dev.grove.orchestrator.Runs;
import dev.grove.orchestrator.Workbench;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "fork",
    description = {
      "Retry an agent from one of its entries: a new lane whose first entry hangs below "
          + "ENTRY (your hint, if given), a fresh worktree on task/<slug>-N with the files of the checkpoint at or before ENTRY, "
          + "and the agent carrying on with its whole context up to ENTRY. The old lane and its branch stay as they are. "
          + "Waits for the new lane and ships it like grove run.%n",
      "Pick ENTRY with grove session tree RUN (the entry just before the bad decision)."
    })
final class ForkCommand implements Callable<Integer> {
  private final Context ctx;

  @Parameters(
      paramLabel = "ENTRY",
      description = "An entry id (or unique prefix, or label) of an agent's lane.")
  String entry;

  @Option(
      names = "--run",
      paramLabel = "RUN",
      description = "The run (default: the run whose session has ENTRY).")
  String run;

  @Option(
      names = "--hint",
      paramLabel = "TEXT",
      description = "A user message for the retry: what to do differently.")
  String hint;

  @Option(
      names = "--verify",
      paramLabel = "CMD",
      description = "Must pass before the work ships (default: the run's).")
  String verify;

  @Option(
      names = "--ship",
      negatable = true,
      description =
          "Ship the new lane's work, or (--no-ship) not (default: as " + "the run was started).")
  Boolean ship;

  @Mixin JsonFlag json;

  @Mixin WorkOptions work;

  ForkCommand(Context ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() {
    RunConfig config = work.config(ctx);
    Workbench wb = work.open(ctx, config);
    String runId = run != null ? run : Runs.findEntry(wb.sessionsDir(), entry);
    Orchestrator.Options options =
        new Orchestrator.Options(null, null, 0, verify, null, null, ship);
    Progress progress = new Progress(ctx, json.json);
    try (Orchestrator o = Orchestrator.reopen(wb, runId, options, progress)) {
      String lane = o.fork(entry, hint, work.model);
      LaneState end = WorkOptions.stoppable(ctx, wb.repo(), o, () -> o.await(lane));
      progress.done();
      RunStatus st = o.status();
      StatusCommand.print(ctx, st, json.json);
      return end == LaneState.SHIPPED || end == LaneState.FINISHED ? Exits.OK : Exits.FAILED;
    }
  }
}
