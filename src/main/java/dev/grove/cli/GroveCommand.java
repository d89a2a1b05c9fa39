package dev.grove.cli;

import java.lang.reflect.Constructor;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

@Command(
    name = "grove",
    mixinStandardHelpOptions = true,
    scope = ScopeType.INHERIT,
    versionProvider = GroveCommand.VersionProvider.class,
    description =
        "Run many AI coding agents on one repository in parallel: each in its own git worktree, "
            + "each conversation a branch of an append-only session tree you can trace, rewind and retry.",
    footer = {
      "",
      "Run 'grove COMMAND --help' for a command's options. Exit codes: 0 ok, 1 failed,",
      "2 bad usage, 3 not found, 4 damaged data, 5 I/O or tool failure, 70 internal error."
    })
final class GroveCommand implements Runnable {
  /**
   * A command under {@code grove}: the name its {@code @Command} gives, its class, and its own
   * subcommands when it lists them here rather than in its {@code @Command} (so that only the one
   * named is built).
   */
  record Sub(String name, Class<?> type, List<Sub> subcommands) {
    Sub {
      subcommands = List.copyOf(subcommands);
    }

    Sub(String name, Class<?> type) {
      this(name, type, List.of());
    }
  }

  /**
   * The commands, in the order {@code --help} lists them. {@link Main} adds only those a command
   * line needs: picocli reflects over a command's whole tree (and creates every command in it) when
   * it is added, which costs more than the rest of a short command.
   */
  static final List<Sub> COMMANDS =
      List.of(
          new Sub("demo", DemoCommand.class),
          new Sub("run", RunCommand.class),
          new Sub("status", StatusCommand.class),
          new Sub("watch", WatchCommand.class),
          new Sub("say", SayCommand.class),
          new Sub("serve", ServeCommand.class),
          new Sub("fork", ForkCommand.class),
          new Sub("why", WhyCommand.class),
          new Sub("resume", ResumeCommand.class),
          new Sub("clean", CleanCommand.class),
          new Sub("merge", MergeCommand.class),
          new Sub("attempts", AttemptsCommand.class),
          new Sub("agent", AgentCommand.class),
          new Sub("session", SessionCommand.class, SessionCommand.SUBCOMMANDS),
          new Sub("sessions", SessionsCommand.class),
          new Sub("worktree", WorktreeCommand.class),
          new Sub("checkpoint", CheckpointCommand.class),
          new Sub("model", ModelCommand.class),
          new Sub("sandbox", SandboxCommand.class),
          new Sub("doctor", DoctorCommand.class),
          new Sub("trust", TrustCommand.class),
          new Sub("bench", BenchCommand.class));

  /**
   * The commands a command line needs: the one it starts with, else all of them (help, a mistyped
   * command and its suggestions, options before the command).
   */
  static List<Sub> needed(String... args) {
    return needed(COMMANDS, 0, args);
  }

  /** Of {@code among}, the one {@code args[at]} names, else all of them. */
  private static List<Sub> needed(List<Sub> among, int at, String... args) {
    if (args.length > at) {
      for (Sub c : among) {
        if (c.name().equals(args[at])) {
          return List.of(c);
        }
      }
    }
    return among;
  }

  /**
   * The command line for {@code args}, with the commands they need; commands that take a {@link
   * Context} get {@code ctx}.
   */
  static CommandLine commandLine(Context ctx, String... args) {
    Factory factory = new Factory(ctx);
    CommandLine cli = new CommandLine(new GroveCommand(), factory);
    List<Sub> commands = needed(args);
    for (Sub sub : commands) {
      CommandLine command = new CommandLine(sub.type(), factory);
      // its subcommands: the one named when the command was, else all (help, suggestions)
      List<Sub> subs =
          commands.size() == 1 ? needed(sub.subcommands(), 1, args) : sub.subcommands();
      for (Sub s : subs) {
        command.addSubcommand(s.name(), new CommandLine(s.type(), factory));
      }
      cli.addSubcommand(sub.name(), command);
    }
    // settings reach the subcommands present when they are set
    cli.setOut(ctx.out());
    cli.setErr(ctx.err());
    cli.setExecutionExceptionHandler(Exits.handler(ctx));
    cli.setParameterExceptionHandler(
        (ex, params) -> {
          ctx.err().println("grove: " + ex.getMessage());
          if (ex instanceof CommandLine.UnmatchedArgumentException u) {
            CommandLine.UnmatchedArgumentException.printSuggestions(
                u, ctx.err()); // "Did you mean: grove status?"
          }
          CommandLine c = ex.getCommandLine();
          ctx.err().println("Try '" + c.getCommandSpec().qualifiedName() + " --help' for more.");
          ctx.err().flush();
          return Exits.USAGE;
        });
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    return cli;
  }

  /** Creates commands, handing the context to those that take it. */
  private record Factory(Context ctx) implements CommandLine.IFactory {
    @Override
    public <K> K create(Class<K> cls) throws Exception {
      try {
        Constructor<K> c = cls.getDeclaredConstructor(Context.class);
        c.setAccessible(true);
        return c.newInstance(ctx);
      } catch (NoSuchMethodException e) {
        return CommandLine.defaultFactory().create(cls);
      }
    }
  }

  /** {@code --version} through picocli (after a command's name: {@code grove session -V}). */
  static final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return Version.lines().toArray(new String[0]);
    }
  }

  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
