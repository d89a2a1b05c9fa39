package dev.grove.bench;

import dev.grove.fs.FileTree;
import dev.grove.git.Checkpoints;
import dev.grove.git.Git;
import dev.grove.git.Worktree;
import dev.grove.git.Worktrees;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.function.IntConsumer;

/**
 * The worktree and checkpoint benchmark: on generated repositories (text files of about 6 KB in
 * directories of 100), it prints, with the median and spread of several runs: {@code git worktree
 * add} against {@code git clone --local} and {@code --shared} and grove's own add; many worktrees
 * created and removed in parallel through {@link Worktrees} (total time, failures); and the cost of
 * a checkpoint with no change, 10 and 1,000 changed files next to {@code git status} on the same
 * worktree in the same state. A program, not a test: it prints figures.
 */
public final class GitBenchmark {
  private static final int AVERAGE_FILE = 6_000;

  /** What grove allows git commands that touch every file of a worktree (Snapshots.FILE_HEAVY). */
  private static final Duration FILE_HEAVY = Duration.ofMinutes(15);

  private static final String[] WORDS =
      ("the a of to in fix test build error file class method line code branch agent "
              + "tool call result compile fail pass return value null string list map index session tree context model token "
              + "commit diff patch merge worktree sandbox public private static final void int long import package")
          .split(" ");

  private final Path dir;
  private final Git git;
  private final long seed;
  private final int runs;
  private final int parallelRuns;
  private final PrintWriter out;

  public GitBenchmark(Path dir, Git git, long seed, int runs, int parallelRuns, PrintWriter out) {
    this.dir = dir;
    this.git = git.withoutHooks();
    this.seed = seed;
    this.runs = runs;
    this.parallelRuns = parallelRuns;
    this.out = out;
  }

  public void run(List<Integer> fileCounts, List<Integer> parallel) {
    out.printf(
        "grove git benchmark — %s; %s; %d cores; %s; seed %d; %d runs per figure (%d for parallel creation)%n",
        git.run(dir, List.of("--version")).out(),
        "Java " + Runtime.version(),
        Runtime.getRuntime().availableProcessors(),
        machine(),
        seed,
        runs,
        parallelRuns);
    out.flush();
    for (int files : fileCounts) {
      Path base = dir.resolve("n" + files);
      try {
        runSize(base, files, parallel);
      } catch (RuntimeException e) {
        try {
          FileTree.deleteOrThrow(base);
        } catch (RuntimeException left) {
          e.addSuppressed(left);
        }
        throw e;
      }
      FileTree.deleteOrThrow(base);
    }
  }

  private void runSize(Path base, int files, List<Integer> parallel) {
    Path repo = base.resolve("repo");
    long t0 = System.nanoTime();
    long bytes = generate(repo, files);
    out.printf(
        "%n== %,d files, %,d MB of text (repository generated and committed in %.0f s; .git is %,d MB)%n",
        files,
        bytes >> 20,
        (System.nanoTime() - t0) / 1e9,
        FileTree.sizeOrThrow(repo.resolve(".git")) >> 20);
    out.flush();
    Path groveHome = base.resolve("grove-home");
    Worktrees wts = new Worktrees(repo, groveHome, git);

    out.println("  creating one working copy (each includes checking out every file)");
    timeCopies(
        "git worktree add",
        i ->
            git.run(
                repo,
                List.of(
                    "worktree",
                    "add",
                    "-q",
                    "-b",
                    "bench-" + i,
                    base.resolve("wt-" + i).toString()),
                FILE_HEAVY),
        i -> {
          git.run(
              repo,
              List.of("worktree", "remove", "--force", base.resolve("wt-" + i).toString()),
              FILE_HEAVY);
          git.run(repo, List.of("branch", "-D", "bench-" + i));
        });
    timeCopies(
        "git clone --local",
        i ->
            git.run(
                base, List.of("clone", "-q", "--local", repo.toString(), "clone-" + i), FILE_HEAVY),
        i -> FileTree.deleteOrThrow(base.resolve("clone-" + i)));
    timeCopies(
        "git clone --shared",
        i ->
            git.run(
                base,
                List.of("clone", "-q", "--shared", repo.toString(), "shared-" + i),
                FILE_HEAVY),
        i -> FileTree.deleteOrThrow(base.resolve("shared-" + i)));
    timeCopies(
        "grove worktree add",
        i -> wts.add("single-" + i, Worktrees.AddOptions.defaults()),
        i -> wts.remove("single-" + i, false));

    for (int n : parallel) {
      parallel(wts, n);
    }
    checkpoints(wts, files);
  }

  private void timeCopies(String what, IntConsumer make, IntConsumer unmake) {
    double[] ms = new double[runs];
    for (int r = 0; r < runs; r++) {
      long a = System.nanoTime();
      make.accept(r);
      ms[r] = (System.nanoTime() - a) / 1e6;
      unmake.accept(r);
    }
    out.printf("    %-22s %s%n", what, stats(ms));
    out.flush();
  }

  /**
   * {@code n} agents create their worktrees at the same moment, then remove them at the same
   * moment.
   */
  private void parallel(Worktrees wts, int n) {
    double[] add = new double[parallelRuns];
    double[] remove = new double[parallelRuns];
    int failures = 0;
    for (int r = 0; r < parallelRuns; r++) {
      int run = r;
      List<Throwable> failed = Collections.synchronizedList(new ArrayList<>());
      add[r] =
          together(n, i -> wts.add("p" + run + "-" + i, Worktrees.AddOptions.defaults()), failed);
      remove[r] = together(n, i -> wts.remove("p" + run + "-" + i, false), failed);
      failures += failed.size();
      if (!failed.isEmpty()) {
        out.println("    failure: " + failed.get(0).getMessage().lines().findFirst().orElse(""));
      }
    }
    out.printf(
        "  %d worktrees in parallel through grove: create %s total, remove %s total; failures: %d%n",
        n, stats(add), stats(remove), failures);
    out.flush();
  }

  private static double together(int n, IntConsumer action, List<Throwable> failed) {
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int k = i;
      threads.add(
          Thread.ofVirtual()
              .start(
                  () -> {
                    try {
                      start.await();
                      action.accept(k);
                    } catch (Throwable e) {
                      failed.add(e);
                    }
                  }));
    }
    long a = System.nanoTime();
    start.countDown();
    try {
      for (Thread t : threads) {
        t.join();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the parallel worktrees", e);
    }
    return (System.nanoTime() - a) / 1e6;
  }

  /**
   * Checkpoints of one worktree against {@code git status}, in the same state, for 0, 10 and 1,000
   * changed files.
   */
  private void checkpoints(Worktrees wts, int files) {
    Worktree w = wts.add("checkpoints", Worktrees.AddOptions.defaults());
    Checkpoints cps = new Checkpoints(wts);
    List<String> paths = git.run(w.path(), List.of("ls-files", "-z")).records();
    cps.snapshot(w.path());
    out.println(
        "  checkpoint vs git status (git --no-optional-locks status --porcelain, which, like a checkpoint, "
            + "leaves the index alone)");
    SplittableRandom rnd = new SplittableRandom(seed);
    for (int changed : new int[] {0, 10, 1_000}) {
      if (changed > files) {
        continue;
      }
      double[] snap = new double[runs];
      double[] status = new double[runs];
      for (int r = 0; r < runs; r++) {
        java.util.Set<String> touched = new java.util.LinkedHashSet<>();
        while (touched.size() < changed) {
          touched.add(paths.get(rnd.nextInt(paths.size())));
        }
        for (String p : touched) {
          append(w.path().resolve(p), "// change " + r + "\n");
        }
        long a = System.nanoTime();
        git.run(w.path(), List.of("--no-optional-locks", "status", "--porcelain"), FILE_HEAVY);
        long b = System.nanoTime();
        cps.snapshot(w.path());
        long c = System.nanoTime();
        status[r] = (b - a) / 1e6;
        snap[r] = (c - b) / 1e6;
        if (!touched.isEmpty()) {
          List<String> args = new ArrayList<>(List.of("checkout", "-q", "--"));
          args.addAll(touched);
          git.run(w.path(), args, FILE_HEAVY);
        }
      }
      double ratio = median(snap) / median(status);
      out.printf(
          "    %5s changed files  checkpoint %s   git status %s   ratio %.2f%n",
          changed == 0 ? "no" : "" + changed, stats(snap), stats(status), ratio);
      out.flush();
    }
    wts.remove("checkpoints", true);
  }

  // --- the generated repository

  private long generate(Path repo, int files) {
    SplittableRandom rnd = new SplittableRandom(seed);
    long bytes = 0;
    try {
      Files.createDirectories(repo);
      for (int i = 0; i < files; i++) {
        Path f = repo.resolve(String.format("src/d%03d/f%05d.txt", i / 100, i));
        if (i % 100 == 0) {
          Files.createDirectories(f.getParent());
        }
        byte[] text = text(rnd, 1_000 + rnd.nextInt(2 * AVERAGE_FILE - 2_000));
        try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(f))) {
          os.write(text);
        }
        bytes += text.length;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    git.run(repo, List.of("init", "-q", "-b", "main"));
    // no background `gc --auto` (which a commit of 6,700+ loose objects starts): it would repack
    // the repository while copies and checkpoints are timed, and while the scratch is deleted
    git.run(repo, List.of("config", "gc.auto", "0"));
    git.run(repo, List.of("add", "-A"), FILE_HEAVY);
    git.run(
        repo,
        List.of(
            "-c",
            "user.name=bench",
            "-c",
            "user.email=bench@grove.invalid",
            "commit",
            "-q",
            "-m",
            "generated"),
        FILE_HEAVY);
    return bytes;
  }

  private static byte[] text(SplittableRandom rnd, int len) {
    StringBuilder sb = new StringBuilder(len + 16);
    while (sb.length() < len) {
      sb.append(WORDS[rnd.nextInt(WORDS.length)]).append(rnd.nextInt(10) == 0 ? '\n' : ' ');
    }
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static void append(Path file, String text) {
    try {
      Files.writeString(file, text, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String machine() {
    String cpu = "unknown CPU";
    try {
      cpu =
          Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
              .filter(l -> l.startsWith("model name"))
              .map(l -> l.substring(l.indexOf(':') + 1).strip())
              .findFirst()
              .orElse(cpu);
    } catch (IOException e) {
      // not Linux
    }
    return System.getProperty("os.name") + " " + System.getProperty("os.version") + ", " + cpu;
  }

  private static String stats(double[] ms) {
    double[] s = ms.clone();
    Arrays.sort(s);
    return String.format("median %7.1f ms (min %.1f, max %.1f)", median(s), s[0], s[s.length - 1]);
  }

  private static double median(double[] values) {
    double[] s = values.clone();
    Arrays.sort(s);
    int n = s.length;
    return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
  }
}
