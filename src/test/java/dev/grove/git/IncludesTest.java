package dev.grove.git;

import static dev.grove.git.GitFixture.read;
import static dev.grove.git.GitFixture.write;
import static org.assertj.core.api.Assertions.assertThat;

import dev.grove.git.Includes.Skipped;
import dev.grove.git.Worktrees.AddOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** .groveinclude copies when the list, the main checkout and the new worktree are hostile. */
class IncludesTest {
  static final String TOKEN = "ghp_grove_test_token_never_copied";
  @TempDir Path dir;
  GitFixture f;
  Path repo;
  Path outside;

  @BeforeEach
  void setUp() throws IOException {
    f = new GitFixture(dir);
    repo = f.repo("app");
    outside = Files.createDirectories(dir.resolve("outside"));
  }

  @Test
  void aStarNeverCopiesGrovesOrGitsOwnFiles() throws Exception {
    write(repo.resolve(".grove/sessions/run.jsonl"), "{\"token\":\"" + TOKEN + "\"}\n");
    write(repo.resolve(".grove/sandbox.properties"), "token=" + TOKEN + "\n");
    write(repo.resolve(".Grove/notes"), TOKEN + "\n");
    write(repo.resolve("sub/.grove/x"), TOKEN + "\n");
    write(repo.resolve(".env"), "LOCAL=1\n");
    write(repo.resolve(".groveinclude"), "*\n");
    Worktree w = f.worktrees(repo).add("star", AddOptions.defaults());
    assertThat(read(w.path().resolve(".env"))).isEqualTo("LOCAL=1\n");
    for (String p : List.of(".grove", ".Grove", "sub", ".groveinclude")) {
      assertThat(w.path().resolve(p)).as(p).doesNotExist();
    }
    try (Stream<Path> all = Files.walk(w.path())) {
      assertThat(
              all.filter(Files::isRegularFile)
                  .filter(p -> !p.equals(w.path().resolve(".git")))
                  .map(GitFixture::read))
          .noneMatch(content -> content.contains(TOKEN));
    }
  }

  @Test
  void theCopyReportsWhatItSkippedAndWhy() throws Exception {
    write(repo.resolve(".grove/sandbox.properties"), "token=" + TOKEN + "\n");
    write(repo.resolve(".env"), "LOCAL=1\n");
    Path target = Files.createDirectories(dir.resolve("target"));
    Includes.Report r = Includes.copy(f.git, repo, "*\n", target);
    assertThat(r.copied()).containsExactly(".env");
    assertThat(r.skipped()).extracting(Skipped::path).containsExactly(".grove/sandbox.properties");
    assertThat(r.skipped().get(0).reason()).contains("never copied");
  }

  @Test
  void aLinkedDirectoryInARestoredWorktreeReceivesNothing() throws Exception {
    Worktrees wts = f.worktrees(repo);
    Worktree agent = wts.add("agent", AddOptions.defaults());
    Files.createSymbolicLink(agent.path().resolve("config"), outside); // an agent's command left it
    String checkpoint = new Checkpoints(wts).snapshot(agent.path()).commit();
    write(repo.resolve("config/.env"), "KEY=" + TOKEN + "\n");
    write(repo.resolve(".groveinclude"), "config/.env\n");
    Worktree restored = new Checkpoints(wts).restore(checkpoint, "retry");
    assertThat(Files.isSymbolicLink(restored.path().resolve("config"))).isTrue();
    assertThat(outside.resolve(".env")).doesNotExist();
    try (Stream<Path> out = Files.list(outside)) {
      assertThat(out).isEmpty();
    }
    Includes.Report again = Includes.copy(f.git, repo, restored.path());
    assertThat(again.copied()).isEmpty();
    assertThat(again.skipped()).extracting(Skipped::path).containsExactly("config/.env");
    assertThat(again.skipped().get(0).reason()).contains("config is a symbolic link");
  }

  @Test
  void aLinkInTheMainCheckoutIsCopiedOnlyIfItIsRelativeAndStaysInside() throws Exception {
    write(outside.resolve("secret.env"), TOKEN + "\n");
    write(repo.resolve("real.env"), "REAL=1\n");
    Files.createSymbolicLink(repo.resolve("absolute.env"), outside.resolve("secret.env"));
    Files.createSymbolicLink(repo.resolve("climbing.env"), Path.of("../outside/secret.env"));
    Files.createSymbolicLink(repo.resolve("inside.env"), Path.of("real.env"));
    Files.createSymbolicLink(repo.resolve("sessions.env"), Path.of(".grove/sessions"));
    write(repo.resolve(".groveinclude"), "*.env\n");
    Path target = Files.createDirectories(dir.resolve("target"));
    Includes.Report r = Includes.copy(f.git, repo, target);
    assertThat(r.copied()).containsExactlyInAnyOrder("inside.env", "real.env");
    assertThat(r.skipped())
        .extracting(Skipped::path)
        .containsExactlyInAnyOrder("absolute.env", "climbing.env", "sessions.env");
    assertThat(Files.readSymbolicLink(target.resolve("inside.env"))).isEqualTo(Path.of("real.env"));
    for (String p : List.of("absolute.env", "climbing.env", "sessions.env")) {
      assertThat(Files.exists(target.resolve(p), java.nio.file.LinkOption.NOFOLLOW_LINKS))
          .as(p)
          .isFalse();
    }
  }

  @Test
  void aListThatIsALinkOutOfTheMainCheckoutIsNotRead() throws Exception {
    write(outside.resolve("list"), "*\n");
    write(repo.resolve(".env"), "LOCAL=1\n");
    Files.createSymbolicLink(repo.resolve(".groveinclude"), outside.resolve("list"));
    Path target = Files.createDirectories(dir.resolve("target"));
    Includes.Report r = Includes.copy(f.git, repo, target);
    assertThat(r.copied()).isEmpty();
    assertThat(r.skipped()).extracting(Skipped::path).containsExactly(".groveinclude");
  }

  @Test
  void filesAlreadyInTheNewWorktreeAreNotReplaced() throws Exception {
    write(repo.resolve(".env"), "FROM_MAIN=1\n");
    Path target = Files.createDirectories(dir.resolve("target"));
    write(target.resolve(".env"), "OWN=1\n");
    Includes.Report r = Includes.copy(f.git, repo, ".env\n", target);
    assertThat(r.copied()).isEmpty();
    assertThat(r.skipped())
        .extracting(Skipped::reason)
        .singleElement()
        .asString()
        .contains("already in the new worktree");
    assertThat(read(target.resolve(".env"))).isEqualTo("OWN=1\n");
  }
}
