package dev.grove.cli;

import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

/**
 * What a command may touch of the world: its output streams, environment, working directory and
 * clock. Passed in, never read from globals, so tests run commands in-process side by side.
 *
 * @param unicode whether the terminal can show box-drawing characters
 * @param interactive whether output goes to a terminal that can redraw lines (live progress)
 */
public record Context(
    PrintWriter out,
    PrintWriter err,
    Map<String, String> env,
    Path cwd,
    Clock clock,
    boolean unicode,
    boolean interactive) {

  public static Context system() {
    Charset cs =
        Charset.forName(
            System.getProperty("stdout.encoding", Charset.defaultCharset().name()),
            StandardCharsets.UTF_8);
    String term = System.getenv("TERM");
    boolean tty =
        term != null && !term.equals("dumb") && System.getenv("CI") == null && terminalInAndOut();
    return writingTo(
        System.out, System.err, cs, System.getenv(), Path.of("").toAbsolutePath(), tty);
  }

  /**
   * A context printing to {@code out} and {@code err} as to a terminal: nothing printed may act on
   * it, and the environment's secrets are masked (collected on the first line printed, not before).
   */
  static Context writingTo(
      OutputStream out,
      OutputStream err,
      Charset cs,
      Map<String, String> env,
      Path cwd,
      boolean interactive) {
    java.util.function.Supplier<dev.grove.secrets.Secrets> secrets =
        dev.grove.secrets.Secrets::fromEnvironment;
    return new Context(
        new TerminalWriter(writer(out, cs), secrets),
        new TerminalWriter(writer(err, cs), secrets),
        env,
        cwd,
        Clock.systemUTC(),
        cs.equals(StandardCharsets.UTF_8),
        interactive);
  }

  /**
   * UTF-8 is encoded by the terminal filter itself, in the same pass (see {@link TerminalWriter}).
   */
  private static java.io.Writer writer(OutputStream out, Charset cs) {
    return cs.equals(StandardCharsets.UTF_8)
        ? new SafeUtf8Writer(out)
        : new OutputStreamWriter(out, cs);
  }

  /**
   * Whether standard input and output are a terminal: as the launcher found out ({@code
   * -Dgrove.terminal}), else as the JVM's console says (which loads and tries every console
   * provider of the JDK).
   */
  private static boolean terminalInAndOut() {
    String told = System.getProperty("grove.terminal");
    return told != null ? told.equals("true") : System.console() != null;
  }

  /** Resolves a path argument against the working directory. */
  public Path path(Path p) {
    return cwd.resolve(p).normalize();
  }

  /** The user's home directory (the JVM's {@code user.home}). */
  public Path userHome() {
    return Path.of(System.getProperty("user.home"));
  }

  /** Where grove keeps worktrees and user config: {@code GROVE_HOME}, else {@code ~/.grove}. */
  public Path groveHome() {
    String home = env.get("GROVE_HOME");
    return home != null && !home.isBlank() ? path(Path.of(home)) : userHome().resolve(".grove");
  }

  public void warn(String message) {
    err.println("grove: warning: " + message);
    err.flush();
  }
}
