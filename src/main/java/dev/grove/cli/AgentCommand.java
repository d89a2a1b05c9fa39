package dev.grove.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.grove.agent.Agent;
import dev.grove.orchestrator.SoloAgent;
import dev.grove.orchestrator.Workbench;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "agent",
    description = "One coding agent, on its own.",
    subcommands = {AgentCommand.Run.class})
final class AgentCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(
      name = "run",
      description = {
        "Run one agent on a task in its own worktree (created if needed) and record every "
            + "step in its lane of a session file. Prints one line per step (tool, outcome, tokens, cost) and a summary. "
            + "Nothing is committed or pushed: see grove run for that.%n",
        "Giving --session with a file whose lane exists continues that conversation with the new task."
      })
  static final class Run implements Callable<Integer> {
    private final Context ctx;

    @Option(
        names = "--task",
        paramLabel = "TEXT",
        required = true,
        description = "What the agent should do.")
    String task;

    @Option(
        names = "--worktree",
        paramLabel = "SLUG",
        description = "The worktree (and lane) to work in (default: from the task).")
    String worktree;

    @Option(
        names = "--session",
        paramLabel = "FILE",
        description =
            "The session file (default: a new one among the repository's runs, .git/grove/sessions/).")
    Path session;

    @Mixin JsonFlag json;

    @Mixin WorkOptions work;

    Run(Context ctx) {
      this.ctx = ctx;
    }

    @Override
    public Integer call() {
      Workbench wb = work.open(ctx, work.config(ctx));
      Progress progress = new Progress(ctx, json.json);
      SoloAgent.Result r =
          SoloAgent.run(
              wb,
              task,
              worktree,
              session == null ? null : ctx.path(session),
              work.model,
              progress::step);
      progress.done();
      Agent.Outcome o = r.outcome();
      String end =
          switch (o) {
            case Agent.Outcome.Finished f -> "finished: " + f.summary();
            case Agent.Outcome.Failed f -> "failed: " + f.reason();
            case Agent.Outcome.Stopped s -> "stopped: " + s.reason();
          };
      if (json.json) {
        ObjectNode j =
            Json.object()
                .put("lane", r.lane())
                .put("worktree", r.worktree().toString())
                .put("branch", r.branch())
                .put("session", r.session().toString())
                .put(
                    "state",
                    o instanceof Agent.Outcome.Finished
                        ? "finished"
                        : o instanceof Agent.Outcome.Failed ? "failed" : "stopped")
                .put("detail", end.substring(end.indexOf(": ") + 2))
                .put("steps", o.stats().steps())
                .put("inputTokens", o.stats().usage().inputTokens())
                .put("outputTokens", o.stats().usage().outputTokens())
                .put("cost", o.stats().usage().cost())
                .put("seconds", o.stats().elapsed().toMillis() / 1000.0);
        Json.print(ctx.out(), j);
      } else {
        ctx.out().println();
        ctx.out().println(r.lane() + " " + end);
        ctx.out()
            .println(
                String.format(
                    Locale.ROOT,
                    "%d steps, %s tokens, $%.4f, %.1f s",
                    o.stats().steps(),
                    Progress.tokens(
                        o.stats().usage().inputTokens() + o.stats().usage().outputTokens()),
                    o.stats().usage().cost(),
                    o.stats().elapsed().toMillis() / 1000.0));
        ctx.out().println("worktree " + r.worktree() + " (branch " + r.branch() + ")");
        ctx.out()
            .println(
                "session  "
                    + r.session()
                    + "   (grove session tree "
                    + r.session()
                    + " --lane "
                    + r.lane()
                    + ")");
      }
      return o instanceof Agent.Outcome.Finished ? Exits.OK : Exits.FAILED;
    }
  }
}
