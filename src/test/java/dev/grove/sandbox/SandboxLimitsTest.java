package dev.grove.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Timeouts, process and memory caps and output caps, with real processes. Every test is bounded in
 * seconds, fork bomb included, and checks the host afterwards: nothing left running, no cgroup
 * left.
 */
class SandboxLimitsTest {
  static Fixture f;
  static BubblewrapSandbox sandbox;

  @BeforeAll
  static void setUp() throws IOException {
    f = Fixture.create();
    sandbox = (BubblewrapSandbox) Sandboxes.create(Backend.BUBBLEWRAP, f.policy(), f.env());
  }

  @AfterAll
  static void tearDown() throws IOException {
    f.close();
  }

  static CommandResult sh(BubblewrapSandbox s, Duration timeout, String script) {
    return s.run(CommandRequest.of(f.worktree, timeout, "sh", "-c", script));
  }

  @Test
  void aGrandchildThatIgnoresSigtermIsKilledAtTheTimeout() throws Exception {
    String marker = "4242." + Math.abs(UUID.randomUUID().getLeastSignificantBits() % 100000);
    // a child that ignores TERM, and a grandchild in its own session that ignores TERM and HUP
    String script =
        "echo started; sh -c 'trap \"\" TERM; setsid sh -c \"trap \\\"\\\" TERM HUP; sleep "
            + marker
            + "\" & sleep "
            + marker
            + "' & wait";
    CommandResult r = sh(sandbox, Duration.ofSeconds(1), script);
    assertThat(r.timedOut()).isTrue();
    assertThat(r.succeeded()).isFalse();
    assertThat(r.exitCode()).isEqualTo(137);
    assertThat(r.duration()).isLessThan(Duration.ofSeconds(10));
    assertThat(r.stdout().text()).isEqualTo("started\n"); // the output before the kill is kept
    assertThat(Fixture.survivors("sleep " + marker)).isEmpty();
  }

  @Test
  void processesLeftBehindDieWithTheCommand() throws Exception {
    String marker = "4343." + Math.abs(UUID.randomUUID().getLeastSignificantBits() % 100000);
    CommandResult r =
        sh(sandbox, Duration.ofSeconds(10), "setsid sleep " + marker + " & echo done");
    assertThat(r.succeeded()).isTrue();
    assertThat(r.stdout().text()).isEqualTo("done\n");
    assertThat(Fixture.survivors("sleep " + marker)).isEmpty();
  }

  @Test
  void aForkBombIsBoundedAndTheHostKeepsWorking() throws Exception {
    assumeTrue(
        sandbox.limits().capsProcesses(),
        "this host cannot cap processes: " + sandbox.limits().describe());
    BubblewrapSandbox small = withLimits(SandboxPolicy.Limits.DEFAULTS.withMaxProcesses(64));
    AtomicReference<CommandResult> bomb = new AtomicReference<>();
    Thread t =
        Thread.ofVirtual()
            .start(
                () ->
                    bomb.set(
                        sh(
                            small,
                            Duration.ofSeconds(3),
                            "bomb() { bomb | bomb & }; bomb; sleep 10")));
    Thread.sleep(1000);
    // meanwhile, on the host
    long before = System.nanoTime();
    Process hostProcess = new ProcessBuilder("true").start();
    assertThat(hostProcess.waitFor(5, TimeUnit.SECONDS)).isTrue();
    assertThat(hostProcess.exitValue()).isZero();
    assertThat(Duration.ofNanos(System.nanoTime() - before)).isLessThan(Duration.ofSeconds(2));
    t.join(Duration.ofSeconds(20));
    CommandResult r = bomb.get();
    assertThat(r).isNotNull();
    assertThat(r.timedOut()).isTrue();
    if (sandbox.limits() instanceof LimitMechanism.Cgroups) {
      assertThat(r.limitsReached()).contains(CommandResult.Limit.PROCESSES);
    }
    assertThat(Fixture.leftoverCgroups(sandbox)).isEmpty();
  }

  @Test
  void memoryBeyondTheCapIsRefused() throws Exception {
    assumeTrue(
        sandbox.limits() instanceof LimitMechanism.Cgroups
            || sandbox.limits() instanceof LimitMechanism.Rlimits,
        "this host cannot cap memory");
    BubblewrapSandbox small =
        withLimits(SandboxPolicy.Limits.DEFAULTS.withMaxMemoryBytes(64L << 20));
    // tail -c keeps what it must print in memory: 200 MB of it
    CommandResult r =
        sh(
            small,
            Duration.ofSeconds(30),
            "head -c 300000000 /dev/zero | tail -c 200000000 | wc -c");
    assertThat(r.stdout().text()).doesNotContain("200000000");
    if (sandbox.limits() instanceof LimitMechanism.Cgroups) {
      assertThat(r.limitsReached()).contains(CommandResult.Limit.MEMORY);
    }
    // and under the cap, the same kind of work goes through
    CommandResult fine =
        sh(small, Duration.ofSeconds(30), "head -c 3000000 /dev/zero | tail -c 2000000 | wc -c");
    assertThat(fine.stdout().text().strip()).isEqualTo("2000000");
    assertThat(fine.limitsReached()).isEmpty();
  }

  @Test
  void withRlimitsMemoryIsCappedPerProcess() {
    // what a user without cgroups gets: prlimit inside the sandbox's user namespace
    Path prlimit = Executables.find("prlimit", f.env().get("PATH")).orElseThrow();
    SandboxPolicy policy =
        f.policy().withLimits(SandboxPolicy.Limits.DEFAULTS.withMaxMemoryBytes(64L << 20));
    BubblewrapSandbox s =
        new BubblewrapSandbox(
            Bubblewrap.locate(f.env()),
            policy,
            f.env(),
            new LimitMechanism.Rlimits(prlimit, false, "test"));
    CommandResult r =
        sh(s, Duration.ofSeconds(30), "head -c 300000000 /dev/zero | tail -c 200000000 | wc -c");
    assertThat(r.stdout().text()).doesNotContain("200000000");
    assertThat(r.stderr().text()).contains("memory exhausted");
    CommandResult limits = sh(s, Duration.ofSeconds(10), "grep 'Max data size' /proc/self/limits");
    assertThat(limits.stdout().text()).contains(Long.toString(64L << 20));
  }

  @Test
  void oneHundredMegabytesOfOutputAreCappedKeepingHeadAndTail() {
    int n = 14_000_000;
    CommandResult r =
        sandbox.run(
            CommandRequest.of(f.worktree, Duration.ofSeconds(60), "seq", "1", Integer.toString(n)));
    long total = 0;
    for (int digits = 1, from = 1; from <= n; digits++, from *= 10) {
      total += (long) (Math.min(n, from * 10L - 1) - from + 1) * (digits + 1);
    }
    assertThat(total).isGreaterThan(100_000_000L);
    int cap = SandboxPolicy.Limits.DEFAULTS.maxOutputBytes();
    assertThat(r.succeeded()).isTrue();
    assertThat(r.stdout().truncated()).isTrue();
    assertThat(r.stdout().head()).startsWith("1\n2\n3\n4\n");
    assertThat(r.stdout().tail()).endsWith("13999999\n14000000\n");
    assertThat(r.stdout().head().length() + r.stdout().tail().length()).isEqualTo(cap);
    assertThat(r.stdout().cutBytes()).isEqualTo(total - cap);
    assertThat(r.stdout().text()).contains(String.format("[… %,d bytes cut …]", total - cap));
  }

  @Test
  void theLastOutputBeforeATimeoutIsKept() {
    CommandResult r =
        sh(sandbox, Duration.ofMillis(700), "seq 1 100000; echo last words; exec sleep 60");
    assertThat(r.timedOut()).isTrue();
    assertThat(r.stdout().tail()).endsWith("100000\nlast words\n");
  }

  @Test
  void outputIsNeverLostWhenTheCommandExitsAtOnce() {
    for (int i = 0; i < 30; i++) {
      CommandResult r =
          sandbox.run(CommandRequest.of(f.worktree, Duration.ofSeconds(10), "echo", "run " + i));
      assertThat(r.stdout().text()).isEqualTo("run " + i + "\n");
    }
  }

  @Test
  void eachCommandsCgroupIsRemovedAfterIt() throws Exception {
    assumeTrue(sandbox.limits() instanceof LimitMechanism.Cgroups, "no cgroups here");
    sh(sandbox, Duration.ofSeconds(10), "sleep 0.1 & true");
    assertThat(Fixture.leftoverCgroups(sandbox)).isEmpty();
  }

  private BubblewrapSandbox withLimits(SandboxPolicy.Limits limits) {
    return (BubblewrapSandbox)
        Sandboxes.create(Backend.BUBBLEWRAP, f.policy().withLimits(limits), f.env());
  }
}
