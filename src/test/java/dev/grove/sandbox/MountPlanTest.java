package dev.grove.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MountPlanTest {
  @TempDir Path dir;

  @Test
  void deeperRulesComeLaterSoTheyWinAndMissingPathsAreLeftOut() throws IOException {
    Path grove = Files.createDirectories(dir.resolve("grove"));
    Path wt = Files.createDirectories(grove.resolve("worktrees/r/a"));
    Path pointer = Files.writeString(wt.resolve(".git"), "gitdir: x");
    MountPlan plan = new MountPlan();
    plan.add(MountPlan.Kind.READ_ONLY, pointer);
    plan.add(MountPlan.Kind.READ_WRITE, wt);
    plan.add(MountPlan.Kind.HIDDEN, grove);
    plan.add(MountPlan.Kind.HIDDEN, dir.resolve("does-not-exist"));
    assertThat(plan.bwrapArgs(0))
        .containsExactly(
            "--tmpfs",
            grove.toString(),
            "--bind",
            wt.toString(),
            wt.toString(),
            "--ro-bind",
            pointer.toString(),
            pointer.toString(),
            "--remount-ro",
            grove.toString());
  }

  @Test
  void whatIsInvisibleAlreadyIsNotHiddenAgain() throws IOException {
    Path grove = Files.createDirectories(dir.resolve("grove"));
    Path mine = Files.createDirectories(grove.resolve("worktrees/r/a"));
    Path other = Files.createDirectories(grove.resolve("worktrees/r/b"));
    Path secretInMine = Files.createDirectories(mine.resolve("secret"));
    MountPlan plan = new MountPlan();
    plan.add(MountPlan.Kind.HIDDEN, grove);
    plan.add(MountPlan.Kind.HIDDEN, other);
    plan.add(MountPlan.Kind.READ_WRITE, mine);
    plan.add(MountPlan.Kind.HIDDEN, secretInMine);
    assertThat(plan.bwrapArgs(0))
        .containsExactly(
            "--tmpfs",
            grove.toString(),
            "--bind",
            mine.toString(),
            mine.toString(),
            "--tmpfs",
            secretInMine.toString(),
            "--remount-ro",
            grove.toString(),
            "--remount-ro",
            secretInMine.toString());
  }

  @Test
  void aHiddenDirectoryThatIsAlsoTheWorktreeIsNotRemountedReadOnly() throws IOException {
    Path repo = Files.createDirectories(dir.resolve("repo"));
    Path file = Files.writeString(dir.resolve("secret.txt"), "s");
    MountPlan plan = new MountPlan();
    plan.add(MountPlan.Kind.READ_WRITE, repo);
    plan.add(MountPlan.Kind.HIDDEN, repo);
    plan.add(MountPlan.Kind.HIDDEN, file);
    plan.add(MountPlan.Kind.PRIVATE, dir);
    assertThat(plan.bwrapArgs(1024))
        .containsExactly(
            "--size",
            "1024",
            "--tmpfs",
            dir.toString(),
            "--bind",
            repo.toString(),
            repo.toString());
    plan.add(MountPlan.Kind.READ_ONLY, dir);
    assertThat(plan.bwrapArgs(0))
        .containsExactly(
            "--tmpfs",
            dir.toString(),
            "--ro-bind",
            dir.toString(),
            dir.toString(),
            "--tmpfs",
            repo.toString(),
            "--ro-bind",
            "/dev/null",
            file.toString(),
            "--bind",
            repo.toString(),
            repo.toString());
  }
}
