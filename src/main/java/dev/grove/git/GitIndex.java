package dev.grove.git;

import java.io.FileInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A worktree's index file as a checkpoint needs it: the stage-0 entries of a SHA-1 repository's
 * index (versions 2 to 4), with their cached stat data. Read from the worktree's git directory,
 * which no agent can write, and only read.
 *
 * <p>Whatever this does not take as plainly as {@code write-tree} would is refused ({@link #read}
 * gives null, and git does the work): conflicts, assume-valid, skip-worktree and intent-to-add
 * entries, submodules, a split or sparse index (any required extension), a checksum that does not
 * match, a path that is not UTF-8 or that the JVM cannot name.
 */
final class GitIndex {
  /** What an index can hold larger than this is read by git alone. */
  private static final long MAX_BYTES = 64L << 20;

  /**
   * One entry: its path (UTF-8 bytes and as a string), mode, blob id and the stat data git cached.
   */
  record Entry(
      String path,
      byte[] name,
      int mode,
      byte[] id,
      long ctimeNanos,
      long mtimeNanos,
      int ino,
      int uid,
      int gid,
      int size) {}

  /**
   * @param entries in the index's order (paths sorted byte by byte)
   * @param modifiedNanos the index file's own modification time, which tells racily clean entries
   */
  record Index(List<Entry> entries, long modifiedNanos) {}

  private GitIndex() {}

  /** The index at {@code file}, or null where git must read it (see the class comment). */
  static Index read(Path file) throws IOException {
    // the time first: an index renamed into place meanwhile is newer, and judging its entries by
    // the older time only takes more of them for racily clean
    long modified = Files.getLastModifiedTime(file).to(TimeUnit.NANOSECONDS);
    byte[] b;
    try (FileInputStream in = new FileInputStream(file.toFile())) {
      b = in.readNBytes((int) MAX_BYTES + 1);
    }
    if (b.length > MAX_BYTES || b.length < 12 + 20) {
      return null;
    }
    ByteBuffer buf = ByteBuffer.wrap(b);
    if (buf.getInt() != 0x44495243) { // "DIRC"
      return null;
    }
    int version = buf.getInt();
    if (version < 2 || version > 4) {
      return null;
    }
    if (!checksumMatches(b)) {
      return null;
    }
    int count = buf.getInt();
    if (count < 0) {
      return null;
    }
    int end = b.length - 20;
    List<Entry> entries = new ArrayList<>(Math.min(count, 1 << 16));
    byte[] previous = new byte[0];
    var utf8 =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    try {
      for (int i = 0; i < count; i++) {
        int start = buf.position();
        long ctime = nanos(buf);
        long mtime = nanos(buf);
        buf.getInt(); // dev: git compares it only when built to
        int ino = buf.getInt();
        int mode = buf.getInt();
        int uid = buf.getInt();
        int gid = buf.getInt();
        int size = buf.getInt();
        byte[] id = new byte[20];
        buf.get(id);
        int flags = buf.getShort() & 0xffff;
        if ((flags & 0x8000) != 0 || (flags & 0x3000) != 0) {
          return null; // assume-valid, or a conflict
        }
        if ((flags & 0x4000) != 0) {
          if (version < 3 || (buf.getShort() & 0xffff) != 0) {
            return null; // skip-worktree, intent-to-add or unknown extended flags
          }
        }
        byte[] name;
        if (version == 4) {
          int strip = varint(buf);
          int nul = nul(b, buf.position(), end);
          if (strip > previous.length || nul < 0) {
            return null;
          }
          name = new byte[previous.length - strip + nul - buf.position()];
          System.arraycopy(previous, 0, name, 0, previous.length - strip);
          buf.get(name, previous.length - strip, nul - buf.position());
          buf.get(); // the NUL
        } else {
          int nul = nul(b, buf.position(), end);
          if (nul < 0) {
            return null;
          }
          name = Arrays.copyOfRange(b, buf.position(), nul);
          int length = nul - start + 1;
          buf.position(start + ((length + 7) & ~7));
        }
        if (mode != 0100644 && mode != 0100755 && mode != 0120000) {
          return null; // a submodule (its HEAD is git's to read), or a mode git would not write
        }
        if (name.length == 0 || (i > 0 && Arrays.compareUnsigned(previous, name) >= 0)) {
          return null;
        }
        String path = utf8.decode(ByteBuffer.wrap(name)).toString();
        entries.add(new Entry(path, name, mode, id, ctime, mtime, ino, uid, gid, size));
        previous = name;
      }
      while (buf.position() < end) {
        int signature = buf.getInt();
        int length = buf.getInt();
        if (Character.isLowerCase((char) (signature >>> 24))
            || length < 0
            || length > end - buf.position()) {
          return null; // a split or sparse index, or an extension git requires and this does not
          // read
        }
        buf.position(buf.position() + length);
      }
    } catch (java.nio.BufferUnderflowException | IndexOutOfBoundsException e) {
      return null;
    } catch (CharacterCodingException e) {
      return null;
    }
    if (buf.position() != end) {
      return null;
    }
    return new Index(List.copyOf(entries), modified);
  }

  /** git's checksum over the whole file; all zeros when the index was written without one. */
  private static boolean checksumMatches(byte[] b) {
    byte[] stored = Arrays.copyOfRange(b, b.length - 20, b.length);
    if (Arrays.equals(stored, new byte[20])) {
      return true; // index.skipHash
    }
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-1");
      md.update(b, 0, b.length - 20);
      return Arrays.equals(md.digest(), stored);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-1", e);
    }
  }

  /** Seconds and nanoseconds, both unsigned 32-bit. */
  private static long nanos(ByteBuffer buf) {
    long seconds = Integer.toUnsignedLong(buf.getInt());
    return seconds * 1_000_000_000L + Integer.toUnsignedLong(buf.getInt());
  }

  private static int nul(byte[] b, int from, int end) {
    for (int i = from; i < end; i++) {
      if (b[i] == 0) {
        return i;
      }
    }
    return -1;
  }

  /** The offset encoding of index version 4 (git's {@code decode_varint}). */
  private static int varint(ByteBuffer buf) {
    int c = buf.get() & 0xff;
    long value = c & 127;
    while ((c & 128) != 0) {
      value += 1;
      c = buf.get() & 0xff;
      value = (value << 7) + (c & 127);
      if (value > Integer.MAX_VALUE) {
        throw new IndexOutOfBoundsException("offset too large");
      }
    }
    return (int) value;
  }
}
