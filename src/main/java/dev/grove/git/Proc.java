package dev.grove.git;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs one external process: an argument list (never a shell string), an exact environment, a
 * timeout. Output is drained on virtual threads so a chatty process never blocks on a full pipe.
 *
 * <p>An interrupt of the calling thread does not abort a git command (killing git mid-way leaves
 * its lock files behind, which would then fail every other agent): the wait continues and the flag
 * is set again when the call returns. Interruptible calls (long user commands) are killed instead.
 * On timeout the process tree gets SIGTERM, so git can remove its lock files, then SIGKILL.
 */
final class Proc {
  /** How long a process may take to exit after SIGTERM before it is killed. */
  private static final Duration GRACE = Duration.ofSeconds(2);

  private Proc() {}

  /**
   * @param log where stdout and stderr go (both, interleaved); null captures them separately
   * @param interruptible whether an interrupt kills the process and throws {@link Interrupted}
   */
  record Spec(
      List<String> command,
      Path dir,
      Map<String, String> env,
      byte[] stdin,
      Duration timeout,
      Path log,
      boolean interruptible) {
    Spec {
      command = List.copyOf(command);
      env = Map.copyOf(env);
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("timeout must be positive: " + timeout);
      }
    }
  }

  /**
   * @param timedOut true if the process was killed at its timeout (exit is then meaningless)
   */
  record Result(int exit, byte[] stdout, byte[] stderr, Duration duration, boolean timedOut) {}

  /** The calling thread was interrupted and the process was killed (for interruptible specs). */
  static final class Interrupted extends RuntimeException {
    Interrupted(String message) {
      super(message);
    }
  }

  static Result run(Spec spec) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(spec.command()).directory(spec.dir().toFile());
    pb.environment().clear();
    pb.environment().putAll(spec.env());
    if (spec.log() != null) {
      pb.redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(spec.log().toFile()));
    }
    if (spec.stdin() == null) {
      pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    }
    long start = System.nanoTime();
    Process p = pb.start();
    Drain out = spec.log() == null ? Drain.start(p.getInputStream()) : null;
    Drain err = spec.log() == null ? Drain.start(p.getErrorStream()) : null;
    Thread feeder =
        spec.stdin() == null
            ? null
            : Thread.ofVirtual().start(() -> feed(p.getOutputStream(), spec.stdin()));
    boolean interrupted = false;
    boolean finished = false;
    try {
      long deadline = start + spec.timeout().toNanos();
      while (!finished) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          break;
        }
        try {
          finished = p.waitFor(left, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
          interrupted = true;
          if (spec.interruptible()) {
            terminate(p);
            throw new Interrupted("interrupted: stopped " + spec.command().get(0));
          }
        }
      }
      if (!finished) {
        terminate(p);
      }
      interrupted |= joinQuietly(feeder);
      interrupted |= out != null && joinQuietly(out.thread);
      interrupted |= err != null && joinQuietly(err.thread);
      byte[] stdout = out == null ? new byte[0] : out.bytes;
      byte[] stderr = err == null ? new byte[0] : err.bytes;
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      return new Result(finished ? p.exitValue() : -1, stdout, stderr, took, !finished);
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * SIGTERM to the process and its descendants, then SIGKILL to whatever is left after a grace
   * period.
   */
  private static void terminate(Process p) {
    List<ProcessHandle> tree = p.descendants().toList();
    tree.forEach(ProcessHandle::destroy);
    p.destroy();
    boolean interrupted = false;
    long deadline = System.nanoTime() + GRACE.toNanos();
    while (p.isAlive() && System.nanoTime() < deadline) {
      try {
        p.waitFor(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    tree.forEach(ProcessHandle::destroyForcibly);
    p.destroyForcibly();
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private static void feed(OutputStream in, byte[] bytes) {
    try (in) {
      in.write(bytes);
    } catch (IOException e) {
      // the process exited without reading all its input; its exit code tells the rest
    }
  }

  /** Joins a thread without giving up on an interrupt; returns true if one arrived. */
  static boolean joinQuietly(Thread t) {
    boolean interrupted = false;
    while (t != null) {
      try {
        t.join();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    return interrupted;
  }

  /** Reads a stream to its end on a virtual thread. */
  private static final class Drain implements Runnable {
    private final InputStream in;
    final Thread thread;

    /** Read after joining {@link #thread}, which makes the write visible. */
    byte[] bytes = new byte[0];

    private Drain(InputStream in) {
      this.in = in;
      this.thread = Thread.ofVirtual().unstarted(this);
    }

    static Drain start(InputStream in) {
      Drain d = new Drain(in);
      d.thread.start();
      return d;
    }

    @Override
    public void run() {
      try (in) {
        bytes = in.readAllBytes();
      } catch (IOException e) {
        // the stream was closed under us (process killed); keep what was read
      }
    }
  }
}
