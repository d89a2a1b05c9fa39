package dev.grove.bench;

import dev.grove.agent.Agent;
import dev.grove.agent.CodingTools;
import dev.grove.git.Git;
import dev.grove.git.Worktree;
import dev.grove.git.Worktrees;
import dev.grove.model.ChatModel;
import dev.grove.model.ModelReply;
import dev.grove.model.ModelRequest;
import dev.grove.orchestrator.SampleRepository;
import dev.grove.orchestrator.Workbench;
import dev.grove.sandbox.Backend;
import dev.grove.session.SessionStore;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * grove's own cost per agent step: the time between a model's reply and the next model call, in
 * which grove runs the tools (file tools only: no commands), snapshots the worktree as a
 * checkpoint, appends the entries (fsynced) and builds the next context. Lanes run in parallel in
 * one session file, as in a run; the model is scripted and answers after a fixed delay, standing in
 * for a real model's latency (off-CPU, so lanes interleave as they would). A program that prints
 * figures.
 */
public final class RunBenchmark {
  private static final String SCRIPT =
      """
      {"turns": [
        {"id": "read", "calls": [{"tool": "read_file", "args": {"path": "src/Pricing.java"}}]},
        {"calls": [{"tool": "edit_file", "args": {"path": "src/Pricing.java", "old": "cents. */", "new": "cents (edited). */"}}]},
        {"calls": [{"tool": "grep", "args": {"pattern": "double", "glob": "*.java"}}]},
        {"calls": [{"tool": "edit_file", "args": {"path": "src/Pricing.java", "old": "cents (edited). */", "new": "cents. */"}}],
         "next": "read"}
      ]}
      """;

  private final Path dir;
  private final PrintWriter out;
  private final Map<String, String> env;

  public RunBenchmark(Path dir, Map<String, String> env, PrintWriter out) {
    this.dir = dir;
    this.env = env;
    this.out = out;
  }

  public void run(List<Integer> laneCounts, int steps, Duration modelLatency) throws Exception {
    out.printf(
        "grove run benchmark — %s, %d cores; %d steps per agent; model latency %d ms (scripted, off-CPU)%n",
        Runtime.version(),
        Runtime.getRuntime().availableProcessors(),
        steps,
        modelLatency.toMillis());
    out.println(
        "per-step overhead = from a model reply to the next model call: tools, checkpoint, appends (fsync), context");
    out.flush();
    for (int lanes : laneCounts) {
      measure(lanes, steps, modelLatency);
    }
  }

  private void measure(int lanes, int steps, Duration latency) throws Exception {
    Path where = Files.createTempDirectory(dir, "run-" + lanes + "-");
    SampleRepository.Made shop = SampleRepository.create(where, new Git(env));
    Path script = Files.writeString(where.resolve("bench.json"), SCRIPT);
    Workbench wb =
        Workbench.open(
            new Workbench.Settings(
                shop.repo(),
                where.resolve("grove-home"),
                where.resolve("home"),
                env,
                Clock.systemUTC(),
                Backend.BUBBLEWRAP,
                "scripted:" + script,
                null,
                new Agent.Limits(steps, 0, 0, Duration.ZERO),
                CodingTools.Options.defaults()));
    List<Long> gaps = Collections.synchronizedList(new ArrayList<>());
    List<Long> checkpoints = Collections.synchronizedList(new ArrayList<>());
    long start;
    long end;
    try (SessionStore session =
        SessionStore.create(where.resolve("bench.jsonl"), shop.repo().toString())) {
      List<Worktree> trees = new ArrayList<>();
      for (int i = 0; i < lanes; i++) {
        trees.add(
            wb.worktrees().add("lane-" + i, Worktrees.AddOptions.defaults().withFetch(false)));
      }
      CountDownLatch go = new CountDownLatch(1);
      List<Thread> threads = new ArrayList<>();
      for (Worktree wt : trees) {
        String lane = wt.slug().value();
        Agent.begin(session, lane, null, "You are a benchmark agent.", "Edit and read, forever.");
        ChatModel model = new Timed(wb.model("scripted:" + script), latency, gaps);
        Agent agent = wb.agent(session, lane, wt.path(), model, Agent.Listener.NONE);
        threads.add(
            Thread.ofVirtual()
                .start(
                    () -> {
                      try {
                        go.await();
                      } catch (InterruptedException e) {
                        return;
                      }
                      agent.run();
                    }));
      }
      start = System.nanoTime();
      go.countDown();
      for (Thread t : threads) {
        t.join();
      }
      end = System.nanoTime();
      checkpoints.add((long) wb.checkpoints().kept(session.header().id()).size());
    }
    long[] g = gaps.stream().mapToLong(Long::longValue).sorted().toArray();
    double seconds = (end - start) / 1e9;
    out.printf(
        "  %2d lane%s: %5d steps in %5.1f s (%5.1f steps/s); overhead per step median %5.1f ms, p90 %5.1f ms, max %6.1f ms; "
            + "%d checkpoints kept%n",
        lanes,
        lanes == 1 ? " " : "s",
        g.length + lanes,
        seconds,
        (g.length + lanes) / seconds,
        pct(g, 50),
        pct(g, 90),
        g.length == 0 ? 0 : g[g.length - 1] / 1e6,
        checkpoints.get(0));
    out.flush();
  }

  private static double pct(long[] sorted, int p) {
    if (sorted.length == 0) {
      return 0;
    }
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)]
        / 1e6;
  }

  /** A model that waits like a real one, and records the gap since its previous reply. */
  private static final class Timed implements ChatModel {
    private final ChatModel inner;
    private final Duration latency;
    private final List<Long> gaps;
    private long lastReply = -1;

    Timed(ChatModel inner, Duration latency, List<Long> gaps) {
      this.inner = inner;
      this.latency = latency;
      this.gaps = gaps;
    }

    @Override
    public ModelReply chat(ModelRequest request) {
      long now = System.nanoTime();
      if (lastReply >= 0) {
        gaps.add(now - lastReply);
      }
      try {
        Thread.sleep(latency);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      ModelReply r = inner.chat(request);
      lastReply = System.nanoTime();
      return r;
    }

    @Override
    public String name() {
      return inner.name();
    }
  }
}
