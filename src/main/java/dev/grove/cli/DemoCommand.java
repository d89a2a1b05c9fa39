package dev.grove.cli;

import dev.grove.agent.Agent;
import dev.grove.agent.CodingTools;
import dev.grove.git.Git;
import dev.grove.orchestrator.ForkPoint;
import dev.grove.orchestrator.LaneState;
import dev.grove.orchestrator.LaneStatus;
import dev.grove.orchestrator.Orchestrator;
import dev.grove.orchestrator.RunStatus;
import dev.grove.orchestrator.SampleRepository;
import dev.grove.orchestrator.Workbench;
import dev.grove.sandbox.Backend;
import dev.grove.sandbox.SandboxException;
import dev.grove.session.TreeDrawing;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "demo",
    description = {
      "grove's main job on its embedded default: no API key, no network, under a minute.%n",
      "Creates a small repository with a failing test suite (and a bare remote), runs three tasks in parallel with the "
          + "scripted model, each agent in its own worktree and sandbox, all in one session file. One agent makes a bad "
          + "decision and fails its tests; the demo forks that lane from just before the decision with a hint, and the "
          + "retry succeeds. All three end as pull requests on the remote. Then it prints the session tree and the run's "
          + "status, and the commands to explore further."
    })
final class DemoCommand implements Callable<Integer> {
  private final Context ctx;

  @Option(
      names = "--dir",
      paramLabel = "DIR",
      description = "Where to create it (default: a new temporary directory).")
  Path dir;

  DemoCommand(Context ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() throws IOException {
    Path where = dir == null ? Files.createTempDirectory("grove-demo-") : ctx.path(dir);
    Files.createDirectories(where);
    Git git = new Git(ctx.env());
    SampleRepository.Made shop = SampleRepository.create(where, git);
    Path script = SampleRepository.writeScript(where.resolve("agents.json"));
    say("grove demo: a repository with failing tests, three agents, one bad decision and a retry.");
    say("  repository " + shop.repo() + " (remote " + shop.remote() + ")");
    say("  model      scripted:" + script + " (plays recorded turns: no key, no network)");
    say("");

    Workbench wb = open(shop.repo(), where, script);
    Progress progress = new Progress(ctx);
    Orchestrator.Options options =
        new Orchestrator.Options("main", 3, 0, null, "origin", null, true);
    try (Orchestrator run = Orchestrator.start(wb, options, progress, "tasks")) {
      Path session = run.session().file();
      say("1. Three tasks, three agents in parallel; one session file: " + session);
      RunStatus st =
          WorkOptions.stoppable(ctx, wb.repo(), run, () -> run.runTasks(SampleRepository.TASKS));
      progress.done();
      LaneStatus failed =
          st.lanes().stream().filter(l -> l.state() == LaneState.FAILED).findFirst().orElse(null);
      if (failed == null) {
        say("(no lane failed this time; nothing to fork)");
      } else {
        ForkPoint at = ForkPoint.afterFailure(run.session(), failed.lane(), failed.detail());
        say("");
        say("2. " + failed.lane() + " failed: " + failed.detail());
        say(
            "   Its bad decision came just after entry "
                + at.entryId()
                + ". Forking from there, with a hint:");
        String hint =
            "Hint: rounding up is wrong too (1.234 must give 1.23); round half up to the nearest cent.";
        say("   \"" + hint + "\"");
        say(
            "   The new lane keeps the context up to that entry, and its worktree the files of that moment.");
        String lane = run.fork(at.entryId(), hint, null);
        WorkOptions.stoppable(ctx, wb.repo(), run, () -> run.await(lane));
        progress.done();
      }
      st = run.status();
      say("");
      say(
          "3. The run's session tree (one file: the orchestrator's lane main, one lane per agent, the fork):");
      say("");
      TreeDrawing.draw(
          run.session(),
          new TreeDrawing.Options(null, false, ctx.unicode(), 120),
          ctx.out()::println);
      StatusCommand.print(ctx, st, false);
      String why = whyHint(git, shop.repo());
      say("");
      // the launcher's own path when it ran us: a fresh clone has ./grove, not grove on PATH
      String grove = ctx.env().getOrDefault("GROVE_LAUNCHER", "grove");
      say("Explore it:");
      say(
          "  export GROVE_HOME="
              + where.resolve("grove-home")
              + "    # the demo's worktrees live here, not in ~/.grove");
      say("  cd " + shop.repo());
      say("  " + grove + " status " + run.runId());
      say("  " + grove + " session tree " + session + " --all");
      say(
          "  git -C "
              + shop.remote()
              + " branch          # the pull requests: task/* branches on the remote");
      if (why != null) {
        say(
            "  "
                + grove
                + " why "
                + why
                + " --rev task/fix-rounding-2   # the reasoning behind a line of code");
      }
      say(
          "  "
              + grove
              + " merge fix-discount   # merge a pull request into main (conflict check first)");
      return st.succeeded() ? Exits.OK : Exits.FAILED;
    }
  }

  /**
   * The demo's workbench: grove's home inside the demo directory (nothing touches ~/.grove),
   * bubblewrap when it can run here, and the JDK that runs grove first on the agents' PATH (the
   * shop's tests compile with javac).
   */
  private Workbench open(Path repo, Path where, Path script) {
    Map<String, String> env = new HashMap<>(ctx.env());
    env.remove("GROVE_MODEL");
    String path =
        Path.of(System.getProperty("java.home"), "bin")
            + ":"
            + env.getOrDefault("PATH", "/usr/bin:/bin");
    CodingTools.Options tools =
        new CodingTools.Options(Duration.ofMinutes(2), false, Map.of("PATH", path));
    Agent.Limits limits = new Agent.Limits(20, 0, 0, Duration.ofMinutes(5));
    try {
      return Workbench.open(
          new Workbench.Settings(
              repo,
              where.resolve("grove-home"),
              ctx.userHome(),
              env,
              ctx.clock(),
              Backend.BUBBLEWRAP,
              "scripted:" + script,
              null,
              limits,
              tools));
    } catch (SandboxException.Unavailable e) {
      ctx.warn(
          "bubblewrap cannot run here ("
              + e.problem()
              + "); the demo runs its agents' commands unconfined. "
              + e.fix());
      Workbench wb =
          Workbench.open(
              new Workbench.Settings(
                  repo,
                  where.resolve("grove-home"),
                  ctx.userHome(),
                  env,
                  ctx.clock(),
                  Backend.NONE,
                  "scripted:" + script,
                  null,
                  limits,
                  tools));
      wb.sandboxWarning().ifPresent(ctx::warn);
      return wb;
    }
  }

  /** FILE:LINE of the retry's rounding line, for the "grove why" hint. */
  private static String whyHint(Git git, Path repo) {
    var r = git.probe(repo, List.of("show", "task/fix-rounding-2:src/Pricing.java"));
    if (!r.ok()) {
      return null;
    }
    List<String> lines = r.stdout().lines().toList();
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).contains("HALF_UP")) {
        return "src/Pricing.java:" + (i + 1);
      }
    }
    return null;
  }

  private void say(String s) {
    ctx.out().println(s);
    ctx.out().flush();
  }
}
