package dev.grove.web;

import dev.grove.agent.Agent;
import dev.grove.git.Git;
import dev.grove.orchestrator.ForkPoint;
import dev.grove.orchestrator.LaneState;
import dev.grove.orchestrator.Orchestrator;
import dev.grove.orchestrator.SampleRepository;
import dev.grove.orchestrator.Workbench;
import dev.grove.sandbox.Backend;
import dev.grove.secrets.Secrets;
import dev.grove.session.catalog.Places;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The demo's run, made for the dashboard's tests: three lanes on the shop repository (two shipped,
 * one failed at verification) and a fork of the failed one that shipped, with a dashboard over it.
 */
final class DemoRun {
  final Path dir;
  final SampleRepository.Made shop;
  final Path script;
  final String run;

  private DemoRun(Path dir, SampleRepository.Made shop, Path script, String run) {
    this.dir = dir;
    this.shop = shop;
    this.script = script;
    this.run = run;
  }

  static Map<String, String> env() {
    Map<String, String> env = new HashMap<>();
    env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
    return env;
  }

  /** A workbench on {@code repo} with grove's home in {@code dir} and the scripted model. */
  static Workbench workbench(Path dir, Path repo, Path script) {
    return Workbench.open(
        new Workbench.Settings(
            repo,
            dir.resolve("grove-home"),
            dir.resolve("home"),
            env(),
            Clock.systemUTC(),
            Backend.BUBBLEWRAP,
            "scripted:" + script,
            null,
            Agent.Limits.defaults(),
            null));
  }

  /** Runs the demo in {@code dir}. */
  static DemoRun make(Path dir) {
    SampleRepository.Made shop = SampleRepository.create(dir, new Git(Map.of()));
    Path script = SampleRepository.writeScript(dir.resolve("agents.json"));
    Workbench wb = workbench(dir, shop.repo(), script);
    try (Orchestrator run =
        Orchestrator.start(
            wb,
            new Orchestrator.Options("main", 3, 0, null, "origin", null, true),
            Orchestrator.Listener.NONE,
            "tasks")) {
      run.runTasks(SampleRepository.TASKS);
      ForkPoint at = ForkPoint.afterFailure(run.session(), "fix-rounding", "verification failed");
      String lane =
          run.fork(
              at.entryId(),
              "Hint: rounding up is wrong too; round half up to the nearest cent.",
              null);
      if (run.await(lane) != LaneState.SHIPPED) {
        throw new IllegalStateException("the demo's fork did not ship: " + run.status());
      }
      return new DemoRun(dir, shop, script, run.runId());
    }
  }

  /**
   * A dashboard over the runs in this directory's grove home, on a free port; its Sessions view
   * lists those runs and other tools' sessions in the usual places under {@link #home()}.
   */
  Dashboard serve(String token) {
    return Dashboard.start(
        new Dashboard.Settings(
            "127.0.0.1",
            0,
            dir.resolve("grove-home"),
            List.of(),
            Secrets.none(),
            token,
            repo -> workbench(dir, repo, script),
            Places.usual(home(), Map.of())));
  }

  /**
   * The home whose pi, Claude Code and Codex sessions the dashboard lists (empty to begin with).
   */
  Path home() {
    return dir.resolve("sessions-home");
  }
}
