package dev.grove.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real separate JVMs writing one session file: killed mid-write, and side by side. */
class MultiProcessTest {
  @TempDir Path dir;

  /** A running {@link AppendProcess} and the ids it acknowledged. */
  static final class Writer {
    final Process process;
    final BufferedReader out;
    final List<String> acks = java.util.Collections.synchronizedList(new ArrayList<>());
    CompletableFuture<Void> reading;

    Writer(Path file, String lane, int count, int threads, int size) throws IOException {
      String java = ProcessHandle.current().info().command().orElse("java");
      process =
          new ProcessBuilder(
                  java,
                  "-cp",
                  System.getProperty("java.class.path"),
                  AppendProcess.class.getName(),
                  file.toString(),
                  lane,
                  "" + count,
                  "" + threads,
                  "" + size)
              .redirectError(ProcessBuilder.Redirect.INHERIT)
              .start();
      out =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      String first = out.readLine();
      assertThat(first).as("writer process started").isEqualTo("ready");
    }

    void go() throws IOException {
      OutputStream in = process.getOutputStream();
      in.write("go\n".getBytes(StandardCharsets.UTF_8));
      in.flush();
      reading =
          CompletableFuture.runAsync(
              () -> {
                try {
                  for (String line; (line = out.readLine()) != null; ) {
                    if (line.startsWith("ack ")) {
                      acks.add(line.substring(4));
                    }
                  }
                } catch (IOException e) {
                  // the process was killed
                }
              });
    }

    void awaitAcks(int n) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (acks.size() < n && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      assertThat(acks.size())
          .as("acknowledged appends before the deadline")
          .isGreaterThanOrEqualTo(n);
    }

    void kill() throws Exception {
      process.destroyForcibly(); // SIGKILL
      process.waitFor(30, TimeUnit.SECONDS);
      reading.get(30, TimeUnit.SECONDS);
    }

    void await() throws Exception {
      assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
      reading.get(30, TimeUnit.SECONDS);
      assertThat(process.exitValue()).isZero();
    }
  }

  @Test
  void everyAcknowledgedAppendSurvivesSigkillDuringConcurrentAppends() throws Exception {
    Path file = dir.resolve("crash.jsonl");
    SessionStore.create(file, "/crash").close();
    Set<String> acked = new HashSet<>();
    int rounds = 4;
    for (int round = 0; round < rounds; round++) {
      // big entries make a kill inside a write (a torn line) likely
      Writer w = new Writer(file, "r" + round, 0, 6, round % 2 == 0 ? 4_000_000 : 2_000);
      w.go();
      w.awaitAcks(round % 2 == 0 ? 12 : 60);
      w.kill();
      acked.addAll(w.acks);
      // recovery: the next writer repairs whatever the kill left, and loses nothing acknowledged
      try (SessionStore s = SessionStore.open(file)) {
        s.append(Draft.onLane("check", Body.Message.of(Role.USER, "after kill " + round)));
        for (String id : acked) {
          assertThat(s.contains(id)).as("acknowledged entry %s after round %d", id, round).isTrue();
        }
      }
      ValidationReport r = SessionStore.validate(file);
      assertThat(r.problems()).as("round %d", round).isEmpty();
    }
    System.out.println(
        "crash test: "
            + acked.size()
            + " acknowledged appends across "
            + rounds
            + " kills; torn lines moved aside: "
            + Files.exists(SessionStore.tornFile(file)));
  }

  @Test
  void twoProcessesAppendingToOneLaneNeverInterleaveOrLoseEntries() throws Exception {
    Path file = dir.resolve("two.jsonl");
    SessionStore.create(file, "/two").close();
    int each = 300;
    Writer a = new Writer(file, "shared", each, 1, 700);
    Writer b = new Writer(file, "shared", each, 1, 900);
    a.go();
    b.go();
    a.await();
    b.await();
    try (SessionStore s = SessionStore.open(file)) {
      assertThat(s.size()).isEqualTo(2 * each);
      for (String id : a.acks) {
        assertThat(s.contains(id)).isTrue();
      }
      for (String id : b.acks) {
        assertThat(s.contains(id)).isTrue();
      }
      // both resolved "the head of lane shared" under the lock: one chain, no accidental branches
      assertThat(s.branchPoints()).isEmpty();
      assertThat(s.leaves()).hasSize(1);
      assertThat(s.path(s.laneHead("shared").orElseThrow())).hasSize(2 * each);
    }
    assertThat(SessionStore.validate(file).problems()).isEmpty();
    for (String line : Files.readAllLines(file)) {
      assertThat(line).startsWith("{").endsWith("}");
    }
  }
}
