package dev.grove.web;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.grove.git.Git;
import dev.grove.orchestrator.Runs;
import dev.grove.secrets.Secrets;
import dev.grove.session.Body;
import dev.grove.session.Draft;
import dev.grove.session.Durability;
import dev.grove.session.Entry;
import dev.grove.session.Parent;
import dev.grove.session.Role;
import dev.grove.session.SessionStore;
import dev.grove.session.ToolCall;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * How the dashboard copes with a 100,000-entry session: the time from opening the tree view in
 * headless Chromium to its first rows drawn with their text, and the frames while it scrolls
 * through the whole tree. A program, not a test:
 *
 * <pre>
 * mvn -o -q test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java -cp target/classes:target/test-classes:$(cat target/cp.txt) dev.grove.web.DashboardBenchmark [ENTRIES]
 * </pre>
 *
 * Prints the median and the spread (min–max) of 7 openings after 2 for warming up, and of the frame
 * times of 3 scrolls.
 */
public final class DashboardBenchmark {
  private DashboardBenchmark() {}

  public static void main(String[] args) throws Exception {
    int entries = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    Path dir = Files.createTempDirectory("grove-dashboard-bench");
    Path repo = dir.resolve("repo");
    Files.createDirectories(repo);
    new Git(Map.of()).run(repo, List.of("init", "-q", "-b", "main"));
    String run = "20261130-120000-0000beef";
    Path file = Runs.dir(repo).resolve(run + ".jsonl");
    long t0 = System.nanoTime();
    write(file, entries);
    System.out.printf(
        Locale.ROOT,
        "session: %,d entries, %.0f MB, written in %.1f s%n",
        entries,
        Files.size(file) / 1e6,
        (System.nanoTime() - t0) / 1e9);

    try (Dashboard d =
            Dashboard.start(
                new Dashboard.Settings(
                    "127.0.0.1",
                    0,
                    dir.resolve("grove-home"),
                    List.of(repo),
                    Secrets.none(),
                    null,
                    r -> DemoRun.workbench(dir, r, dir.resolve("none.json")),
                    List.of()));
        Browser b = new Browser(dir.resolve("profile"))) {
      HttpClient http = HttpClient.newHttpClient();
      double[] api = new double[7];
      long bytes = 0;
      for (int i = -2; i < api.length; i++) {
        long s = System.nanoTime();
        HttpResponse<byte[]> r =
            http.send(
                HttpRequest.newBuilder(URI.create(d.address() + "/api/runs/" + run + "/tree"))
                    .header("Authorization", "Bearer " + d.token())
                    .header("Accept-Encoding", "gzip")
                    .build(),
                HttpResponse.BodyHandlers.ofByteArray());
        if (i >= 0) {
          api[i] = (System.nanoTime() - s) / 1e6;
          bytes = r.body().length;
        }
      }
      System.out.printf(
          Locale.ROOT, "GET tree (shape only): %s, %,d bytes gzipped%n", figures(api, "ms"), bytes);

      b.open(d.url().toString());
      double[] open = new double[7];
      for (int i = -2; i < open.length; i++) {
        b.open(d.address() + "/#/");
        b.visible("#runs");
        long s = System.nanoTime();
        b.open(d.address() + "/#/run/" + run + "/tree");
        b.until(
            Duration.ofSeconds(60),
            w ->
                (Boolean)
                    b.js(
                        "const t = window.groveTree; return !!t && t.rows.length > 0"
                            + " && document.querySelectorAll('#rows .trow .text').length > 10"));
        if (i >= 0) {
          open[i] = (System.nanoTime() - s) / 1e6;
        }
      }
      long rows = ((Number) b.js("return window.groveTree.rows.length")).longValue();
      System.out.println(
          "  last opening, in the page: " + b.js("return JSON.stringify(window.groveTiming)"));
      System.out.printf(
          Locale.ROOT,
          "open the tree view (page load, shape, layout, first rows with text): %s; %,d rows%n",
          figures(open, "ms"),
          rows);

      scroll(b, "folded (the default view)");
      b.js(
          "const f = document.getElementById('filter'); f.value = 'no-tools';"
              + " f.dispatchEvent(new Event('change'));");
      b.until(w -> ((Number) b.js("return window.groveTree.rows.length")).longValue() > 10_000);
      scroll(b, "unfolded (filter: no tool results)");
    }
  }

  /** Scrolls the tree from top to bottom in 300 frames, three times; prints the frame times. */
  private static void scroll(Browser b, String what) {
    long rows = ((Number) b.js("return window.groveTree.rows.length")).longValue();
    List<Double> frames = new ArrayList<>();
    long longTasks = 0;
    for (int i = 0; i < 3; i++) {
      @SuppressWarnings("unchecked")
      Map<String, Object> r =
          (Map<String, Object>)
              b.driver.executeAsyncScript(
                  """
                  const done = arguments[arguments.length - 1];
                  const el = document.getElementById('rows');
                  let longTasks = 0;
                  const obs = new PerformanceObserver((l) => { longTasks += l.getEntries().length; });
                  try { obs.observe({ type: 'longtask', buffered: false }); } catch (e) {}
                  el.scrollTop = 0;
                  const frames = [];
                  const step = Math.max(1, Math.ceil((el.scrollHeight - el.clientHeight) / 300));
                  let last = 0;
                  function tick(now) {
                    if (last) frames.push(now - last);
                    last = now;
                    if (el.scrollTop + el.clientHeight >= el.scrollHeight - 2 || frames.length >= 400) {
                      obs.disconnect();
                      done({ frames, longTasks });
                      return;
                    }
                    el.scrollTop += step;
                    requestAnimationFrame(tick);
                  }
                  requestAnimationFrame(tick);
                  """);
      @SuppressWarnings("unchecked")
      List<Number> f = (List<Number>) r.get("frames");
      f.forEach(x -> frames.add(x.doubleValue()));
      longTasks += ((Number) r.get("longTasks")).longValue();
    }
    double[] all = frames.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    long over50 = frames.stream().filter(x -> x > 50).count();
    System.out.printf(
        Locale.ROOT,
        "scroll %s, %,d rows, top to bottom 3 times (%,d frames): frame median %.1f ms, p95 %.1f ms,"
            + " max %.1f ms; frames over 50 ms: %d; long tasks: %d%n",
        what,
        rows,
        all.length,
        all[all.length / 2],
        all[(int) (all.length * 0.95)],
        all[all.length - 1],
        over50,
        longTasks);
  }

  private static String figures(double[] xs, String unit) {
    double[] s = xs.clone();
    Arrays.sort(s);
    return String.format(
        Locale.ROOT, "%.0f %s (%.0f–%.0f)", s[s.length / 2], unit, s[0], s[s.length - 1]);
  }

  /**
   * A run's session of {@code n} entries: one deep main line of an agent's turns (an assistant
   * turn, its tool result, now and then a user message), with a side branch of 10–30 entries every
   * 500.
   */
  static void write(Path file, int n) {
    SplittableRandom rnd = new SplittableRandom(42);
    try (SessionStore s =
        SessionStore.create(
            file, "/bench", SessionStore.Options.defaults().withDurability(Durability.NONE))) {
      Entry root =
          s.append(
              new Draft(
                  Parent.root(),
                  "main",
                  new Body.Event(
                      "run.started",
                      JsonNodeFactory.instance
                          .objectNode()
                          .put("run", file.getFileName().toString().replace(".jsonl", ""))
                          .put("repo", "/bench")
                          .put("base", "main")
                          .put("baseCommit", "0".repeat(40))
                          .put("model", "scripted:bench")
                          .put("parallel", 4)
                          .put("retries", 0)
                          .put("remote", "origin")
                          .put("forge", "local")
                          .put("mode", "tasks"))));
      s.append(
          Draft.onLane(
              "main",
              new Body.Event(
                  "lane.spawned",
                  JsonNodeFactory.instance
                      .objectNode()
                      .put("lane", "agent")
                      .put("task", "A long task")
                      .put("branch", "task/agent")
                      .put("base", "main")
                      .put("baseCommit", "0".repeat(40)))));
      String spawn = s.laneHead("main").orElseThrow();
      s.append(
          new Draft(
              Parent.of(spawn),
              "agent",
              Body.Message.of(Role.SYSTEM, "You are a coding agent."),
              true));
      int written = 3;
      int branches = 0;
      while (written < n) {
        if (written % 500 == 0) {
          String from = s.laneHead("agent").orElseThrow();
          String lane = "try-" + (++branches);
          int len = 10 + rnd.nextInt(21);
          s.append(
              new Draft(
                  Parent.of(from),
                  lane,
                  Body.Message.of(Role.USER, "Hint: try another way " + branches)));
          for (int k = 1; k < len && written < n; k++, written++) {
            s.append(Draft.onLane(lane, turn(rnd, k)));
          }
          written++;
          continue;
        }
        s.append(Draft.onLane("agent", turn(rnd, written)));
        written++;
      }
      if (root == null) {
        throw new IllegalStateException();
      }
    }
  }

  private static Body turn(SplittableRandom rnd, int i) {
    return switch (i % 3) {
      case 0 ->
          new Body.Message(
              Role.ASSISTANT,
              "Looking at part "
                  + i
                  + " of the code, "
                  + "then editing it. ".repeat(1 + rnd.nextInt(6)),
              List.of(new ToolCall("c" + i, "read_file", "{\"path\":\"src/F" + i + ".java\"}")),
              null,
              false,
              "bench",
              new dev.grove.session.Usage(1800, 120, 0.002),
              null);
      case 1 ->
          Body.Message.toolResult("c" + (i - 1), "line ".repeat(20 + rnd.nextInt(200)), false);
      default -> Body.Message.of(Role.USER, "Continue with the tools.");
    };
  }
}
