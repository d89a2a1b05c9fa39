package dev.grove.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;

/**
 * The bytes under a {@link TerminalWriter} that prints UTF-8: characters are made terminal-safe
 * ({@link TerminalWriter#safe(char)}) and encoded in one pass into a buffer of bytes, written to
 * the stream when full or flushed. What {@code new OutputStreamWriter(out, UTF_8)} behind the
 * terminal filter wrote, byte for byte — a surrogate without its pair is written as {@code ?}, as
 * the JDK's encoder does, and a high surrogate at the end of one write waits for the next — without
 * a copy of the text per write and a second scan of it.
 *
 * <p>Not safe for many threads on its own: {@link java.io.PrintWriter} calls it under its lock.
 */
final class SafeUtf8Writer extends Writer {
  private final OutputStream out;
  private final byte[] buf = new byte[1 << 16];
  private int len;
  private char pendingHigh; // a high surrogate that ended the last write, or 0
  private char[] chars = new char[1 << 10]; // a String's characters, taken out to encode

  SafeUtf8Writer(OutputStream out) {
    this.out = out;
  }

  @Override
  public void write(int c) throws IOException {
    char[] one = {(char) c};
    write(one, 0, 1);
  }

  @Override
  public void write(String s, int off, int n) throws IOException {
    for (int at = off; at < off + n; ) {
      int part = Math.min(off + n - at, 1 << 14);
      if (chars.length < part) {
        chars = new char[Math.max(part, chars.length * 2)];
      }
      s.getChars(at, at + part, chars, 0);
      write(chars, 0, part);
      at += part;
    }
  }

  @Override
  public void write(char[] a, int off, int n) throws IOException {
    int end = off + n;
    int i = off;
    if (pendingHigh != 0 && i < end) {
      char high = pendingHigh;
      pendingHigh = 0;
      if (Character.isLowSurrogate(a[i])) {
        room(4);
        pair(high, a[i++]);
      } else {
        room(1);
        buf[len++] = '?';
      }
    }
    byte[] b = buf;
    int p = len;
    while (i < end) {
      if (p > b.length - 4) {
        len = p;
        drain();
        p = 0;
      }
      char c = a[i++];
      if (c < 0x80) {
        if (c >= 0x20 && c != 0x7f || c == '\n' || c == '\t') {
          b[p++] = (byte) c;
        } else {
          char shown = TerminalWriter.safe(c); // ␀ … ␟, ␡: three bytes each
          b[p++] = (byte) (0xe0 | shown >> 12);
          b[p++] = (byte) (0x80 | (shown >> 6 & 0x3f));
          b[p++] = (byte) (0x80 | (shown & 0x3f));
        }
      } else if (c < 0x800) {
        if (c <= 0x9f) { // C1 controls: U+FFFD
          c = TerminalWriter.safe(c);
          b[p++] = (byte) (0xe0 | c >> 12);
          b[p++] = (byte) (0x80 | (c >> 6 & 0x3f));
          b[p++] = (byte) (0x80 | (c & 0x3f));
        } else {
          b[p++] = (byte) (0xc0 | c >> 6);
          b[p++] = (byte) (0x80 | (c & 0x3f));
        }
      } else if (Character.isSurrogate(c)) {
        if (Character.isHighSurrogate(c)) {
          if (i == end) {
            pendingHigh = c; // its pair may come with the next write
          } else if (Character.isLowSurrogate(a[i])) {
            len = p;
            pair(c, a[i++]);
            p = len;
          } else {
            b[p++] = '?';
          }
        } else {
          b[p++] = '?';
        }
      } else {
        c = TerminalWriter.safe(c); // bidirectional overrides and isolates: U+FFFD
        b[p++] = (byte) (0xe0 | c >> 12);
        b[p++] = (byte) (0x80 | (c >> 6 & 0x3f));
        b[p++] = (byte) (0x80 | (c & 0x3f));
      }
    }
    len = p;
  }

  /** Writes {@code s} as it is, unfiltered: grove's own control sequences. */
  void writeRaw(String s) throws IOException {
    byte[] bytes = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    if (pendingHigh != 0) { // as the JDK's encoder ends a surrogate left without its pair
      pendingHigh = 0;
      room(1);
      buf[len++] = '?';
    }
    drain();
    out.write(bytes);
  }

  private void pair(char high, char low) {
    int cp = Character.toCodePoint(high, low);
    buf[len++] = (byte) (0xf0 | cp >> 18);
    buf[len++] = (byte) (0x80 | (cp >> 12 & 0x3f));
    buf[len++] = (byte) (0x80 | (cp >> 6 & 0x3f));
    buf[len++] = (byte) (0x80 | (cp & 0x3f));
  }

  private void room(int n) throws IOException {
    if (len > buf.length - n) {
      drain();
    }
  }

  private void drain() throws IOException {
    if (len > 0) {
      out.write(buf, 0, len);
      len = 0;
    }
  }

  @Override
  public void flush() throws IOException {
    drain();
    out.flush();
  }

  @Override
  public void close() throws IOException {
    if (pendingHigh != 0) {
      pendingHigh = 0;
      room(1);
      buf[len++] = '?';
    }
    flush();
    out.close();
  }
}
