package dev.grove.session;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A separate writer process for the multi-process tests. Usage: {@code FILE LANE COUNT THREADS
 * SIZE}. Opens the session, prints {@code ready}, waits for {@code go} on standard input, then
 * appends COUNT entries per thread (0: until killed) of about SIZE bytes, printing {@code ack <id>}
 * after each append returns — an acknowledged append. With THREADS > 1 each thread writes lane
 * LANE-n; with 1, lane LANE.
 */
public final class AppendProcess {
  public static void main(String[] args) throws Exception {
    Path file = Path.of(args[0]);
    String lane = args[1];
    int count = Integer.parseInt(args[2]);
    int threads = Integer.parseInt(args[3]);
    int size = Integer.parseInt(args[4]);
    PrintStream out = new PrintStream(System.out, false, "UTF-8");
    try (SessionStore store = SessionStore.open(file)) {
      out.println("ready");
      out.flush();
      String go = new BufferedReader(new InputStreamReader(System.in)).readLine();
      if (!"go".equals(go)) {
        return;
      }
      String text = "x".repeat(size);
      List<Thread> ts = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        String myLane = threads == 1 ? lane : lane + "-" + t;
        ts.add(
            Thread.ofPlatform()
                .start(
                    () -> {
                      for (int i = 0; count == 0 || i < count; i++) {
                        Entry e =
                            store.append(
                                Draft.onLane(myLane, Body.Message.of(Role.USER, i + " " + text)));
                        synchronized (out) {
                          out.println("ack " + e.id());
                          out.flush();
                        }
                      }
                    }));
      }
      for (Thread t : ts) {
        t.join();
      }
      out.println("done");
      out.flush();
    }
  }
}
