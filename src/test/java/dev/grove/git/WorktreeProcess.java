package dev.grove.git;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A separate process for {@link ParallelWorktreesTest}: adds {@code count} worktrees named {@code
 * <prefix>-<i>} on parallel threads and removes the even ones. Exits 1 on any failure.
 */
public final class WorktreeProcess {
  public static void main(String[] args) throws Exception {
    Path repo = Path.of(args[0]);
    Path groveHome = Path.of(args[1]);
    Git git = new Git(GitFixture.isolatedEnvironment(Path.of(args[2])));
    String prefix = args[3];
    int count = Integer.parseInt(args[4]);
    Worktrees wts = new Worktrees(repo, groveHome, git);
    List<Thread> threads = new ArrayList<>();
    List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
    for (int i = 0; i < count; i++) {
      String slug = prefix + "-" + i;
      boolean remove = i % 2 == 0;
      threads.add(
          Thread.ofVirtual()
              .start(
                  () -> {
                    try {
                      wts.add(slug, Worktrees.AddOptions.defaults());
                      if (remove) {
                        wts.remove(slug, false);
                      }
                    } catch (Throwable e) {
                      failures.add(e);
                    }
                  }));
    }
    for (Thread t : threads) {
      t.join();
    }
    failures.forEach(Throwable::printStackTrace);
    System.exit(failures.isEmpty() ? 0 : 1);
  }
}
