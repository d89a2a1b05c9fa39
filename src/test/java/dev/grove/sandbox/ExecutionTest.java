package dev.grove.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ExecutionTest {
  @Test
  void aSandboxOutlivesTheThreadThatAskedForIt() throws Exception {
    // bwrap --die-with-parent is PR_SET_PDEATHSIG, which fires when the parent *thread* exits;
    // pooled and
    // carrier threads retire while commands run. Started from a thread that ends before it, it must
    // live.
    AtomicReference<Process> started = new AtomicReference<>();
    Thread shortLived =
        new Thread(
            () -> {
              started.set(
                  Execution.start(
                      new ProcessBuilder(
                          "bwrap",
                          "--ro-bind",
                          "/",
                          "/",
                          "--unshare-pid",
                          "--die-with-parent",
                          "--",
                          "sh",
                          "-c",
                          "sleep 0.6; echo survived")));
              try {
                Thread.sleep(200); // long enough for bwrap to have armed its parent-death signal
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    shortLived.start();
    shortLived.join();
    Process p = started.get();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isZero();
    assertThat(out).isEqualTo("survived\n");
  }

  @Test
  void aTimeoutKillsAndReportsIt() {
    Execution.Outcome o =
        Execution.run(
            "sleep",
            List.of("sh", "-c", "echo before; exec sleep 30"),
            Map.of("PATH", "/usr/bin:/bin"),
            Path.of("/"),
            Duration.ofMillis(300),
            1024,
            ProcessHandle::destroyForcibly);
    assertThat(o.timedOut()).isTrue();
    assertThat(o.exitCode()).isEqualTo(137);
    assertThat(o.stdout().text()).isEqualTo("before\n");
  }

  @Test
  void theProcessGetsOnlyTheEnvironmentItIsGiven() {
    Execution.Outcome o =
        Execution.run(
            "env",
            List.of("/usr/bin/env"),
            Map.of("ONLY", "this"),
            Path.of("/"),
            Duration.ofSeconds(10),
            4096,
            ProcessHandle::destroyForcibly);
    assertThat(o.stdout().text()).isEqualTo("ONLY=this\n");
  }
}
