package dev.grove.cli;

import dev.grove.orchestrator.Orchestrator;
import dev.grove.orchestrator.RunConfig;
import dev.grove.orchestrator.RunStatus;
import dev.grove.orchestrator.Runs;
import dev.grove.orchestrator.Workbench;
import dev.grove.session.SessionStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "resume",
    description = {
      "Carry on with a run after a crash or Ctrl-C: lanes that were running "
          + "continue from their heads (a missing worktree is restored from the lane's last checkpoint), finished lanes that "
          + "did not ship are shipped, an interrupted orchestrator agent carries on. The run keeps the options it was started "
          + "with (base, verification, remote, forge, whether it ships) unless a flag here says otherwise.%n",
      "Without RUN: the newest interrupted run. A run a live process is working on is refused."
    })
final class ResumeCommand implements Callable<Integer> {
  private final Context ctx;

  @Parameters(
      paramLabel = "RUN",
      arity = "0..1",
      description = "A run id or unique prefix (default: the newest " + "interrupted run).")
  String run;

  @Option(
      names = "--parallel",
      paramLabel = "N",
      description = "Agents at once (default: as the run was started).")
  Integer parallel;

  @Option(
      names = "--ship",
      negatable = true,
      description =
          "Ship finished work, or (--no-ship) not " + "(default: as the run was started).")
  Boolean ship;

  @Mixin JsonFlag json;

  @Mixin WorkOptions work;

  ResumeCommand(Context ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() {
    RunConfig config = work.config(ctx);
    Workbench wb = work.open(ctx, config);
    String id = run != null ? run : newestInterrupted(wb.sessionsDir());
    if (id == null) {
      ctx.out()
          .println(
              "nothing to resume: no interrupted run in "
                  + wb.sessionsDir()
                  + " (grove status lists the runs)");
      return Exits.OK;
    }
    Orchestrator.Options options =
        new Orchestrator.Options(null, parallel, null, null, null, null, ship);
    Progress progress = new Progress(ctx, json.json);
    try (Orchestrator o = Orchestrator.reopen(wb, id, options, progress)) {
      progress.say("resuming run " + o.runId());
      drift(config, o.options()).forEach(ctx::warn);
      RunStatus st = WorkOptions.stoppable(ctx, wb.repo(), o, o::resume);
      progress.done();
      StatusCommand.print(ctx, st, json.json);
      return st.succeeded() ? Exits.OK : Exits.FAILED;
    }
  }

  /**
   * Where config.toml's [run] now says something else than the run recorded: the run keeps what it
   * started with, and the user should know.
   */
  static List<String> drift(RunConfig config, Orchestrator.Options run) {
    List<String> notes = new ArrayList<>();
    if (config.verify() != null && !config.verify().equals(run.verify())) {
      notes.add(
          "config.toml's [run] verify is now `"
              + config.verify()
              + "`; this run keeps the verification it started with: "
              + (run.verify() == null ? "none" : "`" + run.verify() + "`"));
    }
    if (config.remote() != null && !config.remote().equals(run.remote())) {
      notes.add(
          "config.toml's [run] remote is now "
              + config.remote()
              + "; this run keeps the remote it started with: "
              + run.remote());
    }
    return notes;
  }

  /** The newest run with work left that no live process holds; others are mentioned. */
  private String newestInterrupted(Path runs) {
    List<String> found = new ArrayList<>();
    for (String r : Runs.list(runs)) {
      try (SessionStore s = SessionStore.open(runs.resolve(r + ".jsonl"))) {
        if (RunStatus.of(r, s).resumable()) {
          found.add(r);
        }
      } catch (RuntimeException unreadable) {
        ctx.warn(
            "run "
                + r
                + " cannot be read: "
                + unreadable.getMessage().lines().findFirst().orElse(""));
      }
    }
    if (found.size() > 1) {
      ctx.warn(
          "other interrupted runs: "
              + String.join(", ", found.subList(1, found.size()))
              + " (resume each with grove resume RUN)");
    }
    return found.isEmpty() ? null : found.get(0);
  }
}
