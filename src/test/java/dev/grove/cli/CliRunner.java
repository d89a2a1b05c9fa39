package dev.grove.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

/**
 * Runs the grove CLI in-process with captured output, a given working directory and environment.
 */
final class CliRunner {
  record Result(int exit, String out, String err) {
    @Override
    public String toString() {
      return "exit " + exit + "\n--- out\n" + out + "--- err\n" + err;
    }
  }

  final Path cwd;
  final Map<String, String> env = new HashMap<>();

  CliRunner(Path cwd) {
    this.cwd = cwd;
  }

  Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = new Main(context(out, err)).run(args);
    return new Result(code, out.toString(), err.toString());
  }

  /** A context whose output is thrown away. */
  Context context() {
    return context(new StringWriter(), new StringWriter());
  }

  /** A context printing to {@code out} and {@code err}. */
  Context context(StringWriter out, StringWriter err) {
    return new Context(
        new PrintWriter(out, true),
        new PrintWriter(err, true),
        Map.copyOf(env),
        cwd,
        Clock.systemUTC(),
        true,
        false);
  }
}
