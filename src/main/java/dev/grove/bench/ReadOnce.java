package dev.grove.bench;

import dev.grove.session.Body;
import dev.grove.session.Entry;
import dev.grove.session.SessionStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * One cold read, for running in a fresh process: opens a session file, builds the context at the
 * head of a lane (default {@code main}) and reads every message of it, then prints one JSON line
 * with the time each step took and the process's peak memory. What an agent resuming a session
 * does, and what {@code bench/pi/compare.mjs} sets beside pi's {@code SessionManager.open} and
 * {@code buildSessionContext}.
 *
 * <p>{@code java -cp grove.jar dev.grove.bench.ReadOnce FILE [LANE]}
 */
public final class ReadOnce {
  private ReadOnce() {}

  public static void main(String[] args) throws IOException {
    if (args.length < 1 || args.length > 2) {
      System.err.println("usage: ReadOnce FILE [LANE]");
      System.exit(2);
    }
    Path file = Path.of(args[0]);
    String lane = args.length > 1 ? args[1] : "main";
    long a = System.nanoTime();
    try (SessionStore store = SessionStore.open(file)) {
      long b = System.nanoTime();
      List<Entry> context = store.contextOfLane(lane);
      long c = System.nanoTime();
      long chars = 0;
      for (Entry e : context) {
        String content = ((Body.Message) e.body()).content();
        chars += content == null ? 0 : content.length();
      }
      long d = System.nanoTime();
      System.out.println(
          String.format(
              Locale.ROOT,
              "{\"file\":\"%s\",\"MB\":%.1f,\"entries\":%d,\"open_ms\":%.1f,\"ctx_ms\":%.1f,"
                  + "\"read_ms\":%.1f,\"msgs\":%d,\"chars\":%d,\"maxRSS_MB\":%d}",
              file,
              Files.size(file) / 1e6,
              store.size(),
              (b - a) / 1e6,
              (c - b) / 1e6,
              (d - c) / 1e6,
              context.size(),
              chars,
              SessionBenchmark.peakRssMb()));
    }
  }
}
