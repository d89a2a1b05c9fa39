package dev.grove.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.grove.git.GitFixture;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** grove worktree and grove checkpoint through the real {@code ./grove} launcher and jar. */
class WorktreeIT {
  @Test
  void worktreeAndCheckpointCommandsWorkThroughTheLauncher(@TempDir Path dir) throws Exception {
    GitFixture f = new GitFixture(dir);
    Path repo = f.repo("app");
    Map<String, String> env = new HashMap<>(f.env);
    env.put("GROVE_HOME", f.groveHome().toString());
    String r = repo.toString();

    LauncherIT.Run add = LauncherIT.grove(env, "worktree", "add", "agent", "--repo", r);
    assertThat(add.exit()).as(add.err()).isZero();
    Path wt = Path.of(add.out().strip());
    GitFixture.write(wt.resolve("new.txt"), "new\n");

    LauncherIT.Run snap = LauncherIT.grove(env, "checkpoint", "snapshot", "agent", "--repo", r);
    assertThat(snap.exit()).as(snap.err()).isZero();
    String commit = snap.out().strip();
    assertThat(commit).matches("[0-9a-f]{40}");

    LauncherIT.Run list = LauncherIT.grove(env, "worktree", "list", "--repo", r);
    assertThat(list.out()).contains("agent").contains("1 change");

    LauncherIT.Run restore =
        LauncherIT.grove(env, "checkpoint", "restore", commit, "again", "--repo", r);
    assertThat(restore.exit()).as(restore.err()).isZero();
    assertThat(GitFixture.read(Path.of(restore.out().strip()).resolve("new.txt")))
        .isEqualTo("new\n");

    LauncherIT.Run refused = LauncherIT.grove(env, "worktree", "remove", "agent", "--repo", r);
    assertThat(refused.exit()).isEqualTo(1);
    assertThat(refused.err()).contains("uncommitted change").doesNotContain("Exception");
    assertThat(LauncherIT.grove(env, "worktree", "remove", "agent", "--force", "--repo", r).exit())
        .isZero();
  }
}
