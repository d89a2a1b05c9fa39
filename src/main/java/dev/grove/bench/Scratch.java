package dev.grove.bench;

import dev.grove.fs.FileTree;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * The benchmarks' scratch space: how big a directory is, and deleting it afterwards — both while a
 * background {@code git gc} may still be packing a repository in it ({@link FileTree}).
 */
public final class Scratch {
  private Scratch() {}

  /** Deletes a directory tree (without following links); nothing when it does not exist. */
  public static void deleteTree(Path root) {
    FileTree.deleteOrThrow(root);
  }

  /** The bytes of the regular files under {@code root}; 0 when it does not exist. */
  static long size(Path root) {
    try {
      return FileTree.size(root);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + root + ": " + e.getMessage(), e);
    }
  }
}
