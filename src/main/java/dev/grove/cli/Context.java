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
 */
public record Context(
    PrintWriter out, PrintWriter err, Map<String, String> env, Path cwd, Clock clock, boolean unicode) {

  public static Context system() {
    Charset cs = Charset.forName(System.getProperty("stdout.encoding", Charset.defaultCharset().name()), StandardCharsets.UTF_8);
    PrintWriter out = new PrintWriter(new java.io.OutputStreamWriter(System.out, cs), true);
    PrintWriter err = new PrintWriter(new java.io.OutputStreamWriter(System.err, cs), true);
    return new Context(out, err, System.getenv(), Path.of("").toAbsolutePath(), Clock.systemUTC(),
        cs.equals(StandardCharsets.UTF_8));
  }

  /** Resolves a path argument against the working directory. */
  public Path path(Path p) {
    return cwd.resolve(p).normalize();
  }

  public void warn(String message) {
    err.println("grove: warning: " + message);
    err.flush();
  }
}
