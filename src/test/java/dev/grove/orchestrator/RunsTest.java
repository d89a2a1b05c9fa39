package dev.grove.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.grove.git.Git;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where runs live, and how the runs an earlier version kept in the checkout are moved (or not). */
class RunsTest {
  @TempDir Path tmp;
  final Git git = new Git(Map.of("PATH", System.getenv("PATH")));

  Path repo() {
    Path repo = tmp.resolve("repo");
    git.run(tmp, List.of("init", "-q", "-b", "main", repo.toString()));
    return repo;
  }

  @Test
  void runsLiveInTheGitDirectoryFoundWithoutGitFromAnySubdirectoryOrWorktree() throws Exception {
    Path repo = repo();
    Files.createDirectories(repo.resolve("a/b"));
    Path expected = repo.resolve(".git/grove/sessions");
    assertThat(Runs.dir(repo)).isEqualTo(expected);
    assertThat(Runs.dir(repo.resolve("a/b"))).isEqualTo(expected);
    assertThat(Runs.mainCheckout(repo.resolve("a/b"))).isEqualTo(repo);
    Files.writeString(repo.resolve("f"), "x");
    git.run(repo, List.of("-c", "user.name=t", "-c", "user.email=t@t", "add", "f"));
    git.run(repo, List.of("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "one"));
    Path linked = tmp.resolve("linked");
    git.run(repo, List.of("worktree", "add", "-q", linked.toString()));
    Files.createDirectories(expected);
    assertThat(Runs.dir(linked).toRealPath()).isEqualTo(expected.toRealPath());
  }

  @Test
  void untrackedLegacyRunsAreMovedTrackedOnesAreLeftWithAWarning() throws Exception {
    Path repo = repo();
    Path legacy = repo.resolve(".grove/sessions");
    Files.createDirectories(legacy);
    Files.writeString(legacy.resolve("20260101-000000-aaaa.jsonl"), "{\"planted\":true}\n");
    git.run(repo, List.of("add", "-f", ".grove/sessions/20260101-000000-aaaa.jsonl"));
    Files.writeString(legacy.resolve("20261130-120000-bbbb.jsonl"), "{\"mine\":true}\n");
    Files.createSymbolicLink(
        legacy.resolve("20261130-120000-cccc.jsonl"), tmp.resolve("elsewhere"));

    Path runs = Runs.dir(repo);
    Runs.Migration m = Runs.migrate(git, repo, runs);
    assertThat(m.moved()).containsExactly("20261130-120000-bbbb");
    assertThat(m.warnings())
        .anySatisfy(w -> assertThat(w).contains("aaaa").contains("tracked by git"))
        .anySatisfy(w -> assertThat(w).contains("cccc").contains("not a regular file"));
    assertThat(Runs.list(runs)).containsExactly("20261130-120000-bbbb");
    assertThat(Files.readString(runs.resolve("20261130-120000-bbbb.jsonl"))).contains("mine");
    assertThat(Runs.migrate(git, repo, runs).moved()).isEmpty();
  }

  @Test
  void aRunIsNamedByItsIdNeverByAPathElsewhere() throws Exception {
    Path repo = repo();
    Path runs = Runs.dir(repo);
    Files.createDirectories(runs);
    Files.writeString(runs.resolve("20261130-120000-bbbb.jsonl"), "x\n");
    Path planted = repo.resolve("20261130-130000-dddd.jsonl");
    Files.writeString(planted, "x\n");
    assertThat(Runs.file(runs, "20261130-12"))
        .isEqualTo(runs.resolve("20261130-120000-bbbb.jsonl"));
    assertThat(Runs.file(runs, null)).isEqualTo(runs.resolve("20261130-120000-bbbb.jsonl"));
    assertThatThrownBy(() -> Runs.file(runs, planted.toString()))
        .isInstanceOf(OrchestratorException.NotFound.class);
  }
}
