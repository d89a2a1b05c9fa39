package dev.grove.git;

import static dev.grove.git.GitFixture.write;
import static org.assertj.core.api.Assertions.assertThat;

import dev.grove.git.Worktrees.AddOptions;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many agents creating, checkpointing and removing worktrees of one repository at the same moment.
 */
class ParallelWorktreesTest {
  static final int AGENTS = 24;
  @TempDir Path dir;

  @Test
  void twentyFourAgentsAddCheckpointAndRemoveAtOnceWithoutAFailure() throws Exception {
    GitFixture f = new GitFixture(dir);
    Path repo = f.repo("app");
    Worktrees wts = f.worktrees(repo);
    Checkpoints cps = new Checkpoints(wts);
    // half of them start with a worktree to remove while the other half create theirs
    for (int i = 0; i < AGENTS / 2; i++) {
      wts.add("old-" + i, AddOptions.defaults());
    }
    List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> agents = new ArrayList<>();
    for (int i = 0; i < AGENTS; i++) {
      int n = i;
      agents.add(
          Thread.ofVirtual()
              .start(
                  () -> {
                    try {
                      start.await();
                      if (n % 2 == 0) {
                        wts.remove("old-" + n / 2, false);
                      }
                      Worktree w = wts.add("agent-" + n, AddOptions.defaults());
                      write(w.path().resolve("work-" + n + ".txt"), "agent " + n + "\n");
                      String c = cps.snapshot(w.path()).commit();
                      cps.keep(w.path(), c, "session", "entry" + n);
                      if (n % 2 == 1) {
                        wts.remove("agent-" + n, true);
                      }
                    } catch (Throwable e) {
                      failures.add(e);
                    }
                  }));
    }
    start.countDown();
    for (Thread t : agents) {
      t.join();
    }
    assertThat(failures).isEmpty();
    assertThat(wts.list())
        .extracting(l -> l.worktree().slug().value())
        .hasSize(AGENTS / 2)
        .allMatch(s -> s.startsWith("agent-"))
        .allSatisfy(s -> assertThat(Integer.parseInt(s.substring("agent-".length())) % 2).isZero());
    assertThat(wts.list()).allSatisfy(l -> assertThat(l.missing()).isEmpty());
    assertThat(new Checkpoints(wts).kept("session")).hasSize(AGENTS);
    assertThat(f.git(repo, "worktree", "list").lines()).hasSize(1 + AGENTS / 2);
    assertThat(wts.prune(true).actions()).isEmpty();
  }

  @Test
  void processesSharingARepositoryTakeTurnsThroughTheRepositoryLock() throws Exception {
    GitFixture f = new GitFixture(dir);
    Path repo = f.repo("app");
    f.worktrees(repo); // resolve once so that every process agrees on the paths
    String java = ProcessHandle.current().info().command().orElse("java");
    List<Process> processes = new ArrayList<>();
    for (int p = 0; p < 3; p++) {
      processes.add(
          new ProcessBuilder(
                  java,
                  "-cp",
                  System.getProperty("java.class.path"),
                  WorktreeProcess.class.getName(),
                  repo.toString(),
                  f.groveHome().toString(),
                  f.home.toString(),
                  "proc" + p,
                  "4")
              .redirectErrorStream(true)
              .start());
    }
    for (Process p : processes) {
      String out;
      try (BufferedReader r =
          new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        out = String.join("\n", r.lines().toList());
      }
      assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).as(out).isZero();
    }
    Worktrees wts = f.worktrees(repo);
    assertThat(wts.list())
        .extracting(l -> l.worktree().slug().value())
        .containsExactlyInAnyOrder(
            "proc0-1", "proc0-3", "proc1-1", "proc1-3", "proc2-1", "proc2-3");
    assertThat(wts.prune(true).actions()).isEmpty();
  }
}
