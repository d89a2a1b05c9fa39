package dev.grove.orchestrator;

import dev.grove.agent.Agent;
import dev.grove.sandbox.Backend;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

/**
 * The workbench orchestrator tests run on: bubblewrap, default limits, a model spec, homes under
 * the test's directory.
 */
final class TestBench {
  private TestBench() {}

  /**
   * Only {@code PATH}, so no secret or setting of the machine running the tests reaches an agent.
   */
  static Map<String, String> env() {
    Map<String, String> env = new HashMap<>();
    env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
    return env;
  }

  static Workbench open(Path tmp, Path repo, String modelSpec) {
    return open(tmp, repo, modelSpec, env(), null);
  }

  static Workbench open(
      Path tmp, Path repo, String modelSpec, Map<String, String> env, String setup) {
    return Workbench.open(
        new Workbench.Settings(
            repo,
            tmp.resolve("grove-home"),
            tmp.resolve("home"),
            env,
            Clock.systemUTC(),
            Backend.BUBBLEWRAP,
            modelSpec,
            null,
            Agent.Limits.defaults(),
            null,
            setup));
  }
}
