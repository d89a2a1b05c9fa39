package dev.grove.cli;

import java.util.OptionalInt;
import picocli.CommandLine;

/**
 * The {@code grove} command line. Everything is wired here, with constructors; the picocli side of
 * it is {@link GroveCommand#commandLine}, which a bare {@code --version} and the plain session
 * reads of {@link Shortcuts} never load.
 */
public final class Main {
  private final Context ctx;

  public Main(Context ctx) {
    this.ctx = ctx;
  }

  public static void main(String[] args) {
    Main main = new Main(Context.system());
    if (isVersion(args) || Shortcuts.command(main.ctx, args).isPresent()) {
      // these start no thread that could keep the JVM alive and register no shutdown hook, and
      // System.exit would first set up the JDK's platform logging (to log the exit), which looks
      // for a logger service in every jar of the class path: more than such a command costs
      int code = main.run(args);
      if (code != Exits.OK) {
        Runtime.getRuntime().halt(code); // the output is flushed: run() did it
      }
      return;
    }
    System.exit(main.run(args));
  }

  private static boolean isVersion(String... args) {
    return args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"));
  }

  /** Runs one command line and returns its exit code. */
  public int run(String... args) {
    if (isVersion(args)) {
      // what picocli prints for it, without building a command line: reading the commands'
      // annotations costs several times what starting the JVM does
      for (String line : Version.lines()) {
        ctx.out().println(line);
      }
      ctx.out().flush();
      return Exits.OK;
    }
    // the session commands that read, on a plain command line, run without building picocli's
    OptionalInt shortcut = Shortcuts.run(ctx, args);
    int code = shortcut.isPresent() ? shortcut.getAsInt() : commandLine(args).execute(args);
    ctx.out().flush();
    ctx.err().flush();
    return code;
  }

  /** The command line for {@code args}, with the commands they need. */
  CommandLine commandLine(String... args) {
    return GroveCommand.commandLine(ctx, args);
  }
}
