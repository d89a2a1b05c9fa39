package dev.grove.cli;

import dev.grove.orchestrator.AttemptGroup;
import dev.grove.orchestrator.AttemptsPlan;
import dev.grove.orchestrator.ImportedContext;
import dev.grove.orchestrator.LaneState;
import dev.grove.orchestrator.Orchestrator;
import dev.grove.orchestrator.RunConfig;
import dev.grove.orchestrator.RunStatus;
import dev.grove.orchestrator.Runs;
import dev.grove.orchestrator.Task;
import dev.grove.orchestrator.Workbench;
import dev.grove.session.SessionStore;
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
      "Pick ENTRY with grove session tree RUN (the entry just before the bad decision). With "
          + "--attempts N, N sibling lanes below ENTRY work at once and the best ships (see grove run).%n",
      "With --from FILE, ENTRY is an entry of that session file instead: a grove session (one of "
          + "grove agent run's, say), a pi session, a Claude Code transcript or a Codex CLI rollout. A new run "
          + "starts whose session holds the conversation up to ENTRY (copied, read-only for the source), and "
          + "an agent carries on below it in a fresh worktree on the repository's current branch, with your "
          + "hint as its task. See docs/interop.md."
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
      names = "--from",
      paramLabel = "FILE",
      description =
          "Carry on from ENTRY of this session file (grove, pi, Claude Code or Codex CLI) in a new run "
              + "of --repo, instead of forking a lane of a run.")
  java.nio.file.Path from;

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

  @Option(
      names = "--budget",
      paramLabel = "USD",
      description = "A new budget for the whole run (default: as the run was started).")
  Double budget;

  @Mixin AttemptsFlags attempts;

  @Mixin JsonFlag json;

  @Mixin WorkOptions work;

  ForkCommand(Context ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() {
    if (from != null) {
      return carryOn();
    }
    RunConfig config = work.config(ctx);
    Workbench wb = work.open(ctx, config);
    String runId = run != null ? run : Runs.findEntry(wb.sessionsDir(), entry);
    AttemptsPlan plan = attempts.plan(ctx, work.repo(ctx));
    Orchestrator.Options options =
        new Orchestrator.Options(null, null, 0, verify, null, null, ship)
            .withBudget(budget == null ? null : WorkOptions.budget(budget, config));
    Progress progress = new Progress(ctx, json.json);
    try (Orchestrator o = Orchestrator.reopen(wb, runId, options, progress)) {
      if (plan.several()) {
        String group = o.forkAttempts(entry, hint, plan);
        WorkOptions.stoppable(
            ctx,
            wb.repo(),
            o,
            () -> {
              o.awaitAll();
              return null;
            });
        progress.done();
        RunStatus st = o.status();
        StatusCommand.print(ctx, st, json.json);
        String winner = st.attempts(group).map(AttemptGroup::winner).orElse(null);
        return winner != null
                && st.lanes().stream()
                    .anyMatch(
                        l ->
                            l.lane().equals(winner)
                                && (l.state() == LaneState.SHIPPED
                                    || l.state() == LaneState.FINISHED && !l.shippingFailed()))
            ? Exits.OK
            : Exits.FAILED;
      }
      String lane = o.fork(entry, hint, work.model);
      LaneState end = WorkOptions.stoppable(ctx, wb.repo(), o, () -> o.await(lane));
      progress.done();
      RunStatus st = o.status();
      StatusCommand.print(ctx, st, json.json);
      return end == LaneState.SHIPPED || end == LaneState.FINISHED ? Exits.OK : Exits.FAILED;
    }
  }

  /** The task of an agent carrying on from another session when no hint is given. */
  static final String CARRY_ON =
      "Carry on from where the conversation above stops: finish what it was doing.";

  /** {@code --from FILE}: a new run whose agent carries on below ENTRY of FILE. */
  private int carryOn() {
    if (run != null) {
      throw Exits.usage(
          "--run and --from exclude each other: --from starts a new run from a session file");
    }
    RunConfig config = work.config(ctx);
    ImportedContext imported;
    try (SessionStore s = SessionCommand.open(ctx, from)) {
      imported = ImportedContext.of(s, entry);
    }
    Workbench wb = work.open(ctx, config);
    AttemptsPlan plan = attempts.plan(ctx, work.repo(ctx));
    Orchestrator.Options options =
        WorkOptions.runOptions(
                config, null, null, null, verify, null, null, null, ship == null || ship)
            .withBudget(WorkOptions.budget(budget, config))
            .withRadar(WorkOptions.radar(config));
    Progress progress = new Progress(ctx, json.json);
    try (Orchestrator o = Orchestrator.start(wb, options, progress, "tasks", imported)) {
      progress.say(
          "run "
              + o.runId()
              + ": carrying on from entry "
              + imported.entry()
              + " of "
              + imported.source().file()
              + " ("
              + imported.path().size()
              + " entries copied), model "
              + wb.modelSpec(null)
              + ", session "
              + o.session().file());
      Task task = new Task(null, hint != null && !hint.isBlank() ? hint : CARRY_ON, null);
      RunStatus status =
          WorkOptions.stoppable(ctx, wb.repo(), o, () -> o.carryOn(task, imported.entry(), plan));
      progress.done();
      StatusCommand.print(ctx, status, json.json);
      return status.succeeded() ? Exits.OK : Exits.FAILED;
    }
  }
}
