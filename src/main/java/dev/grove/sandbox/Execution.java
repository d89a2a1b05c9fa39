package dev.grove.sandbox;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Runs one host process: argument list, empty stdin, output drained and capped on two threads, a
 * timeout after which {@code killTree} is called. Returns when the process has exited and its
 * output is read (or, if something it left behind keeps a pipe open, after a short grace).
 */
final class Execution {
  /** How long to wait for a killed process to be gone. */
  private static final Duration KILL_WAIT = Duration.ofSeconds(10);

  /** How long to wait for the output pipes to close once the process has exited. */
  private static final Duration DRAIN_GRACE = Duration.ofSeconds(2);

  private static final File DEV_NULL = new File("/dev/null");

  /**
   * Every child process is started by this one thread, which lives as long as the JVM. bubblewrap's
   * --die-with-parent uses PR_SET_PDEATHSIG, and Linux sends that signal when the *thread* that
   * started the child exits, not the process: a sandbox started from a pooled or virtual thread's
   * carrier would be killed when that thread retires. One immortal starter thread keeps them alive
   * exactly as long as grove is.
   */
  private static final ExecutorService STARTER =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "grove-process-starter");
            t.setDaemon(true);
            return t;
          });

  record Outcome(
      int exitCode, CappedText stdout, CappedText stderr, Duration duration, boolean timedOut) {}

  private Execution() {}

  /**
   * @param label what to call the process in messages
   * @param env the process's whole environment (nothing is inherited)
   * @param killTree kills the process and everything it started; called at the timeout, on
   *     interrupt, and once the process has exited (to end what it left behind), so it must be
   *     idempotent. It gets a {@link ProcessHandle}, not the {@link Process}: {@code
   *     Process.destroy} also closes the output pipes, and the last output before a timeout (often
   *     the most telling) would be lost
   */
  static Outcome run(
      String label,
      List<String> argv,
      Map<String, String> env,
      Path dir,
      Duration timeout,
      int maxOutput,
      Consumer<ProcessHandle> killTree) {
    ProcessBuilder pb =
        new ProcessBuilder(argv)
            .directory(dir.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(DEV_NULL));
    pb.environment().clear();
    pb.environment().putAll(env);
    long start = System.nanoTime();
    Process p = start(pb);
    OutputCapture out = new OutputCapture(maxOutput);
    OutputCapture err = new OutputCapture(maxOutput);
    Thread outReader = drain(p.getInputStream(), out);
    Thread errReader = drain(p.getErrorStream(), err);
    boolean timedOut = false;
    try {
      if (!p.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
        timedOut = true;
        killTree.accept(p.toHandle());
      }
      if (!p.waitFor(KILL_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
        killTree.accept(p.toHandle());
        throw new SandboxException(
            "process "
                + p.pid()
                + " ("
                + label
                + ") did not exit within "
                + KILL_WAIT.toSeconds()
                + " s of being killed; it may be stuck in the kernel (see `ps -o stat "
                + p.pid()
                + "`)");
      }
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      // Processes the command left behind die with it (the sandbox sees to that); give them a
      // moment.
      killTree.accept(p.toHandle());
      awaitDrained(p, outReader, errReader);
      return new Outcome(p.exitValue(), out.text(), err.text(), took, timedOut);
    } catch (InterruptedException e) {
      killTree.accept(p.toHandle());
      Thread.currentThread().interrupt();
      throw new SandboxException.Interrupted(
          "interrupted while running " + label + "; it was killed");
    }
  }

  /** Starts {@code pb} on the starter thread (see {@link #STARTER}). */
  static Process start(ProcessBuilder pb) {
    Future<Process> started = STARTER.submit(pb::start);
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return started.get();
        } catch (InterruptedException e) {
          // the start is already under way: finish it so the process is not lost, then report
          interrupted = true;
        }
      }
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      throw new SandboxException.SetupFailed(
          "cannot start " + pb.command().get(0) + ": " + cause.getMessage(), cause);
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static Thread drain(InputStream in, OutputCapture capture) {
    return Thread.ofVirtual()
        .name("grove-output")
        .start(
            () -> {
              try (in) {
                capture.drain(in);
              } catch (IOException e) {
                // closed under us after the grace: what was read is kept
              }
            });
  }

  private static void awaitDrained(Process p, Thread... readers) throws InterruptedException {
    long deadline = System.nanoTime() + DRAIN_GRACE.toNanos();
    for (Thread reader : readers) {
      long left = deadline - System.nanoTime();
      if (left <= 0 || !reader.join(Duration.ofNanos(left))) {
        // something outside our reach still holds a pipe open: stop reading, keep what we have
        closeQuietly(p.getInputStream());
        closeQuietly(p.getErrorStream());
        return;
      }
    }
  }

  private static void closeQuietly(InputStream in) {
    try {
      in.close();
    } catch (IOException e) {
      // closing a pipe we no longer read: nothing to do about a failure
    }
  }
}
