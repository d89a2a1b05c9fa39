package dev.grove.cli;

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
    // what grove prints may carry agents' text: nothing in it may act on the terminal
    // the environment's secrets are collected on the first line printed, not before
    java.util.function.UnaryOperator<String> redact =
        s -> dev.grove.secrets.Secrets.fromEnvironment().redact(s);
    PrintWriter out = new TerminalWriter(new java.io.OutputStreamWriter(System.out, cs), redact);
    PrintWriter err = new TerminalWriter(new java.io.OutputStreamWriter(System.err, cs), redact);
    String term = System.getenv("TERM");
    boolean tty =
        System.console() != null
            && term != null
            && !term.equals("dumb")
            && System.getenv("CI") == null;
    return new Context(
        out,
        err,
        System.getenv(),
        Path.of("").toAbsolutePath(),
        Clock.systemUTC(),
        cs.equals(StandardCharsets.UTF_8),
        tty);
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
