package dev.grove.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Comparator;
import java.util.stream.Stream;

/** The benchmarks' scratch space: how big a directory is, and deleting it afterwards. */
public final class Scratch {
  private Scratch() {}

  /** Deletes a directory tree (without following links); nothing when it does not exist. */
  public static void deleteTree(Path root) {
    if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + root + ": " + e.getMessage(), e);
    }
  }

  /** The bytes of the regular files under {@code root}; 0 when it does not exist. */
  static long size(Path root) {
    try (Stream<Path> walk = Files.walk(root)) {
      return walk.mapToLong(Scratch::fileSize).sum();
    } catch (NoSuchFileException e) {
      return 0;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + root + ": " + e.getMessage(), e);
    }
  }

  private static long fileSize(Path f) {
    try {
      BasicFileAttributes a =
          Files.readAttributes(f, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      return a.isRegularFile() ? a.size() : 0;
    } catch (IOException e) {
      return 0; // deleted while walking
    }
  }
}
