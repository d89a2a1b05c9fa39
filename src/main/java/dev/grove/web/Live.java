package dev.grove.web;

import io.javalin.http.sse.SseClient;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Server-sent events: the runs list and each watched run, sent again whenever what they are read
 * from changes — a session file grew (any process may be appending to it) or a run's liveness
 * changed (its process started or died). One thread looks, a few times a second, at file sizes and
 * locks only; a view is computed when something changed and someone is watching.
 */
final class Live implements AutoCloseable {
  static final long LOOK_EVERY_MS = 250;
  static final long KEEP_ALIVE_MS = 15_000;

  private final Supplier<String> runsSignature;
  private final Supplier<byte[]> runsView;
  private final Function<String, String> runSignature;
  private final Function<String, byte[]> runView;

  private final Set<SseClient> runsClients = new CopyOnWriteArraySet<>();
  private final Map<String, Set<SseClient>> runClients = new ConcurrentHashMap<>();
  private final Map<String, String> lastSeen = new ConcurrentHashMap<>();
  private final Thread looker;
  private volatile boolean closed;

  Live(
      Supplier<String> runsSignature,
      Supplier<byte[]> runsView,
      Function<String, String> runSignature,
      Function<String, byte[]> runView) {
    this.runsSignature = runsSignature;
    this.runsView = runsView;
    this.runSignature = runSignature;
    this.runView = runView;
    this.looker = Thread.ofPlatform().daemon().name("grove-serve-live").start(this::look);
  }

  /** A page watching the runs list: it gets the list now, and again on every change. */
  void watchRuns(SseClient client) {
    client.keepAlive();
    client.onClose(() -> runsClients.remove(client));
    send(client, "runs", runsView.get());
    runsClients.add(client);
  }

  /** A page watching one run: it gets the run now, and again on every change. */
  void watchRun(String run, SseClient client) {
    client.keepAlive();
    Set<SseClient> set = runClients.computeIfAbsent(run, k -> new CopyOnWriteArraySet<>());
    client.onClose(() -> set.remove(client));
    send(client, "run", runView.apply(run));
    set.add(client);
  }

  private void look() {
    long lastKeepAlive = System.nanoTime();
    while (!closed) {
      try {
        Thread.sleep(LOOK_EVERY_MS);
      } catch (InterruptedException e) {
        return;
      }
      try {
        if (!runsClients.isEmpty()) {
          String sig = runsSignature.get();
          if (!sig.equals(lastSeen.put("", sig))) {
            byte[] view = runsView.get();
            runsClients.forEach(c -> send(c, "runs", view));
          }
        }
        for (Map.Entry<String, Set<SseClient>> e : runClients.entrySet()) {
          if (e.getValue().isEmpty()) {
            continue;
          }
          String sig = runSignature.apply(e.getKey());
          if (!sig.equals(lastSeen.put("run:" + e.getKey(), sig))) {
            byte[] view = runView.apply(e.getKey());
            e.getValue().forEach(c -> send(c, "run", view));
          }
        }
        if (System.nanoTime() - lastKeepAlive > KEEP_ALIVE_MS * 1_000_000) {
          lastKeepAlive = System.nanoTime();
          runsClients.forEach(c -> comment(c));
          runClients.values().forEach(set -> set.forEach(Live::comment));
        }
      } catch (RuntimeException e) {
        // a run unreadable for a moment (being written, moved): the next look tries again
      }
    }
  }

  private static void send(SseClient c, String event, byte[] data) {
    if (c.terminated()) {
      return;
    }
    try {
      c.sendEvent(event, new String(data, StandardCharsets.UTF_8));
    } catch (RuntimeException gone) {
      c.close();
    }
  }

  private static void comment(SseClient c) {
    try {
      c.sendComment("keep-alive");
    } catch (RuntimeException gone) {
      c.close();
    }
  }

  @Override
  public void close() {
    closed = true;
    looker.interrupt();
    runsClients.forEach(SseClient::close);
    runClients.values().forEach(s -> s.forEach(SseClient::close));
  }
}
