package dev.grove.session.foreign;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The lines of another tool's file, each decoded as strict UTF-8 on its own, so a damaged line is
 * reported with its number and the lines after it are still read. Lines longer than {@link
 * #MAX_LINE} are refused rather than loaded. Not thread-safe.
 */
final class Lines implements AutoCloseable {
  static final int MAX_LINE = 256 << 20;

  private final InputStream in;
  private final CharsetDecoder utf8 =
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT);
  private byte[] buf = new byte[1 << 20];
  private int pos;
  private int len;
  private boolean eof;
  private byte[] line = new byte[4096];
  private long consumed; // bytes of the stream read as lines so far, newlines included
  private long lineStart;
  private int lineBytes;

  Lines(InputStream in) {
    this.in = in;
  }

  /** A line that is not UTF-8 or too long; its bytes have been skipped. */
  static final class NotUtf8 extends IOException {
    NotUtf8(String message) {
      super(message);
    }
  }

  /** The next line without its newline, or null at the end. */
  String next() throws IOException {
    int n = 0;
    long bytes = 0;
    boolean any = false;
    boolean tooLong = false;
    lineStart = consumed;
    while (true) {
      if (pos == len) {
        if (eof) {
          break;
        }
        len = in.read(buf, 0, buf.length);
        pos = 0;
        if (len <= 0) {
          len = 0;
          eof = true;
          break;
        }
      }
      any = true;
      int start = pos;
      while (pos < len && buf[pos] != '\n') {
        pos++;
      }
      int chunk = pos - start;
      bytes += chunk;
      if (!tooLong) {
        if (n + chunk > MAX_LINE) {
          tooLong = true;
        } else {
          if (line.length < n + chunk) {
            line = Arrays.copyOf(line, Math.max(n + chunk, line.length * 2));
          }
          System.arraycopy(buf, start, line, n, chunk);
          n += chunk;
        }
      }
      if (pos < len) {
        pos++; // the newline
        consumed++;
        break;
      }
    }
    consumed += bytes;
    lineBytes = (int) Math.min(bytes, Integer.MAX_VALUE);
    if (!any) {
      return null;
    }
    if (tooLong) {
      throw tooLong();
    }
    return decode(ByteBuffer.wrap(line, 0, n));
  }

  private static NotUtf8 tooLong() {
    return new NotUtf8("the line is longer than " + (MAX_LINE >> 20) + " MB; not a session entry");
  }

  private String decode(ByteBuffer bytes) throws NotUtf8 {
    try {
      return utf8.decode(bytes).toString();
    } catch (CharacterCodingException e) {
      throw new NotUtf8("the line is not UTF-8 (bytes that no UTF-8 text has)");
    }
  }

  /** Where the line last returned (or refused) starts in the stream, in bytes. */
  long lineStart() {
    return lineStart;
  }

  /** How many bytes the line last returned (or refused) has, without its newline. */
  int lineBytes() {
    return lineBytes;
  }

  /**
   * A line of {@code ch} read again from where {@link #lineStart} and {@link #lineBytes} said it
   * was, checked the same way.
   */
  String reread(FileChannel ch, long start, int bytes) throws IOException {
    if (bytes > MAX_LINE) {
      throw tooLong();
    }
    ByteBuffer b = ByteBuffer.allocate(bytes);
    while (b.hasRemaining()) {
      if (ch.read(b, start + b.position()) < 0) {
        throw new NotUtf8("the file changed while it was read (a line is shorter than before)");
      }
    }
    return decode(b.flip());
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
