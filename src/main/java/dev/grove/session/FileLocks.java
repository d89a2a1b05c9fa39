package dev.grove.session;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An exclusive lock on a file shared by threads and processes: a {@link ReentrantLock} for threads
 * of this JVM, and an OS lock ({@code fcntl}) on a lock file for other processes.
 *
 * <p>The OS lock is held through one channel per lock file per JVM, because POSIX releases all of a
 * process's locks on a file when any descriptor of that file is closed; the lock file is opened by
 * nothing else. That one shared channel is the reason for the JVM-wide registry here. Callers must
 * not acquire from a thread that may be interrupted while waiting: an interrupt closes the channel.
 * {@link SessionStore} only locks from its own I/O thread.
 */
final class FileLocks {
  private static final Map<Path, Shared> REGISTRY = new HashMap<>();

  private FileLocks() {}

  /** Opens (or joins) the lock on {@code lockFile}; close the handle when done with it. */
  static Handle open(Path lockFile) throws IOException {
    Path key = lockFile.toAbsolutePath().normalize();
    synchronized (REGISTRY) {
      Shared s = REGISTRY.get(key);
      if (s == null) {
        FileChannel ch =
            FileChannel.open(key, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        s = new Shared(key, ch);
        REGISTRY.put(key, s);
      }
      s.refs++;
      return new Handle(s);
    }
  }

  private static final class Shared {
    final Path key;
    final FileChannel channel;
    final ReentrantLock threads = new ReentrantLock();
    FileLock os;
    int refs;

    Shared(Path key, FileChannel channel) {
      this.key = key;
      this.channel = channel;
    }
  }

  /** One user's share of a lock file. */
  static final class Handle implements AutoCloseable {
    private final Shared shared;
    private boolean closed;

    private Handle(Shared shared) {
      this.shared = shared;
    }

    /** Blocks until this thread holds the lock against all threads and processes. */
    Held acquire() throws IOException {
      shared.threads.lock();
      if (shared.threads.getHoldCount() == 1) {
        try {
          shared.os = shared.channel.lock();
        } catch (IOException | RuntimeException e) {
          shared.threads.unlock();
          throw e;
        }
      }
      return new Held(shared);
    }

    @Override
    public void close() throws IOException {
      synchronized (REGISTRY) {
        if (closed) {
          return;
        }
        closed = true;
        if (--shared.refs == 0) {
          REGISTRY.remove(shared.key);
          shared.channel.close();
        }
      }
    }
  }

  /** The lock, held; closing releases it. */
  static final class Held implements AutoCloseable {
    private final Shared shared;

    private Held(Shared shared) {
      this.shared = shared;
    }

    @Override
    public void close() throws IOException {
      try {
        if (shared.threads.getHoldCount() == 1 && shared.os != null) {
          shared.os.release();
          shared.os = null;
        }
      } finally {
        shared.threads.unlock();
      }
    }
  }
}
