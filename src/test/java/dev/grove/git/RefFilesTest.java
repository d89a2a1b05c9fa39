package dev.grove.git;

import static dev.grove.git.GitFixture.write;
import static org.assertj.core.api.Assertions.assertThat;

import dev.grove.git.RefFiles.Outcome;
import dev.grove.git.RefFiles.Update;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * grove's refs moved in-process ({@link RefFiles}) are what {@code git update-ref --stdin} makes of
 * them, refuse what git refuses, leave to git what git must judge, and exclude git (and each other)
 * through git's own lock files.
 */
class RefFilesTest {
  @TempDir Path dir;
  GitFixture f;
  Path repo;
  Path gitDir;
  RefFiles refs;
  List<String> commits = new ArrayList<>();

  static final String A = "refs/grove/last-checkpoint/worktrees/a";
  static final String K = "refs/grove/checkpoints/s1/e1";

  @BeforeEach
  void setUp() {
    f = new GitFixture(dir);
    repo = f.repo("r");
    gitDir = repo.resolve(".git");
    refs = new RefFiles(gitDir, Clock.systemUTC(), false, false);
    for (int i = 0; i < 4; i++) {
      write(repo.resolve("f.txt"), i + "\n");
      f.git(repo, "add", "f.txt");
      commits.add(f.commit(repo, "c" + i));
    }
  }

  private String at(String ref) {
    return f.git.probe(repo, List.of("rev-parse", "-q", "--verify", ref)).stdout().strip();
  }

  @Test
  void aTransactionMovesAndCreatesRefsAsGitDoesWithLogsThatNameGrove() throws Exception {
    assertThat(refs.apply(List.of(new Update(A, commits.get(0), null, true)), "grove: checkpoint"))
        .isEqualTo(Outcome.DONE);
    assertThat(
            refs.apply(
                List.of(
                    new Update(A, commits.get(1), commits.get(0), false),
                    new Update(K, commits.get(1), null, false)),
                "grove: checkpoint"))
        .isEqualTo(Outcome.DONE);

    assertThat(at(A)).isEqualTo(commits.get(1));
    assertThat(at(K)).isEqualTo(commits.get(1));
    assertThat(f.git(repo, "reflog", "--format=%H %gs", A).lines())
        .containsExactly(
            commits.get(1) + " grove: checkpoint", commits.get(0) + " grove: checkpoint");
    assertThat(GitFixture.read(gitDir.resolve("logs/" + A)))
        .startsWith("0".repeat(40) + " " + commits.get(0) + " grove <grove@grove.invalid> ");
    assertThat(gitDir.resolve("logs/" + K)).as("a kept entry's ref gets no log").doesNotExist();
    assertThat(f.git(repo, "for-each-ref", "--format=%(refname)", "refs/grove/").lines())
        .containsExactly(K, A);
    assertThat(f.git(repo, "fsck", "--no-dangling")).isEmpty();
    try (var s = Files.list(gitDir.resolve("refs/grove/checkpoints/s1"))) {
      assertThat(s.map(p -> p.getFileName().toString())).containsExactly("e1");
    }
  }

  @Test
  void aRefNotWhereExpectedMovesNothing() {
    refs.apply(List.of(new Update(A, commits.get(0), null, true)), "m");
    // created twice: refused, and the other ref of the transaction is not created either
    assertThat(
            refs.apply(
                List.of(
                    new Update(K, commits.get(2), null, false),
                    new Update(A, commits.get(2), null, false)),
                "m"))
        .isEqualTo(Outcome.REFUSED);
    assertThat(at(K)).isEmpty();
    // moved from the wrong place: refused
    assertThat(refs.apply(List.of(new Update(A, commits.get(2), commits.get(1), false)), "m"))
        .isEqualTo(Outcome.REFUSED);
    assertThat(at(A)).isEqualTo(commits.get(0));
    assertThat(gitDir.resolve(A + ".lock")).doesNotExist();
  }

  @Test
  void packedRefsAreReadWhereNoLooseRefIs() {
    refs.apply(List.of(new Update(A, commits.get(0), null, true)), "m");
    f.git(repo, "pack-refs", "--all", "--prune");
    assertThat(gitDir.resolve(A)).doesNotExist();
    assertThat(refs.apply(List.of(new Update(A, commits.get(1), null, false)), "m"))
        .as("exists, packed")
        .isEqualTo(Outcome.REFUSED);
    assertThat(refs.apply(List.of(new Update(A, commits.get(1), commits.get(0), false)), "m"))
        .isEqualTo(Outcome.DONE);
    assertThat(at(A)).isEqualTo(commits.get(1));
    // packed again, and moved again: the packed file is read anew
    f.git(repo, "pack-refs", "--all", "--prune");
    assertThat(refs.apply(List.of(new Update(A, commits.get(2), commits.get(1), false)), "m"))
        .isEqualTo(Outcome.DONE);
    assertThat(at(A)).isEqualTo(commits.get(2));
  }

  @Test
  void whatGitMustJudgeIsLeftToGitWithNothingMoved() throws Exception {
    // a ref where a directory of the new ref's name must be, loose and packed
    refs.apply(List.of(new Update("refs/grove/x", commits.get(0), null, false)), "m");
    assertThat(refs.apply(List.of(new Update("refs/grove/x/y", commits.get(0), null, false)), "m"))
        .isEqualTo(Outcome.GIT);
    f.git(repo, "pack-refs", "--all", "--prune");
    assertThat(refs.apply(List.of(new Update("refs/grove/x/y", commits.get(0), null, false)), "m"))
        .isEqualTo(Outcome.GIT);
    assertThat(refs.apply(List.of(new Update("refs/grove", commits.get(0), null, false)), "m"))
        .isEqualTo(Outcome.GIT);
    // refs that are not grove's, and a symbolic ref
    assertThat(refs.apply(List.of(new Update("refs/heads/main", commits.get(0), null, false)), "m"))
        .isEqualTo(Outcome.GIT);
    f.git(repo, "symbolic-ref", "refs/grove/sym", "refs/heads/main");
    assertThat(
            refs.apply(
                List.of(new Update("refs/grove/sym", commits.get(1), commits.get(3), false)), "m"))
        .isEqualTo(Outcome.GIT);
    assertThat(f.git(repo, "symbolic-ref", "refs/grove/sym")).isEqualTo("refs/heads/main");
    assertThat(at("refs/heads/main")).isEqualTo(commits.get(3));
  }

  @Test
  void aHeldLockIsLeftAloneAndAStaleOneTakenOver() throws Exception {
    refs.apply(List.of(new Update(A, commits.get(0), null, true)), "m");
    Path lock = gitDir.resolve(A + ".lock");
    Files.writeString(lock, "");
    assertThat(refs.apply(List.of(new Update(A, commits.get(1), commits.get(0), false)), "m"))
        .isEqualTo(Outcome.GIT);
    assertThat(lock).as("someone else's lock is theirs").exists();
    assertThat(at(A)).isEqualTo(commits.get(0));
    // a writer died holding it two minutes ago
    Files.setLastModifiedTime(lock, FileTime.from(Instant.now().minusSeconds(120)));
    assertThat(refs.apply(List.of(new Update(A, commits.get(1), commits.get(0), false)), "m"))
        .isEqualTo(Outcome.DONE);
    assertThat(at(A)).isEqualTo(commits.get(1));
    assertThat(lock).doesNotExist();
  }

  @Test
  void everyRefGetsALogWhereTheRepositoryAsksForThat() {
    RefFiles always = new RefFiles(gitDir, Clock.systemUTC(), true, true);
    assertThat(always.apply(List.of(new Update(K, commits.get(0), null, false)), "m"))
        .isEqualTo(Outcome.DONE);
    assertThat(f.git(repo, "reflog", "--format=%H", K)).isEqualTo(commits.get(0));
  }

  /**
   * Writers in this process (each its own {@link RefFiles}, as separate processes would be) and
   * {@code git update-ref} processes move one ref from where each last saw it, many times at once:
   * every move that succeeded is one step of the ref's log, and the steps form one chain.
   */
  @Test
  void groveAndGitMovingOneRefAtOnceLoseNoMove() throws Exception {
    refs.apply(List.of(new Update(A, commits.get(0), null, true)), "start");
    AtomicInteger moves = new AtomicInteger(1);
    List<Throwable> errors = Collections.synchronizedList(new ArrayList<>());
    List<Thread> threads = new ArrayList<>();
    long seed = System.nanoTime();
    System.out.println("RefFilesTest seed: " + seed);
    for (int w = 0; w < 5; w++) {
      boolean viaGit = w >= 3;
      Random rnd = new Random(seed + w);
      RefFiles mine = new RefFiles(gitDir, Clock.systemUTC(), false, false);
      threads.add(
          Thread.ofPlatform()
              .start(
                  () -> {
                    try {
                      for (int i = 0; i < 12; i++) {
                        String from = at(A);
                        String to = commits.get(rnd.nextInt(commits.size()));
                        if (to.equals(from)) {
                          continue;
                        }
                        boolean moved;
                        if (viaGit) {
                          moved =
                              f.git
                                  .probe(repo, List.of("update-ref", "-m", "git", A, to, from))
                                  .ok();
                        } else {
                          moved =
                              mine.apply(List.of(new Update(A, to, from, false)), "grove")
                                  == Outcome.DONE;
                        }
                        if (moved) {
                          moves.incrementAndGet();
                        }
                      }
                    } catch (Throwable t) {
                      errors.add(t);
                    }
                  }));
    }
    for (Thread t : threads) {
      t.join();
    }
    assertThat(errors).isEmpty();
    List<String> log = Files.readAllLines(gitDir.resolve("logs/" + A));
    assertThat(log).hasSize(moves.get());
    for (int i = 1; i < log.size(); i++) {
      assertThat(log.get(i).substring(0, 40))
          .as("line %d starts where line %d ended", i + 1, i)
          .isEqualTo(log.get(i - 1).substring(41, 81));
    }
    assertThat(log.get(log.size() - 1).substring(41, 81)).isEqualTo(at(A));
    try (var s = Files.list(gitDir.resolve("refs/grove/last-checkpoint/worktrees"))) {
      assertThat(s.map(p -> p.getFileName().toString())).containsExactly("a");
    }
  }
}
