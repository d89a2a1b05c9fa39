package dev.grove.fs;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * One operation's way down a tree: an open handle on the root, the open directory reached so far
 * and its path from the root, every step taken relative to the directory before it and never
 * following a symbolic link. The path reached is made only of real directories. Not thread-safe;
 * closed after each operation.
 */
final class Walk implements Closeable {
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Path rootPath;
  private final SecureDirectoryStream<Path> root;
  private final List<String> at = new ArrayList<>();
  private SecureDirectoryStream<Path> dir;

  Walk(Path rootPath) throws IOException {
    this.rootPath = rootPath;
    DirectoryStream<Path> d = Files.newDirectoryStream(rootPath);
    if (!(d instanceof SecureDirectoryStream<Path> secure)) {
      d.close();
      throw new UnsupportedOperationException(
          "this platform's file system ("
              + rootPath.getFileSystem().provider()
              + ") cannot open files relative to a directory handle (no SecureDirectoryStream), so grove cannot keep "
              + "file access inside "
              + rootPath
              + " safely; run grove on Linux");
    }
    this.root = secure;
    this.dir = secure;
  }

  SecureDirectoryStream<Path> root() {
    return root;
  }

  /** The directory reached so far. */
  SecureDirectoryStream<Path> dir() {
    return dir;
  }

  /** The path reached so far, from the root, {@code /}-separated ("" at the root). */
  String path() {
    return String.join("/", at);
  }

  boolean atRoot() {
    return at.isEmpty();
  }

  List<String> names() {
    return List.copyOf(at);
  }

  /** {@code name} in the directory reached, as a path from the root. */
  String join(String name) {
    return at.isEmpty() ? name : path() + "/" + name;
  }

  /**
   * The attributes of {@code name} in the directory reached, not following a link; null if there is
   * none.
   */
  PosixFileAttributes lstat(String name) throws IOException {
    try {
      return dir.getFileAttributeView(
              Path.of(name), PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
          .readAttributes();
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  /**
   * Steps into directory {@code name}, opened with {@code O_NOFOLLOW} relative to the directory
   * reached: should {@code name} have become a link since it was looked at, the kernel refuses.
   */
  void descend(String name) throws IOException {
    SecureDirectoryStream<Path> next =
        dir.newDirectoryStream(Path.of(name), LinkOption.NOFOLLOW_LINKS);
    leave();
    dir = next;
    at.add(name);
  }

  /** Back to the parent of the directory reached, walking down again from the root. */
  void climb() throws IOException {
    List<String> parent = new ArrayList<>(at.subList(0, at.size() - 1));
    toRoot();
    for (String name : parent) {
      descend(name);
    }
  }

  void toRoot() throws IOException {
    leave();
    dir = root;
    at.clear();
  }

  /**
   * Creates directory {@code name} in the directory reached. The JDK has no {@code mkdirat}, so the
   * directory is made at the top of the root (whose own path is trusted; {@code mkdir} never
   * follows its last component) and renamed into place relative to both handles. If something
   * appeared at {@code name} meanwhile, it stays and the caller looks at it again.
   */
  void mkdir(String name) throws IOException {
    Path staging = Path.of(".grove-mkdir-" + random());
    Files.createDirectory(rootPath.resolve(staging.toString()));
    try {
      root.move(staging, dir, Path.of(name));
    } catch (IOException e) {
      deleteQuietly(root, staging, true);
      if (lstat(name) == null) {
        throw e;
      }
    }
  }

  /** A name nobody can guess and take first. */
  static String random() {
    byte[] b = new byte[8];
    RANDOM.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  static void deleteQuietly(SecureDirectoryStream<Path> in, Path name, boolean directory) {
    try {
      if (directory) {
        in.deleteDirectory(name);
      } else {
        in.deleteFile(name);
      }
    } catch (IOException ignored) {
      // nothing was there to delete, or nothing more can be done
    }
  }

  private void leave() throws IOException {
    if (dir != root) {
      dir.close();
    }
  }

  @Override
  public void close() throws IOException {
    try {
      leave();
    } finally {
      root.close();
    }
  }
}
