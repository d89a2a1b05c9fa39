package dev.grove.fs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.function.Consumer;

/**
 * Walks, sizes and deletes directory trees that other processes may be changing meanwhile — a
 * repository's {@code .git} under a background {@code git gc}, refs being packed, a worktree an
 * agent still writes to. An entry that vanishes between being listed and being looked at is
 * skipped, as if the walk had come a moment later ({@link Files#walk} instead ends the whole walk
 * with an {@link UncheckedIOException} from its iterator). Links are never followed. Any other
 * failure is an {@link IOException} naming the path.
 */
public final class FileTree {
  private FileTree() {}

  /**
   * Every file, link and directory under {@code root} and {@code root} itself, a directory before
   * what it holds; nothing when {@code root} does not exist.
   */
  public static void forEach(Path root, Consumer<Path> action) throws IOException {
    walk(
        root,
        new Tolerant() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes a) {
            action.accept(dir);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes a) {
            action.accept(file);
            return FileVisitResult.CONTINUE;
          }
        });
  }

  /** The bytes of the regular files under {@code root}; 0 when it does not exist. */
  public static long size(Path root) throws IOException {
    long[] bytes = {0};
    walk(
        root,
        new Tolerant() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes a) {
            if (a.isRegularFile()) {
              bytes[0] += a.size();
            }
            return FileVisitResult.CONTINUE;
          }
        });
    return bytes[0];
  }

  /** {@link #size}, where not being able to read is the caller's failure. */
  public static long sizeOrThrow(Path root) {
    try {
      return size(root);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + root + ": " + e.getMessage(), e);
    }
  }

  /**
   * Deletes {@code root} and everything under it, deepest first; done at once when it does not
   * exist. A link is deleted, never what it points to. Returns the bytes of the regular files
   * deleted.
   */
  public static long delete(Path root) throws IOException {
    long[] bytes = {0};
    walk(
        root,
        new Tolerant() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes a) throws IOException {
            if (Files.deleteIfExists(file) && a.isRegularFile()) {
              bytes[0] += a.size();
            }
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path dir, IOException failed)
              throws IOException {
            super.postVisitDirectory(dir, failed);
            Files.deleteIfExists(dir);
            return FileVisitResult.CONTINUE;
          }
        });
    return bytes[0];
  }

  /** {@link #delete}, for what may be left behind: true when nothing of {@code root} is left. */
  public static boolean deleteQuietly(Path root) {
    try {
      delete(root);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** {@link #delete}, where not being able to delete is the caller's failure. */
  public static long deleteOrThrow(Path root) {
    try {
      return delete(root);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + root + ": " + e.getMessage(), e);
    }
  }

  private static void walk(Path root, Tolerant visitor) throws IOException {
    Files.walkFileTree(root, visitor);
  }

  /** Skips what vanished while the walk went on, the root included. */
  private abstract static class Tolerant extends SimpleFileVisitor<Path> {
    @Override
    public FileVisitResult visitFileFailed(Path file, IOException failed) throws IOException {
      if (failed instanceof NoSuchFileException) {
        return FileVisitResult.CONTINUE;
      }
      throw failed;
    }

    @Override
    public FileVisitResult postVisitDirectory(Path dir, IOException failed) throws IOException {
      if (failed != null && !(failed instanceof NoSuchFileException)) {
        throw failed;
      }
      return FileVisitResult.CONTINUE;
    }
  }
}
