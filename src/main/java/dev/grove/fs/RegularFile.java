package dev.grove.fs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/** A file to be read whole must be a regular file (after links). */
public final class RegularFile {
  private RegularFile() {}

  /**
   * Refuses what is not a regular file: opening a FIFO to read waits for a writer forever, and a
   * device never ends.
   *
   * @throws java.nio.file.NoSuchFileException when nothing is there
   * @throws IOException when something else is (a directory, FIFO, socket or device)
   */
  public static void require(Path file) throws IOException {
    BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
    if (!a.isRegularFile()) {
      // the reason alone: callers name the file in their own message
      throw new IOException(
          a.isDirectory() ? "Is a directory" : "not a regular file (a FIFO, socket or device)");
    }
  }
}
