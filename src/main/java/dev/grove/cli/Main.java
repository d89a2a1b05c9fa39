package dev.grove.cli;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Constructor;
import java.util.Properties;
import picocli.CommandLine;

/** The {@code grove} command line. Everything is wired here, with constructors. */
public final class Main {
  private final Context ctx;

  public Main(Context ctx) {
    this.ctx = ctx;
  }

  public static void main(String[] args) {
    System.exit(new Main(Context.system()).run(args));
  }

  /** Runs one command line and returns its exit code. */
  public int run(String... args) {
    CommandLine cli = commandLine();
    int code = cli.execute(args);
    ctx.out().flush();
    ctx.err().flush();
    return code;
  }

  CommandLine commandLine() {
    CommandLine cli = new CommandLine(new GroveCommand(), new Factory(ctx));
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

  /** {@code --version}: the project version baked in at build time. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() throws IOException {
      Properties p = new Properties();
      try (InputStream in = Main.class.getResourceAsStream("version.properties")) {
        if (in != null) {
          p.load(in);
        }
      }
      return new String[] {
        "grove " + p.getProperty("version", "(unknown version)"),
        "Java " + Runtime.version() + " (" + System.getProperty("java.vendor", "?") + ")"
      };
    }
  }
}
