package dev.grove.lock;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.FileLockInterruptionException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An exclusive lock shared by threads and processes: a {@link ReentrantLock} for the threads of
 * this JVM, and an OS lock ({@code fcntl}) on a lock file for other processes. Re-entrant per
 * thread.
 *
 * <p>POSIX releases all of a process's locks on a file when any descriptor of that file is closed,
 * so each lock file is opened through one channel per JVM (hence the registry) and by nothing else.
 * The channel is only touched by the thread holding the in-JVM lock, so if an interrupt closes it
 * during a lock call, no other thread's lock is lost: it is reopened and the call retried, and the
 * interrupt is kept for the caller. Acquiring is therefore not interruptible.
 *
 * <p>A lock file is used in one of two ways, never both: {@link #acquire} (a short critical
 * section, re-entrant, owned by a thread) or {@link #tryLease} (a long hold that belongs to no
 * thread, such as a process saying "this run is mine while I live"; the OS drops it when the
 * process dies).
 */
public final class LockFile implements AutoCloseable {
  private static final Map<Path, Shared> REGISTRY = new HashMap<>();

  private final Shared shared;
  private boolean closed;

  private LockFile(Shared shared) {
    this.shared = shared;
  }

  /** Opens (or joins, within this JVM) the lock on {@code path}, creating the file if needed. */
  public static LockFile open(Path path) throws IOException {
    Path key = path.toAbsolutePath().normalize();
    synchronized (REGISTRY) {
      Shared s = REGISTRY.get(key);
      if (s == null) {
        Files.createDirectories(key.getParent());
        s = new Shared(key);
        REGISTRY.put(key, s);
      }
      s.refs++;
      return new LockFile(s);
    }
  }

  public Path path() {
    return shared.key;
  }

  /** Blocks until this thread holds the lock against every thread and process. */
  public Held acquire() throws IOException {
    shared.threads.lock();
    if (shared.threads.getHoldCount() > 1) {
      return new Held(shared);
    }
    boolean interrupted = false;
    try {
      while (true) {
        interrupted |= Thread.interrupted(); // a set flag would close the channel at once
        try {
          shared.os = shared.channel().lock();
          return new Held(shared);
        } catch (ClosedChannelException | FileLockInterruptionException e) {
          // an interrupt closed it; only this thread uses it now, so reopen and try again
          interrupted = true;
          shared.reopen();
        }
      }
    } catch (IOException | RuntimeException e) {
      shared.threads.unlock();
      throw e;
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * Takes the lock without waiting, for as long as the returned lease is open, whatever thread
   * closes it; empty when this JVM or another process holds it.
   */
  public java.util.Optional<Lease> tryLease() throws IOException {
    synchronized (shared) {
      if (shared.leased || shared.threads.isLocked()) {
        return java.util.Optional.empty();
      }
      FileLock os;
      try {
        os = shared.channel().tryLock();
      } catch (java.nio.channels.OverlappingFileLockException e) {
        return java.util.Optional.empty();
      }
      if (os == null) {
        return java.util.Optional.empty();
      }
      shared.leased = true;
      shared.os = os;
      return java.util.Optional.of(new Lease(shared));
    }
  }

  /** A hold on the lock from {@link #tryLease}; closing it releases the lock. */
  public static final class Lease implements AutoCloseable {
    private final Shared shared;
    private boolean released;

    private Lease(Shared shared) {
      this.shared = shared;
    }

    @Override
    public void close() throws IOException {
      synchronized (shared) {
        if (released) {
          return;
        }
        released = true;
        try {
          if (shared.os != null) {
            shared.os.release();
          }
        } catch (ClosedChannelException e) {
          // closing the channel released it
        } finally {
          shared.os = null;
          shared.leased = false;
        }
      }
    }
  }

  /** True if the calling thread holds the lock. */
  public boolean isHeldByCurrentThread() {
    return shared.threads.isHeldByCurrentThread();
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
        shared.close();
      }
    }
  }

  private static final class Shared {
    final Path key;
    final ReentrantLock threads = new ReentrantLock();
    private FileChannel channel;
    FileLock os;
    int refs;
    boolean leased;

    Shared(Path key) {
      this.key = key;
    }

    FileChannel channel() throws IOException {
      if (channel == null || !channel.isOpen()) {
        channel =
            FileChannel.open(
                key, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
      }
      return channel;
    }

    void reopen() throws IOException {
      if (channel != null) {
        channel.close();
      }
      channel = null;
    }

    void close() throws IOException {
      if (channel != null) {
        channel.close();
      }
    }
  }

  /** The lock, held; closing releases it (the OS lock when the outermost hold ends). */
  public static final class Held implements AutoCloseable {
    private final Shared shared;
    private boolean released;

    private Held(Shared shared) {
      this.shared = shared;
    }

    @Override
    public void close() throws IOException {
      if (released) {
        return;
      }
      released = true;
      boolean interrupted = Thread.interrupted();
      try {
        if (shared.threads.getHoldCount() == 1 && shared.os != null) {
          try {
            shared.os.release();
          } catch (ClosedChannelException e) {
            shared.reopen(); // closing the channel released the lock
          }
          shared.os = null;
        }
      } finally {
        shared.threads.unlock();
        if (interrupted) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }
}
