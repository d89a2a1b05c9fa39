package dev.grove.session.catalog;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Arrays;

/**
 * The complete lines of a file from an offset on, in bounded memory: a line longer than {@code cap}
 * bytes is given cut to its first {@code cap} bytes (and marked so), the rest skipped unread into
 * memory. An unterminated last line is not given: appends may complete it, and it is read then. Not
 * thread-safe.
 */
final class LineReader {
  private static final int BUFFER = 1 << 20;

  private final FileChannel ch;
  private final int cap;
  private final ByteBuffer buf;
  private byte[] line = new byte[8192];
  private long fileAt; // the file offset of the byte after the buffer's limit
  private long read;
  private boolean eof;

  /** The current line: its bytes {@code line()[0, length())}, cut or not, and where it ended. */
  private int length;

  private boolean cut;
  private long end;

  /**
   * @param size the file's size as last seen (the buffer is no larger than what is left to read)
   */
  LineReader(FileChannel ch, long start, long size, int cap) {
    this.ch = ch;
    this.buf = ByteBuffer.allocate((int) Math.clamp(size - start + 1, 4096, BUFFER));
    this.cap = cap;
    this.fileAt = start;
    this.end = start;
    buf.limit(0);
  }

  /** Moves to the next complete line; false at the end (an unterminated tail is left unread). */
  boolean next() throws IOException {
    length = 0;
    cut = false;
    while (true) {
      if (!buf.hasRemaining() && (eof || !fill())) {
        return false; // an unterminated tail is no line yet: end() stays before it
      }
      byte[] b = buf.array();
      int from = buf.position();
      int to = buf.limit();
      int nl = from;
      while (nl < to && b[nl] != '\n') {
        nl++;
      }
      int chunk = nl - from;
      if (!cut) {
        int keep = Math.min(chunk, cap - length);
        if (line.length < length + keep) {
          line = Arrays.copyOf(line, Math.min(cap, Math.max(length + keep, line.length * 2)));
        }
        System.arraycopy(b, from, line, length, keep);
        length += keep;
        cut = keep < chunk;
      }
      if (nl < to) {
        buf.position(nl + 1);
        end = fileAt - buf.remaining();
        return true;
      }
      buf.position(to);
    }
  }

  private boolean fill() throws IOException {
    buf.clear();
    int n = ch.read(buf, fileAt);
    if (n <= 0) {
      eof = true;
      buf.limit(0);
      return false;
    }
    buf.flip();
    fileAt += n;
    read += n;
    return true;
  }

  byte[] line() {
    return line;
  }

  int length() {
    return length;
  }

  /** Whether the line was longer than the cap (only its first {@code cap} bytes are given). */
  boolean cut() {
    return cut;
  }

  /** The offset just past the last complete line given (its newline). */
  long end() {
    return end;
  }

  /** Bytes read from the file so far. */
  long bytesRead() {
    return read;
  }
}
