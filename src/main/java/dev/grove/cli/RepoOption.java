package dev.grove.cli;

import dev.grove.git.Git;
import dev.grove.git.Worktrees;
import dev.grove.orchestrator.SandboxedSetup;
import dev.grove.sandbox.Sandboxes;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --repo DIR}, for every command that works on a repository. */
final class RepoOption {
  @Option(
      names = "--repo",
      paramLabel = "DIR",
      description = "The repository (default: the one containing the current directory).")
  Path repo;

  /** The directory given, else the current one. */
  Path dir(Context ctx) {
    return repo == null ? ctx.cwd() : ctx.path(repo);
  }

  Worktrees open(Context ctx) {
    Path dir = dir(ctx);
    // a setup command runs in the sandbox, made only if one runs
    dev.grove.orchestrator.ProjectTrust trust =
        dev.grove.orchestrator.ProjectTrust.at(ctx.groveHome());
    return new Worktrees(dir, ctx.groveHome(), new Git(ctx.env()))
        .withSetupRunner(
            SandboxedSetup.runner(
                () ->
                    Sandboxes.create(
                        Sandboxes.defaultBackend(), SandboxCommand.policy(ctx, dir), ctx.env())))
        .withIncludes(
            list -> {
              boolean trusted = trust.trusts(list);
              if (!trusted) {
                ctx.warn(
                    "ignoring "
                        + list
                        + ": it is not trusted; review it with `grove trust --show`, then `grove trust`");
              }
              return trusted;
            });
  }
}
