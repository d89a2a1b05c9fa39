package dev.grove.lock;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LockFileTest {
  @TempDir Path dir;

  @Test
  void threadsTakeTurnsAndHoldsAreReentrant() throws Exception {
    Path p = dir.resolve("x.lock");
    AtomicBoolean inside = new AtomicBoolean();
    AtomicInteger overlaps = new AtomicInteger();
    AtomicInteger count = new AtomicInteger();
    List<Thread> ts = new ArrayList<>();
    for (int t = 0; t < 8; t++) {
      ts.add(
          Thread.ofVirtual()
              .start(
                  () -> {
                    for (int i = 0; i < 50; i++) {
                      try (LockFile lock = LockFile.open(p);
                          LockFile.Held h = lock.acquire();
                          LockFile.Held again = lock.acquire()) {
                        if (!inside.compareAndSet(false, true)) {
                          overlaps.incrementAndGet();
                        }
                        count.incrementAndGet();
                        inside.set(false);
                      } catch (Exception e) {
                        throw new RuntimeException(e);
                      }
                    }
                  }));
    }
    for (Thread t : ts) {
      t.join();
    }
    assertThat(overlaps.get()).isZero();
    assertThat(count.get()).isEqualTo(400);
  }

  @Test
  void anInterruptWhileWaitingForAnotherProcessNeitherFailsNorStealsTheLock() throws Exception {
    Path p = dir.resolve("y.lock");
    String java = ProcessHandle.current().info().command().orElse("java");
    Process holder =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                LockHolder.class.getName(),
                p.toString())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    try {
      BufferedReader out =
          new BufferedReader(
              new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
      assertThat(out.readLine()).isEqualTo("locked");
      AtomicBoolean acquired = new AtomicBoolean();
      AtomicBoolean interruptKept = new AtomicBoolean();
      Thread waiter =
          Thread.ofPlatform()
              .start(
                  () -> {
                    try (LockFile lock = LockFile.open(p);
                        LockFile.Held h = lock.acquire()) {
                      acquired.set(true);
                      interruptKept.set(Thread.currentThread().isInterrupted());
                    } catch (Exception e) {
                      throw new RuntimeException(e);
                    }
                  });
      for (int i = 0; i < 5; i++) {
        Thread.sleep(50);
        waiter.interrupt();
      }
      Thread.sleep(100);
      assertThat(acquired.get())
          .as("still waiting while the other process holds the lock")
          .isFalse();
      assertThat(holder.isAlive()).isTrue();
      holder.getOutputStream().write("release\n".getBytes(StandardCharsets.UTF_8));
      holder.getOutputStream().flush();
      waiter.join(10_000);
      assertThat(acquired.get()).isTrue();
      assertThat(interruptKept.get()).isTrue();
    } finally {
      holder.destroyForcibly();
      holder.waitFor(10, TimeUnit.SECONDS);
    }
  }
}
