package dev.grove.bench;

import dev.grove.sandbox.Backend;
import dev.grove.sandbox.CommandRequest;
import dev.grove.sandbox.CommandResult;
import dev.grove.sandbox.Sandbox;
import dev.grove.sandbox.SandboxPolicy;
import dev.grove.sandbox.Sandboxes;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The sandbox's cost per command: {@code true} and {@code git status} in a real worktree, run
 * directly (the same process machinery, no sandbox), in bubblewrap without the seccomp filter and
 * limits, with the filter, and with the filter and the limits this host enforces (a cgroup per
 * command, or prlimit). Runs are interleaved so that drift in the machine's load hits every variant
 * alike. A program, not a test: it prints figures and asserts nothing.
 */
public final class SandboxBenchmark {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  private final Path dir;
  private final int runs;
  private final Map<String, String> env;
  private final PrintWriter out;

  public SandboxBenchmark(Path dir, int runs, Map<String, String> env, PrintWriter out) {
    this.dir = dir;
    this.runs = runs;
    this.env = Map.copyOf(env);
    this.out = out;
  }

  public void run() throws IOException {
    Path home = Files.createDirectories(dir.resolve("home"));
    Path groveHome = Files.createDirectories(dir.resolve("grove-home"));
    SandboxPolicy policy = SandboxPolicy.standard(home, groveHome);
    Sandbox direct = Sandboxes.create(Backend.NONE, policy, env);
    Path worktree =
        worktree(direct, dir.resolve("repo"), groveHome.resolve("worktrees/repo/bench"));

    List<Sandbox> layers = Sandboxes.bubblewrapLayers(policy, env);
    Map<String, Sandbox> variants = new LinkedHashMap<>();
    variants.put("direct (no sandbox)", direct);
    variants.put("bubblewrap, no seccomp", layers.get(0));
    variants.put("bubblewrap, no limits", layers.get(1));
    variants.put("bubblewrap + limits", layers.get(2));

    out.printf("grove sandbox benchmark — %s%n", machine());
    out.printf("  %s%n", layers.get(2).description());
    out.printf(
        "  %d runs per figure after 5 warm-up runs, interleaved; wall time of Sandbox.run, in ms%n",
        runs);
    out.flush();
    for (List<String> command : List.of(List.of("true"), List.of("git", "status", "--porcelain"))) {
      CommandRequest request = CommandRequest.of(worktree, TIMEOUT, command);
      Map<String, double[]> times = new LinkedHashMap<>();
      variants.keySet().forEach(k -> times.put(k, new double[runs]));
      for (int r = -5; r < runs; r++) {
        for (Map.Entry<String, Sandbox> v : variants.entrySet()) {
          long t0 = System.nanoTime();
          CommandResult result = v.getValue().run(request);
          double ms = (System.nanoTime() - t0) / 1e6;
          if (!result.succeeded()) {
            throw new IllegalStateException(
                v.getKey() + ": " + command + " failed: " + result.stderr().text());
          }
          if (r >= 0) {
            times.get(v.getKey())[r] = ms;
          }
        }
      }
      out.printf("%n== %s%n", String.join(" ", command));
      double base = median(times.get("direct (no sandbox)"));
      times.forEach(
          (name, t) -> {
            double m = median(t);
            out.printf(
                Locale.ROOT,
                "  %-24s %s%s%n",
                name,
                stats(t),
                name.startsWith("direct")
                    ? ""
                    : String.format(Locale.ROOT, "   added: %+.1f ms", m - base));
          });
      out.flush();
    }
  }

  /** A repository with 500 committed files and a linked worktree of it, made with git itself. */
  private static Path worktree(Sandbox direct, Path repo, Path worktree) throws IOException {
    Files.createDirectories(repo);
    for (int i = 0; i < 500; i++) {
      Path f = repo.resolve("src/p" + (i % 20) + "/F" + i + ".java");
      Files.createDirectories(f.getParent());
      Files.writeString(f, "class F" + i + " {}\n");
    }
    git(direct, repo, "init", "-q");
    git(direct, repo, "add", "-A");
    git(
        direct,
        repo,
        "-c",
        "user.name=bench",
        "-c",
        "user.email=bench@grove.dev",
        "commit",
        "-q",
        "-m",
        "bench");
    Files.createDirectories(worktree.getParent());
    git(direct, repo, "worktree", "add", "-q", "-b", "task/bench", worktree.toString());
    return worktree;
  }

  private static void git(Sandbox direct, Path repo, String... args) {
    List<String> argv = new ArrayList<>(List.of("git", "-c", "core.hooksPath=/dev/null"));
    argv.addAll(List.of(args));
    CommandResult r = direct.run(CommandRequest.of(repo, TIMEOUT, argv));
    if (!r.succeeded()) {
      throw new IllegalStateException(
          "git " + String.join(" ", args) + " failed: " + r.stderr().text());
    }
  }

  private static String machine() {
    String cpu = "?";
    String kernel = "?";
    try {
      cpu =
          Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
              .filter(l -> l.startsWith("model name"))
              .findFirst()
              .map(l -> l.substring(l.indexOf(':') + 1).strip())
              .orElse("?");
      kernel = Files.readString(Path.of("/proc/sys/kernel/osrelease")).strip();
    } catch (IOException e) {
      // not Linux
    }
    return String.format(
        "%s, %d cores, Linux %s, Java %s",
        cpu, Runtime.getRuntime().availableProcessors(), kernel, Runtime.version());
  }

  private static String stats(double[] ms) {
    double[] s = ms.clone();
    Arrays.sort(s);
    return String.format(
        Locale.ROOT,
        "median %6.1f  (p10 %.1f, p90 %.1f, max %.1f)",
        median(ms),
        s[(int) (s.length * 0.1)],
        s[Math.min(s.length - 1, (int) (s.length * 0.9))],
        s[s.length - 1]);
  }

  private static double median(double[] ms) {
    double[] s = ms.clone();
    Arrays.sort(s);
    int n = s.length;
    return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
  }
}
