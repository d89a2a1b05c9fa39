package dev.grove.git;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;

/**
 * Writes loose objects into a repository's object directory as git does: {@code <type> <size>\0}
 * and the content, named by its SHA-1 (or SHA-256, in a repository of that format), deflated, in a
 * read-only file under {@code objects/xx/}, made under a temporary name and linked into place (an
 * object already there is left as it is: it holds the same bytes).
 *
 * <p>For the checkpoint commits (every byte grove's) and, through {@link Trees}, a checkpoint's
 * blobs and trees: a worktree's bytes are stored here as they are and never parsed, so nothing in
 * them steers what is written or where (the id names the file). Starting a git process costs more
 * than writing the objects of a checkpoint.
 */
final class LooseObjects {
  /** git makes loose objects read-only. */
  private static final Set<PosixFilePermission> READ_ONLY =
      PosixFilePermissions.fromString("r--r--r--");

  private final Path objects;
  private final boolean fsync;

  /**
   * @param fsync whether each object is flushed to disk before it is linked into place (what the
   *     repository's {@code core.fsync} asks of git for loose objects)
   */
  LooseObjects(Path commonDir, boolean fsync) {
    this.objects = commonDir.resolve("objects");
    this.fsync = fsync;
  }

  /**
   * Writes an object of {@code type} with {@code content}; returns its id. {@code format} is an
   * object id of the repository (its length says which hash the repository uses).
   */
  String write(String type, byte[] content, String format) {
    byte[] header = (type + " " + content.length + "\0").getBytes(StandardCharsets.US_ASCII);
    String id = id(format, header, content);
    Path dir = objects.resolve(id.substring(0, 2));
    Path target = dir.resolve(id.substring(2));
    if (Files.exists(target)) {
      return id;
    }
    Path tmp =
        dir.resolve("tmp_obj_grove_" + Long.toHexString(ThreadLocalRandom.current().nextLong()));
    Deflater deflater = new Deflater();
    try {
      Files.createDirectories(dir);
      // a FileOutputStream, not a channel: an interrupted caller still gets its object written
      try (FileOutputStream file = new FileOutputStream(tmp.toFile())) {
        DeflaterOutputStream out = new DeflaterOutputStream(file, deflater);
        out.write(header);
        out.write(content);
        out.finish();
        if (fsync) {
          file.getFD().sync();
        }
      }
      try {
        Files.setPosixFilePermissions(tmp, READ_ONLY); // as git leaves objects
      } catch (UnsupportedOperationException notPosix) {
        // the file system keeps no such permissions
      }
      try {
        Files.createLink(target, tmp);
      } catch (FileAlreadyExistsException written) {
        // the same object, written meanwhile by someone else
      } catch (UnsupportedOperationException | IOException noLinks) {
        if (!Files.exists(target)) {
          Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        }
      }
      return id;
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot write the " + type + " object " + id + " in " + objects + ": " + e.getMessage(),
          e);
    } finally {
      deflater.end();
      Snapshots.deleteQuietly(tmp);
    }
  }

  /** The id git gives an object with this header and content. */
  static String id(String format, byte[] header, byte[] content) {
    MessageDigest md;
    try {
      md = MessageDigest.getInstance(format.length() == 64 ? "SHA-256" : "SHA-1");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no " + e.getMessage(), e);
    }
    md.update(header);
    md.update(content);
    return HexFormat.of().formatHex(md.digest());
  }
}
