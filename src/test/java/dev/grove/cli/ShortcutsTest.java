package dev.grove.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The session reads run without picocli answer exactly as picocli's command line does. */
class ShortcutsTest {
  @TempDir Path dir;

  @BeforeEach
  void copyAGoldenSession() throws Exception {
    try (InputStream in = getClass().getResourceAsStream("/sessions/branches.jsonl")) {
      Files.copy(in, dir.resolve("b.jsonl"));
    }
  }

  private record Answer(int exit, String out, String err) {}

  private Answer run(boolean throughPicocli, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    Context ctx = new CliRunner(dir).context(out, err);
    int code =
        throughPicocli ? new Main(ctx).commandLine(args).execute(args) : new Main(ctx).run(args);
    return new Answer(code, out.toString(), err.toString());
  }

  @Test
  void aPlainSessionReadRunsWithoutPicocliAndAnswersAsPicocliDoes() {
    for (List<String> line :
        List.of(
            List.of("session", "leaves", "b.jsonl"),
            List.of("session", "leaves", "--json", "b.jsonl"),
            List.of("session", "tree", "b.jsonl"),
            List.of("session", "tree", "b.jsonl", "--all", "--json"),
            List.of("session", "tree", "b.jsonl", "--lane", "try-1"),
            List.of("session", "show", "b.jsonl", "a0000003"),
            List.of("session", "show", "b.jsonl", "bad-decision"),
            List.of("session", "context", "b.jsonl", "--lane", "try-2"),
            List.of("session", "context", "--entry", "a0000003", "b.jsonl", "--json"),
            // what fails fails the same way: the message, and the exit code
            List.of("session", "leaves", "missing.jsonl"),
            List.of("session", "tree", "b.jsonl", "--lane", "nope"),
            List.of("session", "show", "b.jsonl", "ffffffff"),
            List.of("session", "context", "b.jsonl", "--lane", "nope"))) {
      String[] args = line.toArray(String[]::new);
      assertThat(Shortcuts.command(new CliRunner(dir).context(), args)).as("%s", line).isPresent();
      Answer direct = run(false, args);
      assertThat(direct).as("%s", line).isEqualTo(run(true, args));
      assertThat(direct.out() + direct.err()).as("%s", line).isNotEmpty();
    }
  }

  @Test
  void anythingButAPlainCommandLineIsLeftToPicocli() {
    for (List<String> line :
        List.of(
            List.of("session", "leaves"),
            List.of("session", "leaves", "b.jsonl", "c.jsonl"),
            List.of("session", "leaves", "b.jsonl", "--json", "--json"),
            List.of("session", "leaves", "b.jsonl", "--json=true"),
            List.of("session", "leaves", "b.jsonl", "--help"),
            List.of("session", "leaves", "-V", "b.jsonl"),
            List.of("session", "leaves", "--", "b.jsonl"),
            List.of("session", "leaves", "@args.txt"),
            List.of("session", "tree", "b.jsonl", "--lane"),
            List.of("session", "tree", "b.jsonl", "--lane", "--all"),
            List.of("session", "tree", "b.jsonl", "--lane", "a", "--lane", "b"),
            List.of("session", "show", "b.jsonl"),
            List.of("session", "show", "b.jsonl", "--json", "a0000003"),
            List.of("session", "context", "b.jsonl"),
            List.of("session", "context", "b.jsonl", "--lane", "main", "--entry", "a0000003"),
            List.of("session", "label", "b.jsonl", "a0000003", "x"),
            List.of("session", "lea", "b.jsonl"),
            List.of("tree", "b.jsonl"))) {
      assertThat(Shortcuts.command(new CliRunner(dir).context(), line.toArray(String[]::new)))
          .as("%s", line)
          .isEmpty();
    }
  }

  @Test
  void aCommandLineLeftToPicocliStillGetsPicocliMessages() {
    Answer twice = run(false, "session", "leaves", "b.jsonl", "--json", "--json");
    assertThat(twice.exit()).isEqualTo(Exits.USAGE);
    assertThat(twice.err()).contains("--json").contains("grove session leaves --help");
    Answer neither = run(false, "session", "context", "b.jsonl");
    assertThat(neither.exit()).isEqualTo(Exits.USAGE);
    assertThat(neither.err()).contains("--entry").contains("--lane");
  }
}
