package dev.grove.orchestrator;

import dev.grove.git.SetupRunner;
import dev.grove.sandbox.CommandRequest;
import dev.grove.sandbox.CommandResult;
import dev.grove.sandbox.Sandbox;
import dev.grove.sandbox.SandboxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Runs worktrees' setup commands in the sandbox, confined to the new worktree like an agent's
 * commands, but with the network (a setup usually installs dependencies). Only the GROVE_*
 * variables reach it on top of the sandbox's allowlist: none of grove's own environment, so no
 * keys.
 */
public final class SandboxedSetup {
  private SandboxedSetup() {}

  /**
   * @param sandbox made when a setup first runs (so a missing bubblewrap only matters then)
   */
  public static SetupRunner runner(Supplier<Sandbox> sandbox) {
    return (worktree, command, env, timeout, log) -> {
      Map<String, String> grove = new LinkedHashMap<>();
      env.forEach(
          (k, v) -> {
            if (k.startsWith("GROVE_")) {
              grove.put(k, v);
            }
          });
      CommandResult r;
      try {
        r =
            sandbox
                .get()
                .run(new CommandRequest(worktree, Path.of(""), command, timeout, true, grove));
      } catch (SandboxException.Interrupted e) {
        throw new InterruptedException(e.getMessage());
      }
      Files.writeString(
          log,
          r.stdout().text() + (r.stderr().text().isEmpty() ? "" : "[stderr]\n" + r.stderr().text()),
          StandardCharsets.UTF_8);
      return new SetupRunner.Outcome(r.exitCode(), r.timedOut());
    };
  }
}
