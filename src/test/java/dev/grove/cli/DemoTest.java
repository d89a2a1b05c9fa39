package dev.grove.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.grove.git.Git;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code grove demo}, grove's main job on its embedded default, as the README's first command runs
 * it.
 */
class DemoTest {
  @TempDir Path tmp;

  @Test
  void threeAgentsOneBadDecisionARetryAndThreePullRequests() throws Exception {
    CliRunner cli = new CliRunner(tmp);
    CliRunner.Result r = cli.run("demo", "--dir", "d");
    assertThat(r.exit()).as(r.toString()).isZero();
    assertThat(r.out())
        .contains("[fix-rounding] failed: verification failed")
        .contains("Forking from there, with a hint")
        .contains("[fix-rounding-2] shipped: pull request:")
        .contains("fix-discount    shipped")
        .contains("add-tax         shipped")
        .contains("fix-rounding    failed")
        .contains("fix-rounding-2  shipped")
        .contains("grove why src/Pricing.java:");
    Path remote = tmp.resolve("d/shop-origin.git");
    Git git = new Git(Map.of());
    assertThat(git.run(remote, List.of("branch", "--format=%(refname:short)")).lines())
        .containsExactlyInAnyOrder(
            "main", "task/fix-discount", "task/add-tax", "task/fix-rounding-2");
    // one session file holds the whole run; it validates, and nothing leaked into the real
    // GROVE_HOME
    Path sessions = dev.grove.orchestrator.Runs.dir(tmp.resolve("d/shop"));
    try (Stream<Path> files = Files.list(sessions)) {
      List<Path> runs = files.filter(p -> p.toString().endsWith(".jsonl")).toList();
      assertThat(runs).hasSize(1);
      assertThat(cli.run("session", "validate", runs.get(0).toString()).exit()).isZero();
    }
    assertThat(tmp.resolve("d/grove-home/worktrees")).isDirectory();
    // the reasoning behind the retry's fix can be traced from the line of code
    CliRunner inRepo = new CliRunner(tmp.resolve("d/shop"));
    String line =
        r.out()
            .lines()
            .filter(l -> l.contains("grove why "))
            .findFirst()
            .orElseThrow()
            .replaceAll(".*grove why (\\S+).*", "$1");
    CliRunner.Result why = inRepo.run("why", line, "--rev", "task/fix-rounding-2");
    assertThat(why.exit()).as(why.toString()).isZero();
    assertThat(why.out())
        .contains("lane fix-rounding-2")
        .contains("Hint: rounding up is wrong too")
        .contains("◀ this wrote the line");
  }
}
