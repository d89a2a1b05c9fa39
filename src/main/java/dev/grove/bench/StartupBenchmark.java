package dev.grove.bench;

import dev.grove.session.Body;
import dev.grove.session.Draft;
import dev.grove.session.Entry;
import dev.grove.session.Role;
import dev.grove.session.SessionStore;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What a cold {@code grove} process costs end to end, launcher included: {@code java -version},
 * {@code grove --version} and {@code grove session leaves} on a small session file, with the
 * launcher's start-up cache and without it ({@code GROVE_CACHE=off}). A program, not a test ({@code
 * grove bench startup}): each command is started once to warm the file cache (and let the launcher
 * make its cache), then {@code runs} times, the commands interleaved so that each sees the same
 * load; it prints the wall time and the CPU time (user + system, of the process and its children)
 * of each start as median (min–max), and the load average before and after.
 *
 * <p>Each start is timed by bash's {@code time} (microsecond CPU figures from the kernel, which
 * Java reads only for live processes); the commands use the JDK this benchmark runs on.
 */
public final class StartupBenchmark {
  private static final long TIMEOUT_SECONDS = 120;

  private final PrintWriter out;
  private final List<Path> launchers;
  private final Path javaHome;
  private final int runs;

  /** A command started by the benchmark: what the table calls it, and its environment. */
  private record Case(String label, boolean cacheOff, List<String> command) {}

  /** One start: its wall and CPU time in milliseconds. */
  private record Sample(double wallMs, double cpuMs) {}

  /**
   * @param launchers the grove launchers to start (several: their commands interleaved, each
   *     labelled with its path, e.g. a build before and after a change)
   */
  public StartupBenchmark(PrintWriter out, List<Path> launchers, Path javaHome, int runs) {
    if (runs < 1) {
      throw new IllegalArgumentException("--runs must be at least 1, not " + runs);
    }
    for (Path launcher : launchers) {
      if (!Files.isExecutable(launcher)) {
        throw new IllegalArgumentException(
            "the grove launcher " + launcher + " is not an executable file");
      }
    }
    this.out = out;
    this.launchers = List.copyOf(launchers);
    this.javaHome = javaHome;
    this.runs = runs;
  }

  /**
   * Runs the benchmark with {@code session} as the file {@code session leaves} reads, or (when it
   * is null) a small session of two lanes written in {@code scratch}.
   */
  public void run(Path session, Path scratch) throws IOException, InterruptedException {
    Path file = session != null ? session : smallSession(scratch.resolve("startup.jsonl"));
    String java = javaHome.resolve("bin/java").toString();
    List<Case> cases = new ArrayList<>();
    cases.add(new Case("java -version", false, List.of(java, "-version")));
    for (Path launcher : launchers) {
      String grove = launcher.toString();
      String name = launchers.size() == 1 ? "grove" : grove;
      String leaves = name + " session leaves FILE";
      cases.add(new Case(name + " --version", false, List.of(grove, "--version")));
      cases.add(
          new Case("GROVE_CACHE=off " + name + " --version", true, List.of(grove, "--version")));
      cases.add(new Case(leaves, false, List.of(grove, "session", "leaves", file.toString())));
      cases.add(
          new Case(
              "GROVE_CACHE=off " + leaves,
              true,
              List.of(grove, "session", "leaves", file.toString())));
    }
    String loadBefore = loadAverage();
    for (Case c : cases) {
      start(c); // warm-up: the file cache, and the launcher's start-up cache when it has none
    }
    List<List<Sample>> samples = new ArrayList<>();
    cases.forEach(c -> samples.add(new ArrayList<>()));
    for (int r = 0; r < runs; r++) {
      for (int i = 0; i < cases.size(); i++) {
        samples.get(i).add(start(cases.get(i)));
      }
    }
    out.printf(
        "grove start-up benchmark — %d starts of each, interleaved; Java %s, %d cores, load"
            + " average %s before, %s after%n",
        runs,
        System.getProperty("java.runtime.version"),
        Runtime.getRuntime().availableProcessors(),
        loadBefore,
        loadAverage());
    out.printf("FILE: %s (%d bytes)%n", file, Files.size(file));
    int width = cases.stream().mapToInt(c -> c.label().length()).max().orElse(0) + 2;
    out.printf(
        "%-" + width + "s%-26s %s%n", "command", "wall, median (min–max)", "CPU, median (min–max)");
    for (int i = 0; i < cases.size(); i++) {
      List<Sample> s = samples.get(i);
      out.printf(
          "%-" + width + "s%-26s %s%n",
          cases.get(i).label(),
          figure(s.stream().mapToDouble(Sample::wallMs).toArray()),
          figure(s.stream().mapToDouble(Sample::cpuMs).toArray()));
    }
    out.flush();
  }

  /** Starts {@code c} under bash's {@code time}, its output thrown away, and reads the figures. */
  private Sample start(Case c) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.addAll(
        List.of(
            "bash",
            "-c",
            "TIMEFORMAT='%3R %3U %3S'; { time \"$@\" >/dev/null 2>&1; } 2>&1",
            "startup"));
    command.addAll(c.command());
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    Map<String, String> env = pb.environment();
    env.put("GROVE_JAVA_HOME", javaHome.toString());
    env.remove("GROVE_JAVA_OPTS");
    if (c.cacheOff()) {
      env.put("GROVE_CACHE", "off");
    } else {
      env.remove("GROVE_CACHE");
    }
    Process p = pb.start();
    String timing = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException(
          "`" + c.label() + "` did not end within " + TIMEOUT_SECONDS + " s");
    }
    if (p.exitValue() != 0) {
      throw new IllegalStateException(
          "`"
              + String.join(" ", c.command())
              + "` exited with "
              + p.exitValue()
              + " (run it by hand to see why)");
    }
    String[] f = timing.lines().reduce((a, b) -> b).orElse("").split(" ");
    if (f.length != 3) {
      throw new IllegalStateException(
          "cannot read bash's timing of `" + c.label() + "`: " + timing);
    }
    return new Sample(
        Double.parseDouble(f[0]) * 1000,
        (Double.parseDouble(f[1]) + Double.parseDouble(f[2])) * 1000);
  }

  private static String figure(double[] ms) {
    double[] s = ms.clone();
    Arrays.sort(s);
    return String.format("%.0f ms (%.0f–%.0f)", s[s.length / 2], s[0], s[s.length - 1]);
  }

  /** The 1-, 5- and 15-minute load averages, as the kernel gives them; "?" where there are none. */
  private static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException e) {
      return "?";
    }
  }

  /** A session of two lanes, as a short command reads one: a header and five entries. */
  private static Path smallSession(Path file) {
    try (SessionStore s = SessionStore.create(file, file.getParent().toString())) {
      Entry q = s.append(Draft.onLane("main", Body.Message.of(Role.USER, "Fix the login bug")));
      s.append(Draft.onLane("main", Body.Message.of(Role.ASSISTANT, "Let me read it.")));
      s.append(Draft.below(q.id(), Body.Message.of(Role.ASSISTANT, "Another way.")));
      s.append(Draft.label(q.id(), "start"));
    }
    return file;
  }
}
