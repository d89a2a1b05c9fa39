package dev.grove.cli;

import dev.grove.orchestrator.LaneState;
import dev.grove.orchestrator.LaneStatus;
import dev.grove.orchestrator.OrchestratorException;
import dev.grove.orchestrator.RunState;
import dev.grove.orchestrator.RunStatus;
import dev.grove.orchestrator.Runs;
import dev.grove.orchestrator.Steering;
import dev.grove.secrets.Secrets;
import dev.grove.session.Entry;
import dev.grove.session.SessionStore;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "say",
    description = {
      "Send a message to a running agent, from any terminal: it reads it before its next model call, "
          + "as a user message of its lane (never between a turn's tool calls and their results). A lane "
          + "that was stopped or cut off gets it when the run is resumed.%n",
      "LANE main is the orchestrator agent of a --plan run."
    },
    footer = {"", "Example:", "  grove say fix-login \"The session check is in Session.java\""})
final class SayCommand implements Callable<Integer> {
  private final Context ctx;

  @Parameters(index = "0", paramLabel = "LANE", description = "The agent's lane.")
  String lane;

  @Parameters(index = "1", paramLabel = "TEXT", description = "The message.")
  String text;

  @Option(
      names = "--run",
      paramLabel = "RUN",
      description = "The run (default: the newest run in which LANE is at work).")
  String run;

  @Mixin RepoOption repo;

  @Mixin JsonFlag json;

  SayCommand(Context ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() {
    Path sessions = StatusCommand.sessionsDir(ctx, repo.dir(ctx));
    Path file = Runs.file(sessions, run != null ? run : runOf(sessions));
    String runId = file.getFileName().toString().replaceFirst("\\.jsonl$", "");
    try (SessionStore s = SessionStore.open(file)) {
      Entry sent = Steering.say(s, lane, text, Secrets.of(ctx.env(), List.of()));
      boolean live = RunStatus.of(runId, s).state() == RunState.LIVE;
      String detail =
          live
              ? lane + " reads it before its next model call"
              : "run "
                  + runId
                  + " is not live: "
                  + lane
                  + " reads it when the run is resumed (grove resume "
                  + runId
                  + ")";
      if (json.json) {
        Json.print(
            ctx.out(),
            Json.object()
                .put("run", runId)
                .put("lane", lane)
                .put("entry", sent.id())
                .put("detail", detail));
      } else {
        ctx.out()
            .println("message " + sent.id() + " for " + lane + " (run " + runId + "): " + detail);
      }
    }
    return Exits.OK;
  }

  /** The newest run in which the lane is at work, else the newest that has it (to say why not). */
  private String runOf(Path sessions) {
    if (lane.equals("main")) {
      return null;
    }
    String withLane = null;
    for (String r : Runs.list(sessions)) {
      try (SessionStore s = SessionStore.open(sessions.resolve(r + ".jsonl"))) {
        for (LaneStatus l : RunStatus.of(r, s).lanes()) {
          if (l.lane().equals(lane)) {
            if (l.state() == LaneState.RUNNING || l.state() == LaneState.STOPPED) {
              return r;
            }
            withLane = withLane == null ? r : withLane;
          }
        }
      } catch (RuntimeException unreadable) {
        // a damaged run is not the one meant; grove status names it
      }
    }
    if (withLane == null) {
      throw new OrchestratorException.NotFound(
          "no run has a lane " + lane + " (grove status lists the runs and their lanes)");
    }
    return withLane;
  }
}
