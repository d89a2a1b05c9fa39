package dev.grove.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

@Command(
    name = "grove",
    mixinStandardHelpOptions = true,
    scope = ScopeType.INHERIT,
    versionProvider = Main.Version.class,
    description =
        "Run many AI coding agents on one repository in parallel: each in its own git worktree, "
            + "each conversation a branch of an append-only session tree you can trace, rewind and retry.",
    subcommands = {
      DemoCommand.class,
      RunCommand.class,
      StatusCommand.class,
      WatchCommand.class,
      SayCommand.class,
      ServeCommand.class,
      ForkCommand.class,
      WhyCommand.class,
      ResumeCommand.class,
      CleanCommand.class,
      MergeCommand.class,
      AgentCommand.class,
      SessionCommand.class,
      WorktreeCommand.class,
      CheckpointCommand.class,
      ModelCommand.class,
      SandboxCommand.class,
      DoctorCommand.class,
      TrustCommand.class,
      BenchCommand.class
    },
    footer = {
      "",
      "Run 'grove COMMAND --help' for a command's options. Exit codes: 0 ok, 1 failed,",
      "2 bad usage, 3 not found, 4 damaged data, 5 I/O or tool failure, 70 internal error."
    })
final class GroveCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
