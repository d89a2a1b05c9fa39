package dev.grove.orchestrator;

import dev.grove.git.Changes;
import dev.grove.git.Git;
import dev.grove.git.Worktrees;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What one look of the conflict radar costs ({@link RadarCheck}, the work the radar's thread does
 * per look): on a generated repository of {@code files} files, {@code lanes} lanes each at a commit
 * that changes a few files of its own and one file it shares with three other lanes (so pairs
 * overlap and conflict, as lanes on one codebase do). Three figures per lane count: the first look
 * (every lane new), a look after one lane moved (what an agent's edit costs the radar: the usual
 * case), and a look when nothing moved. A program that prints figures (median and spread), never a
 * test.
 */
public final class RadarBenchmark {
  private static final Map<String, String> WHO =
      Map.of(
          "GIT_AUTHOR_NAME", "Bench",
          "GIT_AUTHOR_EMAIL", "bench@example.com",
          "GIT_COMMITTER_NAME", "Bench",
          "GIT_COMMITTER_EMAIL", "bench@example.com");

  private final Path dir;
  private final Git git;
  private final PrintWriter out;
  private int files;

  public RadarBenchmark(Path dir, Map<String, String> env, PrintWriter out) {
    this.dir = dir;
    this.git = new Git(env);
    this.out = out;
  }

  public void run(int files, List<Integer> laneCounts, int rounds) throws Exception {
    this.files = files;
    out.printf(
        Locale.ROOT,
        "grove radar benchmark — %s, %d cores; a repository of %,d files; %d rounds per figure%n",
        Runtime.version(),
        Runtime.getRuntime().availableProcessors(),
        files,
        rounds);
    out.println(
        "one look = the files each lane changed, a trial merge (git merge-tree) of each pair sharing a"
            + " file, hunks of shared files, each lane onto the base");
    out.flush();
    Path repo = dir.resolve("repo");
    String base = createRepository(repo, files);
    Worktrees worktrees = new Worktrees(repo, dir.resolve("grove-home"), git);
    Changes changes = new Changes(worktrees);
    for (int lanes : laneCounts) {
      List<RadarCheck.Tip> tips = new ArrayList<>();
      for (int i = 0; i < lanes; i++) {
        tips.add(new RadarCheck.Tip("lane-" + i, laneCommit(repo, base, i, 0), base, null));
      }
      RadarCheck check = new RadarCheck(changes);
      long t0 = System.nanoTime();
      List<RunEvent.Risk> risks = check.check(base, tips);
      double first = (System.nanoTime() - t0) / 1e6;
      int firstProcesses = check.processes;
      double[] moved = new double[rounds];
      double[] still = new double[rounds];
      int movedProcesses = 0;
      for (int r = 0; r < rounds; r++) {
        int i = r % lanes;
        String next = laneCommit(repo, base, i, r + 1);
        tips.set(i, new RadarCheck.Tip("lane-" + i, next, base, null));
        long t1 = System.nanoTime();
        check.check(base, tips);
        moved[r] = (System.nanoTime() - t1) / 1e6;
        movedProcesses = Math.max(movedProcesses, check.processes);
        long t2 = System.nanoTime();
        check.check(base, tips);
        still[r] = (System.nanoTime() - t2) / 1e6;
      }
      out.printf(
          Locale.ROOT,
          "%3d lanes: first look %7.1f ms (%d git processes, %d risks); one lane moved: median %6.1f"
              + " ms [%.1f–%.1f] (≤ %d git processes); nothing moved: median %5.2f ms [%.2f–%.2f]%n",
          lanes,
          first,
          firstProcesses,
          risks.size(),
          median(moved),
          min(moved),
          max(moved),
          movedProcesses,
          median(still),
          min(still),
          max(still));
      out.flush();
    }
  }

  /**
   * {@code files} files in 100 directories (and 64 shared ones), one commit on main, written with
   * one {@code git fast-import} (nothing is checked out: the radar reads objects only); returns it.
   */
  private String createRepository(Path repo, int count) throws Exception {
    Files.createDirectories(repo);
    git.run(repo, List.of("init", "-q", "-b", "main"));
    StringBuilder in = new StringBuilder();
    in.append("commit refs/heads/main\n")
        .append("committer Bench <bench@example.com> 1700000000 +0000\n")
        .append("data 4\nbase\n");
    for (int i = 0; i < count; i++) {
      inline(in, "d" + (i % 100) + "/f" + i + ".txt", content(i, -1, 0));
    }
    for (int s = 0; s < 64; s++) {
      inline(in, "shared/s" + s + ".txt", content(("shared/s" + s + ".txt").hashCode(), -1, 0));
    }
    in.append("\n");
    git.run(
        repo,
        List.of("fast-import", "--quiet"),
        Map.of(),
        in.toString().getBytes(StandardCharsets.UTF_8),
        java.time.Duration.ofMinutes(10));
    return git.run(repo, List.of("rev-parse", "refs/heads/main")).out();
  }

  private static void inline(StringBuilder in, String path, String text) {
    byte[] b = text.getBytes(StandardCharsets.UTF_8);
    in.append("M 100644 inline ").append(path).append("\ndata ").append(b.length).append('\n');
    in.append(text).append('\n');
  }

  /** Lane {@code lane}'s commit of round {@code round}: three files of its own, one shared. */
  private String laneCommit(Path repo, String base, int lane, int round) throws Exception {
    Path index = dir.resolve("index-" + lane);
    Map<String, String> env = new java.util.HashMap<>(WHO);
    env.put("GIT_INDEX_FILE", index.toString());
    git.run(repo, List.of("read-tree", base), env);
    Map<String, Integer> seeds = new java.util.LinkedHashMap<>();
    for (int k = 0; k < 3; k++) {
      int n = (lane * 97 + k * 31 + 7) % files;
      seeds.put("d" + (n % 100) + "/f" + n + ".txt", n);
    }
    String shared = "shared/s" + (lane / 4) + ".txt";
    seeds.put(shared, shared.hashCode());
    for (Map.Entry<String, Integer> e : seeds.entrySet()) {
      String p = e.getKey();
      String blob =
          git.run(
                  repo,
                  List.of("hash-object", "-w", "--stdin"),
                  Map.of(),
                  content(e.getValue(), lane, round).getBytes(StandardCharsets.UTF_8),
                  java.time.Duration.ofMinutes(1))
              .out();
      git.run(
          repo, List.of("update-index", "--add", "--cacheinfo", "100644," + blob + "," + p), env);
    }
    String tree = git.run(repo, List.of("write-tree"), env).out();
    return git.run(
            repo, List.of("commit-tree", tree, "-p", base, "-m", "lane " + lane + " " + round), env)
        .out();
  }

  /** Forty lines; a lane's version changes line 20 (so lanes sharing a file conflict). */
  private static String content(int seed, int lane, int round) {
    StringBuilder sb = new StringBuilder();
    for (int line = 0; line < 40; line++) {
      sb.append(
          line == 20 && lane >= 0
              ? "lane " + lane + " round " + round
              : "line " + line + " of " + seed);
      sb.append('\n');
    }
    return sb.toString();
  }

  private static double median(double[] a) {
    double[] s = a.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  private static double min(double[] a) {
    return Arrays.stream(a).min().orElse(0);
  }

  private static double max(double[] a) {
    return Arrays.stream(a).max().orElse(0);
  }
}
