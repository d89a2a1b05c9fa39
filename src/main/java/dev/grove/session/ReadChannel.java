package dev.grove.session;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Positional reads of a file from any thread, not interruptible. An interrupt during a read would
 * close a {@link FileChannel} for every thread using it; here reads are short (the page cache), so
 * an interrupted caller's read is simply completed, the channel reopened if need be, and the
 * interrupt left set for the caller to act on at its next blocking point. One cancelled agent
 * cannot break its neighbours' reads, and cancellation never fails a read half-way.
 */
final class ReadChannel implements AutoCloseable {
  private final Path file;
  private volatile FileChannel channel;
  private volatile boolean closed;

  ReadChannel(Path file) throws IOException {
    this.file = file;
    dev.grove.fs.RegularFile.require(file); // a FIFO would block this open forever
    this.channel = FileChannel.open(file, StandardOpenOption.READ);
  }

  long size() throws IOException {
    return attempt(FileChannel::size);
  }

  /** Reads {@code dst.remaining()} bytes at {@code position}, fewer only at the end of the file. */
  int readFully(ByteBuffer dst, long position) throws IOException {
    int start = dst.position();
    while (dst.hasRemaining()) {
      long at = position + (dst.position() - start);
      int n = attempt(ch -> ch.read(dst, at));
      if (n < 0) {
        break;
      }
    }
    return dst.position() - start;
  }

  private interface Op<T> {
    T apply(FileChannel ch) throws IOException;
  }

  private <T> T attempt(Op<T> op) throws IOException {
    boolean interrupted = false;
    try {
      while (true) {
        interrupted |= Thread.interrupted(); // a set flag would close the channel at once
        FileChannel ch = channel;
        try {
          return op.apply(ch);
        } catch (ClosedByInterruptException e) {
          interrupted = true;
          reopen(ch);
        } catch (ClosedChannelException e) {
          if (closed) {
            throw e;
          }
          reopen(ch); // another thread's interrupt closed it under us
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private synchronized void reopen(FileChannel stale) throws IOException {
    if (channel == stale && !closed) {
      channel = FileChannel.open(file, StandardOpenOption.READ);
    }
  }

  @Override
  public synchronized void close() throws IOException {
    closed = true;
    channel.close();
  }
}
