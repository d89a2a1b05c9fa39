package dev.grove.git;

import static dev.grove.git.GitFixture.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.grove.git.Checkpoints.Limits;
import dev.grove.git.LeftOut.Reason;
import dev.grove.git.Worktrees.AddOptions;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointLimitsTest {
  static final long MB = Limits.MB;

  @TempDir Path dir;
  GitFixture f;
  Path repo;
  Worktrees wts;
  Worktree w;

  @BeforeEach
  void setUp() {
    f = new GitFixture(dir);
    repo = f.repo("app");
    wts = f.worktrees(repo);
    w = wts.add("agent", AddOptions.defaults());
  }

  /** {@code bytes} of incompressible data (fixed seed), so what git stores is what was written. */
  static void fill(Path file, long bytes, long seed) throws IOException {
    SplittableRandom random = new SplittableRandom(seed);
    byte[] chunk = new byte[1 << 20];
    try (RandomAccessFile out = new RandomAccessFile(file.toFile(), "rw")) {
      out.setLength(0);
      for (long done = 0; done < bytes; done += chunk.length) {
        random.nextBytes(chunk);
        out.write(chunk, 0, (int) Math.min(chunk.length, bytes - done));
      }
    }
  }

  static void changeOneByte(Path file, long at, int value) throws IOException {
    try (RandomAccessFile out = new RandomAccessFile(file.toFile(), "rw")) {
      out.seek(at);
      out.write(value);
    }
  }

  long objectBytes() {
    return dev.grove.fs.FileTree.sizeOrThrow(repo.resolve(".git/objects"));
  }

  @Test
  void aHundredMegabyteFileChangedThreeTimesDoesNotMultiplyTheRepository() throws IOException {
    Checkpoints cps = new Checkpoints(wts);
    Path big = w.path().resolve("data.bin");
    fill(big, 100 * MB, 1);
    write(w.path().resolve("small.txt"), "small\n");
    long before = objectBytes();
    for (int change = 0; change < 3; change++) {
      changeOneByte(big, change * 4096L, change);
      Checkpoint c = cps.snapshot(w.path());
      assertThat(c.leftOut()).containsExactly(new LeftOut("data.bin", Reason.TOO_LARGE));
      assertThat(c.notice())
          .hasValueSatisfying(n -> assertThat(n).contains("data.bin").contains("size limit"));
      assertThat(f.git(repo, "ls-tree", "--name-only", c.commit()).lines())
          .contains("small.txt")
          .doesNotContain("data.bin");
    }
    assertThat(objectBytes() - before).isLessThan(MB);
  }

  @Test
  void hugeSparseFilesAreLeftOutWithoutBeingReadAndATrackedOneKeepsItsEarlierVersion()
      throws IOException {
    write(w.path().resolve("grows.img"), "small\n");
    f.git(w.path(), "add", "grows.img");
    f.commit(w.path(), "a small image");
    for (String name : new String[] {"disk.img", "grows.img"}) {
      try (RandomAccessFile out = new RandomAccessFile(w.path().resolve(name).toFile(), "rw")) {
        out.setLength(4L * 1024 * MB);
      }
    }
    Checkpoint c = new Checkpoints(wts).snapshot(w.path());
    assertThat(c.leftOut())
        .containsExactlyInAnyOrder(
            new LeftOut("disk.img", Reason.TOO_LARGE), new LeftOut("grows.img", Reason.TOO_LARGE));
    assertThat(f.git(repo, "show", c.commit() + ":grows.img")).isEqualTo("small");
  }

  @Test
  void onceTheBudgetIsSpentLargeChangesStopButSmallOnesGoOn() throws IOException {
    Checkpoints cps =
        new Checkpoints(wts, Limits.defaults().withMaxFileBytes(8 * MB).withBudgetBytes(6 * MB));
    Path big = w.path().resolve("model.bin");
    fill(big, 4 * MB, 2);
    long before = objectBytes();
    assertThat(cps.snapshot(w.path()).leftOut()).isEmpty(); // 4 of 6 MB spent
    // the same file again, unchanged: already counted
    write(w.path().resolve("a.txt"), "1\n");
    assertThat(cps.snapshot(w.path()).leftOut()).isEmpty();
    for (int change = 0; change < 3; change++) {
      changeOneByte(big, 100, change);
      write(w.path().resolve("a.txt"), "change " + change + "\n");
      Checkpoint c = cps.snapshot(w.path());
      assertThat(c.leftOut()).containsExactly(new LeftOut("model.bin", Reason.OVER_BUDGET));
      assertThat(f.git(repo, "show", c.commit() + ":a.txt")).isEqualTo("change " + change);
    }
    assertThat(objectBytes() - before).isLessThan(5 * MB);
    // the budget is the worktree's: another process (a new Checkpoints) sees what was spent
    assertThat(
            new Checkpoints(wts, Limits.defaults().withMaxFileBytes(8 * MB).withBudgetBytes(6 * MB))
                .snapshot(w.path())
                .leftOut())
        .containsExactly(new LeftOut("model.bin", Reason.OVER_BUDGET));
  }

  @Test
  void aSnapshotIsRefusedBelowTheFreeSpaceFloor() {
    write(w.path().resolve("a.txt"), "1\n");
    Checkpoints greedy =
        new Checkpoints(wts, Limits.defaults().withMinFreeBytes(Long.MAX_VALUE / 2));
    assertThatThrownBy(() -> greedy.snapshot(w.path()))
        .isInstanceOf(WorktreeException.NoSpace.class)
        .hasMessageContaining("free on the file system")
        .hasMessageContaining("free some space");
    assertThat(f.git(repo, "for-each-ref", "refs/grove/")).isEmpty();
  }

  @Test
  void limitsAreChecked() {
    assertThatThrownBy(() -> new Limits(-1, 0, 0)).isInstanceOf(IllegalArgumentException.class);
    assertThat(Limits.defaults()).isEqualTo(new Limits(50 * MB, 1024 * MB, 256 * MB));
    assertThat(new Checkpoint("a".repeat(40), java.util.List.of()).notice()).isEmpty();
  }
}
