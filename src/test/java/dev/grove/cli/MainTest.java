package dev.grove.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The command line is built with only the commands it needs, and behaves as if it had them all. */
class MainTest {
  @TempDir Path dir;

  private CommandLine commandLine(String... args) {
    return new Main(new CliRunner(dir).context()).commandLine(args);
  }

  @Test
  void everyCommandIsListedUnderTheNameItsAnnotationGives() {
    for (List<GroveCommand.Sub> list : List.of(GroveCommand.COMMANDS, SessionCommand.SUBCOMMANDS)) {
      for (GroveCommand.Sub sub : list) {
        assertThat(sub.type().getAnnotation(Command.class).name()).isEqualTo(sub.name());
        // listed in one place: a command's subcommands are in its Sub or its @Command, not both
        assertThat(
                sub.subcommands().isEmpty()
                    || sub.type().getAnnotation(Command.class).subcommands().length == 0)
            .as(sub.name())
            .isTrue();
      }
      assertThat(list.stream().map(GroveCommand.Sub::type).distinct()).hasSize(list.size());
    }
  }

  @Test
  void aSessionCommandLineBuildsTheSubcommandItNamesAlone() {
    CommandLine session =
        commandLine("session", "append", "x.jsonl").getSubcommands().get("session");
    assertThat(session.getSubcommands()).containsOnlyKeys("append");
    List<String> all = SessionCommand.SUBCOMMANDS.stream().map(GroveCommand.Sub::name).toList();
    for (String[] args :
        List.of(
            new String[] {"session"},
            new String[] {"session", "--help"},
            new String[] {"session", "apend", "x.jsonl"},
            new String[] {"--help"})) {
      assertThat(commandLine(args).getSubcommands().get("session").getSubcommands().keySet())
          .containsExactlyElementsOf(all);
    }
  }

  @Test
  void aMistypedSessionSubcommandIsStillSuggestedAndTheHelpListsThemAll() {
    CliRunner cli = new CliRunner(dir);
    CliRunner.Result typo = cli.run("session", "apend", "x.jsonl");
    assertThat(typo.exit()).isEqualTo(Exits.USAGE);
    assertThat(typo.err()).contains("Did you mean").contains("append");
    CliRunner.Result help = cli.run("session", "--help");
    for (GroveCommand.Sub sub : SessionCommand.SUBCOMMANDS) {
      assertThat(help.out()).contains("  " + sub.name() + " ");
    }
  }

  @Test
  void aCommandLineStartingWithACommandBuildsThatCommandAlone() {
    assertThat(commandLine("session", "leaves", "x.jsonl").getSubcommands())
        .containsOnlyKeys("session");
    assertThat(commandLine("session").getSubcommands().get("session").getSubcommands())
        .containsKeys("leaves", "tree", "new");
  }

  @Test
  void commandsAboutTheRepositorysRunsSayWhenThereIsNoRepository() {
    for (String[] args :
        List.of(
            new String[] {"status"},
            new String[] {"watch", "20261201-000000-abcd"},
            new String[] {"attempts", "20261201-000000-abcd", "x"},
            new String[] {"say", "x", "hello"})) {
      CliRunner.Result r = new CliRunner(dir).run(args);
      assertThat(r.exit()).as(r.toString()).isEqualTo(Exits.USAGE);
      assertThat(r.err()).contains("is not in a git repository").contains("--repo");
    }
    // a run id outside a repository is a file name, and says so
    CliRunner.Result tree = new CliRunner(dir).run("session", "tree", "20261201-000000");
    assertThat(tree.err()).contains("does not exist").doesNotContain("git repository");
  }

  @Test
  void versionIsPrintedWithoutACommandLineAsPicocliPrintsIt() {
    java.io.StringWriter picocli = new java.io.StringWriter();
    CommandLine cli = commandLine("--version");
    cli.setOut(new java.io.PrintWriter(picocli));
    assertThat(cli.execute("--version")).isZero();
    CliRunner.Result own = new CliRunner(dir).run("--version");
    assertThat(own.exit()).isZero();
    assertThat(own.out()).isEqualTo(picocli.toString()).startsWith("grove ").contains("Java ");
    assertThat(new CliRunner(dir).run("-V").out()).isEqualTo(own.out());
  }

  @Test
  void helpMistakesAndOptionsBeforeTheCommandGetEveryCommand() {
    List<String> all = GroveCommand.COMMANDS.stream().map(GroveCommand.Sub::name).toList();
    for (String[] args :
        List.of(
            new String[] {},
            new String[] {"--help"},
            new String[] {"sesion", "tree"},
            new String[] {"-h", "session"},
            new String[] {"--version", "session"})) {
      assertThat(commandLine(args).getSubcommands().keySet()).containsExactlyElementsOf(all);
    }
  }

  @Test
  void aCommandBuiltAloneKeepsTheInheritedHelpAndVersionOptions() {
    CliRunner cli = new CliRunner(dir);
    CliRunner.Result help = cli.run("session", "leaves", "--help");
    assertThat(help.exit()).as(help.toString()).isZero();
    assertThat(help.out()).contains("Usage: grove session leaves").contains("--version");
    CliRunner.Result version = cli.run("session", "-V");
    assertThat(version.exit()).as(version.toString()).isZero();
    assertThat(version.out()).startsWith("grove ");
  }

  @Test
  void aMistypedCommandIsStillSuggestedAndTheHelpListsEveryCommand() {
    CliRunner cli = new CliRunner(dir);
    CliRunner.Result typo = cli.run("sesion", "tree");
    assertThat(typo.exit()).isEqualTo(Exits.USAGE);
    assertThat(typo.err()).contains("Did you mean").contains("session");
    CliRunner.Result help = cli.run("--help");
    for (GroveCommand.Sub sub : GroveCommand.COMMANDS) {
      assertThat(help.out()).contains("  " + sub.name() + " ");
    }
    assertThat(cli.run("--version").out()).startsWith("grove ");
  }
}
