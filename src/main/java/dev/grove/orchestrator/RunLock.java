package dev.grove.orchestrator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.grove.lock.LockFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * "This run is being worked on by a live process": an OS lock on {@code <run>.live} beside the
 * run's file, held for as long as the process runs the run, and dropped by the kernel when it dies
 * — so a run killed with {@code kill -9} is known to be interrupted, not running. Who holds it
 * (pid, host, since when) is in {@code <run>.holder}, for messages. Resuming or forking a live run
 * is refused, naming its holder.
 */
final class RunLock implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The process working on a run. */
  record Holder(long pid, String host, Instant since) {
    String describe() {
      return pid < 0
          ? "another process"
          : "process " + pid + " on " + host + " (since " + since + ")";
    }
  }

  private final LockFile file;
  private final LockFile.Lease lease;
  private final Path holderFile;

  private RunLock(LockFile file, LockFile.Lease lease, Path holderFile) {
    this.file = file;
    this.lease = lease;
    this.holderFile = holderFile;
  }

  /**
   * Takes the run for this process.
   *
   * @throws OrchestratorException.Busy when a live process holds it
   */
  static RunLock acquire(Path runFile, String runId, Instant now) {
    try {
      LockFile lf = LockFile.open(lockPath(runFile));
      Optional<LockFile.Lease> lease = lf.tryLease();
      if (lease.isEmpty()) {
        lf.close();
        Holder h = readHolder(holderPath(runFile));
        throw new OrchestratorException.Busy(
            "run "
                + runId
                + " is live: "
                + h.describe()
                + " is working on it. "
                + "Watch it with grove status "
                + runId
                + "; stop it there (Ctrl-C), then resume it.");
      }
      Path holder = holderPath(runFile);
      Files.write(
          holder,
          JSON.writeValueAsBytes(
              JSON.createObjectNode()
                  .put("pid", ProcessHandle.current().pid())
                  .put("host", host())
                  .put("since", now.toString())));
      return new RunLock(lf, lease.get(), holder);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot lock run " + runId + " (" + lockPath(runFile) + "): " + e.getMessage(), e);
    }
  }

  /** The live process working on the run, if there is one. Changes nothing. */
  static Optional<Holder> holder(Path runFile) {
    Path lock = lockPath(runFile);
    if (!Files.exists(lock)) {
      return Optional.empty();
    }
    try (LockFile lf = LockFile.open(lock)) {
      Optional<LockFile.Lease> lease = lf.tryLease();
      if (lease.isPresent()) {
        lease.get().close();
        return Optional.empty();
      }
      return Optional.of(readHolder(holderPath(runFile)));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  @Override
  public void close() {
    try {
      Files.deleteIfExists(holderFile);
      lease.close();
      file.close();
    } catch (IOException e) {
      // the kernel drops the lock when the process ends anyway
    }
  }

  private static Holder readHolder(Path holder) {
    try {
      JsonNode n = JSON.readTree(holder.toFile());
      return new Holder(
          n.path("pid").asLong(-1),
          n.path("host").asText("?"),
          Instant.parse(n.path("since").asText()));
    } catch (IOException | RuntimeException e) {
      return new Holder(-1, "?", Instant.EPOCH);
    }
  }

  /** The host's name, read without a name lookup (which can hang where DNS is slow). */
  private static String host() {
    try {
      return Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
    } catch (IOException | RuntimeException e) {
      String env = System.getenv("HOSTNAME");
      return env != null && !env.isBlank() ? env : "localhost";
    }
  }

  static Path lockPath(Path runFile) {
    return runFile.resolveSibling(
        runFile.getFileName().toString().replaceFirst("\\.jsonl$", "") + ".live");
  }

  private static Path holderPath(Path runFile) {
    return runFile.resolveSibling(
        runFile.getFileName().toString().replaceFirst("\\.jsonl$", "") + ".holder");
  }
}
