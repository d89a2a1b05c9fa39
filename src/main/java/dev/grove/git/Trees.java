package dev.grove.git;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.ClosedByInterruptException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * A worktree's tree made in-process, as {@code update-index} and {@code write-tree} would make it
 * from the worktree's index: the index's entries whose cached stat data still holds, and the
 * changed and new paths hashed as blobs — a regular file's bytes as they are, a symbolic link's
 * target (never followed), the executable bit as git reads it — then trees in git's order, written
 * as loose objects ({@link LooseObjects}).
 *
 * <p>Nothing in the worktree is interpreted: a file's bytes are stored, never parsed, and no
 * configuration, attribute or hook is read from it. Where git would do more than store bytes — a
 * {@code .gitattributes} (its {@code text}/{@code eol} conversions), a path git's rules refuse or
 * treat specially, a tracked path that is now a directory (perhaps a nested repository), a special
 * file — {@link GitMustDoIt} is thrown and the caller has git do it all, as before.
 */
final class Trees {
  /** This tree is git's to make (see the class comment). */
  static final class GitMustDoIt extends Exception {
    private static final long serialVersionUID = 1L;

    GitMustDoIt(String why) {
      super(why, null, false, false);
    }
  }

  /** Whether the JVM names files by their UTF-8 bytes, as git's paths are. */
  private static final boolean UTF8_NAMES =
      "UTF-8".equalsIgnoreCase(System.getProperty("sun.jnu.encoding", ""));

  private static final String STAT = "unix:mode,ino,size,lastModifiedTime,ctime,uid,gid";

  private Trees() {}

  /**
   * The paths of {@code index} whose file may differ from the entry: its stat data (times, inode,
   * size, owner, type, executable bit) is not what the index cached, it is racily clean (changed
   * within the index's own timestamp), it is gone, or a directory on its way is now a symbolic
   * link. What {@code diff-files} lists, and the racily clean besides; a file listed that did not
   * change gets the same blob again.
   */
  static List<String> changed(Path top, GitIndex.Index index) throws GitMustDoIt {
    List<String> changed = new ArrayList<>();
    Map<String, Boolean> realDirs = new HashMap<>();
    for (GitIndex.Entry e : index.entries()) {
      if (!nameable(e.path())) {
        throw new GitMustDoIt("a path the JVM cannot name: " + e.path());
      }
      if (!underRealDirectories(top, e.path(), realDirs) || !unchanged(top, e, index)) {
        changed.add(e.path());
      }
    }
    return changed;
  }

  private static boolean unchanged(Path top, GitIndex.Entry e, GitIndex.Index index) {
    Map<String, Object> a;
    try {
      a = Files.readAttributes(top.resolve(e.path()), STAT, LinkOption.NOFOLLOW_LINKS);
    } catch (IOException gone) {
      return false;
    }
    int mode = (Integer) a.get("mode");
    int type = mode & 0170000;
    if (e.mode() == 0120000 ? type != 0120000 : type != 0100000) {
      return false;
    }
    if (type == 0100000 && ((mode & 0100) != 0) != (e.mode() == 0100755)) {
      return false;
    }
    long mtime = ((FileTime) a.get("lastModifiedTime")).to(TimeUnit.NANOSECONDS);
    long ctime = ((FileTime) a.get("ctime")).to(TimeUnit.NANOSECONDS);
    return mtime == e.mtimeNanos()
        && ctime == e.ctimeNanos()
        && ((Long) a.get("ino")).intValue() == e.ino()
        && ((Long) a.get("size")).intValue() == e.size()
        && (Integer) a.get("uid") == e.uid()
        && (Integer) a.get("gid") == e.gid()
        && e.mtimeNanos() < index.modifiedNanos(); // else racily clean: git would look again
  }

  /** True if every directory on the way to {@code path} is a real directory, not a link. */
  static boolean underRealDirectories(Path top, String path, Map<String, Boolean> known) {
    int slash = path.lastIndexOf('/');
    if (slash < 0) {
      return true;
    }
    String dir = path.substring(0, slash);
    Boolean real = known.get(dir);
    if (real == null) {
      real =
          underRealDirectories(top, dir, known)
              && Files.isDirectory(top.resolve(dir), LinkOption.NOFOLLOW_LINKS);
      known.put(dir, real);
    }
    return real;
  }

  /**
   * The id of the tree of {@code index} with {@code removals} taken out and {@code updates} read
   * from the worktree (a path gone is taken out; a new one replaces whatever file or directory it
   * conflicts with, as {@code update-index --replace} does); every blob and tree is written to
   * {@code objects}.
   */
  static String write(
      Path top,
      GitIndex.Index index,
      List<String> updates,
      List<String> removals,
      LooseObjects objects,
      String format,
      long maxFileBytes)
      throws GitMustDoIt {
    TreeMap<byte[], Item> items = new TreeMap<>(Arrays::compareUnsigned);
    for (GitIndex.Entry e : index.entries()) {
      items.put(e.name(), new Item(e.mode(), e.id()));
    }
    for (String path : removals) {
      items.remove(path.getBytes(StandardCharsets.UTF_8));
    }
    for (String path : updates) {
      byte[] name = path.getBytes(StandardCharsets.UTF_8);
      Item item = read(top, path, objects, format, maxFileBytes, items.containsKey(name));
      if (item == null) {
        items.remove(name);
        continue;
      }
      for (int i = 0; i < name.length; i++) {
        if (name[i] == '/') {
          items.remove(Arrays.copyOf(name, i)); // a file where a directory now is
        }
      }
      byte[] under = Arrays.copyOf(name, name.length + 1);
      under[name.length] = '/';
      byte[] after = under.clone();
      after[name.length] = '/' + 1;
      items.subMap(under, after).clear(); // a directory where a file now is
      items.put(name, item);
    }
    List<byte[]> names = new ArrayList<>(items.keySet());
    List<Item> values = new ArrayList<>(items.values());
    return tree(names, values, 0, names.size(), 0, objects, format);
  }

  /** A blob or link as git's index would record it. */
  private record Item(int mode, byte[] id) {}

  /**
   * The worktree's {@code path} stored as a blob, or null when it is gone (or, {@code tracked}, is
   * now a directory, which {@code update-index --remove} takes out too).
   */
  private static Item read(
      Path top,
      String path,
      LooseObjects objects,
      String format,
      long maxFileBytes,
      boolean tracked)
      throws GitMustDoIt {
    if (!nameable(path) || !plainName(path)) {
      throw new GitMustDoIt("a name git treats specially: " + path);
    }
    Path file = top.resolve(path);
    Map<String, Object> a;
    try {
      a = Files.readAttributes(file, "unix:mode", LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException gone) {
      return null;
    } catch (IOException e) {
      throw new GitMustDoIt("cannot read " + path + ": " + e.getMessage());
    }
    int mode = (Integer) a.get("mode");
    byte[] content;
    int entryMode;
    switch (mode & 0170000) {
      case 0120000 -> {
        try {
          String target = Files.readSymbolicLink(file).toString();
          if (!nameable(target)) {
            throw new GitMustDoIt("a link target the JVM cannot name: " + path);
          }
          content = target.getBytes(StandardCharsets.UTF_8);
        } catch (NoSuchFileException gone) {
          return null;
        } catch (IOException e) {
          throw new GitMustDoIt("cannot read the link " + path + ": " + e.getMessage());
        }
        entryMode = 0120000;
      }
      case 0100000 -> {
        content = readNoFollow(file, path, maxFileBytes);
        if (content == null) {
          return null;
        }
        entryMode = (mode & 0100) != 0 ? 0100755 : 0100644;
      }
      case 0040000 -> {
        if (tracked) {
          return null; // a tracked file now a directory: update-index removes it (its files are
          // new)
        }
        throw new GitMustDoIt("a directory to add: " + path);
      }
      default -> throw new GitMustDoIt("neither a file nor a link: " + path);
    }
    String id = objects.write("blob", content, format);
    return new Item(entryMode, HexFormat.of().parseHex(id));
  }

  /**
   * A regular file's bytes, opened without following a link (an agent that swaps the file for a
   * link meanwhile makes the open fail, and git does the work), and no more than {@code max} bytes
   * of it (a file that grew past the limit since it was measured is git's to judge). An interrupt
   * does not stop the read: it is done again and the interrupt kept for the caller.
   */
  private static byte[] readNoFollow(Path file, String path, long max) throws GitMustDoIt {
    boolean interrupted = Thread.interrupted();
    try {
      for (int attempt = 0; ; attempt++) {
        try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
          byte[] all = in.readNBytes((int) Math.min(max, Integer.MAX_VALUE - 16) + 1);
          if (all.length > max) {
            throw new GitMustDoIt(path + " grew over the size limit while it was read");
          }
          return all;
        } catch (ClosedByInterruptException e) {
          interrupted |= Thread.interrupted();
          if (attempt == 2) {
            throw new GitMustDoIt("interrupted reading " + path);
          }
        } catch (NoSuchFileException gone) {
          return null;
        } catch (IOException e) {
          throw new GitMustDoIt("cannot read " + path + ": " + e.getMessage());
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Whether the JVM names this path by exactly its UTF-8 bytes. */
  private static boolean nameable(String path) {
    if (path.indexOf('\uFFFD') >= 0 || path.indexOf('\0') >= 0) {
      return false;
    }
    return UTF8_NAMES || path.chars().allMatch(c -> c < 0x80);
  }

  /**
   * A path none of git's rules for names touch ({@code verify_path}: {@code .git} in any case or
   * NTFS spelling, short names with {@code ~}, {@code .gitmodules} and {@code .gitattributes}
   * (attributes change how git stores files), {@code .} and {@code ..}, backslashes, colons,
   * trailing dots and spaces). A path with any of those is git's to judge. {@code .gitignore} and
   * names like {@code .github} are plain.
   */
  static boolean plainName(String path) {
    for (String part : path.split("/", -1)) {
      if (part.isEmpty() || part.equals(".") || part.equals("..")) {
        return false;
      }
      String lower = part.toLowerCase(Locale.ROOT);
      if (lower.startsWith(".git")
              && (lower.substring(4).chars().allMatch(c -> c == '.' || c == ' ')
                  || lower.startsWith(".gitattributes")
                  || lower.startsWith(".gitmodules"))
          || part.indexOf('~') >= 0
          || part.indexOf('\\') >= 0
          || part.indexOf(':') >= 0
          || part.endsWith(".")
          || part.endsWith(" ")) {
        return false;
      }
    }
    return true;
  }

  /** The tree of names[lo, hi), all of which start with the same {@code depth} bytes. */
  private static String tree(
      List<byte[]> names,
      List<Item> items,
      int lo,
      int hi,
      int depth,
      LooseObjects objects,
      String format) {
    ByteArrayOutputStream tree = new ByteArrayOutputStream();
    int i = lo;
    while (i < hi) {
      byte[] name = names.get(i);
      int slash = indexOf(name, (byte) '/', depth);
      if (slash < 0) {
        Item item = items.get(i);
        entry(tree, Integer.toOctalString(item.mode()), name, depth, name.length, item.id());
        i++;
        continue;
      }
      int end = i + 1;
      while (end < hi && sameDirectory(names.get(end), name, slash)) {
        end++;
      }
      String sub = tree(names, items, i, end, slash + 1, objects, format);
      entry(tree, "40000", name, depth, slash, HexFormat.of().parseHex(sub));
      i = end;
    }
    return objects.write("tree", tree.toByteArray(), format);
  }

  private static boolean sameDirectory(byte[] other, byte[] name, int slash) {
    return other.length > slash
        && other[slash] == '/'
        && Arrays.equals(other, 0, slash, name, 0, slash);
  }

  private static void entry(
      ByteArrayOutputStream tree, String mode, byte[] name, int from, int to, byte[] id) {
    tree.writeBytes(mode.getBytes(StandardCharsets.US_ASCII));
    tree.write(' ');
    tree.write(name, from, to - from);
    tree.write(0);
    tree.writeBytes(id);
  }

  private static int indexOf(byte[] b, byte c, int from) {
    for (int i = from; i < b.length; i++) {
      if (b[i] == c) {
        return i;
      }
    }
    return -1;
  }
}
