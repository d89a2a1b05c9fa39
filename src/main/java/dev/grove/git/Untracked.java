package dev.grove.git;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A worktree's untracked, non-ignored files, listed as {@code git ls-files -z --others
 * --exclude-standard} lists them, without starting git: a walk of the worktree that skips every
 * {@code .git}, the files the index holds, and what {@link Ignores} excludes — each directory's
 * {@code .gitignore} (deepest first), then the repository's {@code info/exclude}, then the user's
 * excludes file — never entering an excluded directory; files and symbolic links are listed,
 * nothing else.
 *
 * <p>The walk holds each directory open and opens the next one relative to it without following a
 * link ({@link SecureDirectoryStream}), so a directory an agent swaps for a link is never walked
 * through; a {@code .gitignore} is read only when it is a regular file (git opens it with {@code
 * O_NOFOLLOW} too). What it cannot judge as git would — an untracked directory with a {@code .git}
 * of its own (git decides whether that is a repository), a name the JVM cannot spell, a directory
 * it cannot open, a walk deeper or wider than its bounds, an excludes file named in a way git
 * expands — is {@link Trees.GitMustDoIt}: the caller runs git's own listing.
 */
final class Untracked {
  /** Deeper than this, or with more entries than {@link #MAX_ENTRIES}, git walks. */
  static final int MAX_DEPTH = 64;

  /**
   * Entries the walk reads before it leaves the listing to git. Measured (docs/benchmarks.md): the
   * walk beats git's at 10,000 files and is even with it at 50,000; past this bound a worktree is
   * large enough that the walk's memory, not its speed, is the concern.
   */
  static final int MAX_ENTRIES = 100_000;

  /** An ignore file larger than this is read by git. */
  static final int MAX_IGNORE_FILE = 4 << 20;

  private static final byte[] TOP = new byte[0];

  private Untracked() {}

  /**
   * The rules that apply everywhere in the repository, in the order git asks them after the
   * directories' own: {@code info/exclude}, then the user's excludes file.
   */
  record Everywhere(List<Ignores.Rules> rules) {
    Everywhere {
      rules = List.copyOf(rules);
    }

    /**
     * Read now: {@code <common>/info/exclude}, and {@code core.excludesFile} ({@code configured},
     * null when unset) or its default under {@code XDG_CONFIG_HOME} or {@code HOME} of {@code env}.
     */
    static Everywhere read(Path commonDir, String configured, Map<String, String> env)
        throws Trees.GitMustDoIt {
      List<Ignores.Rules> rules = new ArrayList<>();
      rules.add(readOptional(commonDir.resolve("info").resolve("exclude")));
      Path user = excludesFile(configured, env);
      if (user != null) {
        rules.add(readOptional(user));
      }
      return new Everywhere(rules);
    }

    private static Path excludesFile(String configured, Map<String, String> env)
        throws Trees.GitMustDoIt {
      if (configured == null) {
        String xdg = env.get("XDG_CONFIG_HOME");
        String home = env.get("HOME");
        return xdg != null && !xdg.isEmpty()
            ? Path.of(xdg, "git", "ignore")
            : home != null ? Path.of(home + "/.config/git/ignore") : null;
      }
      String home = env.get("HOME");
      if (configured.startsWith("~/") && home != null && !home.isEmpty()) {
        return Path.of(home, configured.substring(2));
      }
      if (configured.startsWith("/")) {
        return Path.of(configured);
      }
      throw new Trees.GitMustDoIt("core.excludesFile as git expands it: " + configured);
    }

    /** A file's rules (git follows links here), none when it does not exist. */
    private static Ignores.Rules readOptional(Path file) throws Trees.GitMustDoIt {
      try (InputStream in = Files.newInputStream(file)) {
        byte[] text = in.readNBytes(MAX_IGNORE_FILE + 1);
        if (text.length > MAX_IGNORE_FILE) {
          throw new Trees.GitMustDoIt("a large excludes file: " + file);
        }
        return Ignores.parse(text, TOP);
      } catch (NoSuchFileException | java.nio.file.NotDirectoryException gone) {
        return Ignores.Rules.NONE;
      } catch (IOException e) {
        throw new Trees.GitMustDoIt("cannot read " + file + ": " + e.getMessage());
      }
    }
  }

  /**
   * The untracked, non-ignored files and links under {@code top}, sorted as git sorts paths.
   *
   * @param index the worktree's index
   * @param changed the index's paths whose stat data no longer matches ({@link Trees#changed}): the
   *     others are taken to be the files the index says, and are not looked at again
   */
  static List<String> list(Path top, GitIndex.Index index, Set<String> changed, Everywhere rules)
      throws Trees.GitMustDoIt {
    return list(top, index, changed, rules, MAX_ENTRIES);
  }

  /** {@link #list(Path, GitIndex.Index, Set, Everywhere)} that reads at most {@code maxEntries}. */
  static List<String> list(
      Path top, GitIndex.Index index, Set<String> changed, Everywhere rules, int maxEntries)
      throws Trees.GitMustDoIt {
    Walk walk = new Walk(index, changed, rules, maxEntries);
    try (DirectoryStream<Path> root = Files.newDirectoryStream(top)) {
      if (!(root instanceof SecureDirectoryStream<Path> secure)) {
        throw new Trees.GitMustDoIt("no secure directory walk on this file system");
      }
      walk.directory(secure, TOP, new ArrayList<>(), 0, false);
    } catch (IOException e) {
      throw new Trees.GitMustDoIt("cannot list " + top + ": " + e.getMessage());
    }
    List<byte[]> found = walk.found;
    found.sort(Arrays::compareUnsigned);
    List<String> paths = new ArrayList<>(found.size());
    for (byte[] p : found) {
      paths.add(new String(p, StandardCharsets.UTF_8));
    }
    return paths;
  }

  private static final class Walk {
    final Set<String> files = new HashSet<>();
    final Set<String> directories = new HashSet<>();
    final Set<String> changed;
    final Everywhere everywhere;
    final List<byte[]> found = new ArrayList<>();
    final int maxEntries;
    int entries;

    Walk(GitIndex.Index index, Set<String> changed, Everywhere everywhere, int maxEntries) {
      this.maxEntries = maxEntries;
      for (GitIndex.Entry e : index.entries()) {
        String p = e.path();
        files.add(p);
        for (int slash = p.indexOf('/'); slash >= 0; slash = p.indexOf('/', slash + 1)) {
          directories.add(p.substring(0, slash));
        }
      }
      this.changed = changed;
      this.everywhere = everywhere;
    }

    /**
     * Lists {@code dir} (the worktree's {@code base}, "" or ending in '/'), whose own rules are
     * added to {@code rules} while it is walked; {@code untracked}: no index entry lies under it.
     */
    void directory(
        SecureDirectoryStream<Path> dir,
        byte[] base,
        List<Ignores.Rules> rules,
        int depth,
        boolean untracked)
        throws IOException, Trees.GitMustDoIt {
      List<String> names = new ArrayList<>();
      for (Path p : dir) {
        String name = p.getFileName().toString();
        if (name.indexOf('\uFFFD') >= 0 || name.indexOf('\0') >= 0) {
          throw new Trees.GitMustDoIt("a name the JVM cannot spell in " + str(base));
        }
        if (name.equals(".git")) {
          if (untracked) {
            // git decides whether that is a repository of its own (shown as "dir/") or not
            throw new Trees.GitMustDoIt("a .git in the untracked directory " + str(base));
          }
          continue;
        }
        names.add(name);
        if (++entries > maxEntries) {
          throw new Trees.GitMustDoIt("more than " + maxEntries + " entries to walk");
        }
      }
      rules.add(names.contains(".gitignore") ? ignoreFile(dir, base) : Ignores.Rules.NONE);
      try {
        for (String name : names) {
          String path = str(base) + name;
          boolean indexed = files.contains(path);
          if (indexed && !changed.contains(path)) {
            continue; // the file the index has, as it has it
          }
          BasicFileAttributes a;
          try {
            a =
                dir.getFileAttributeView(
                        Path.of(name), BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                    .readAttributes();
          } catch (NoSuchFileException gone) {
            continue;
          }
          boolean isDir = a.isDirectory();
          if (indexed && !isDir) {
            continue;
          }
          byte[] bytes = path.getBytes(StandardCharsets.UTF_8);
          if (excluded(bytes, base.length, isDir, rules)) {
            continue;
          }
          if (isDir) {
            if (depth + 1 > MAX_DEPTH) {
              throw new Trees.GitMustDoIt("directories deeper than " + MAX_DEPTH);
            }
            try (SecureDirectoryStream<Path> sub =
                dir.newDirectoryStream(Path.of(name), LinkOption.NOFOLLOW_LINKS)) {
              byte[] subBase = Arrays.copyOf(bytes, bytes.length + 1);
              subBase[bytes.length] = '/';
              directory(sub, subBase, rules, depth + 1, !directories.contains(path));
            }
          } else if (a.isRegularFile() || a.isSymbolicLink()) {
            found.add(bytes);
          }
        }
      } finally {
        rules.remove(rules.size() - 1);
      }
    }

    /**
     * The directories' rules from the deepest up, then the repository's and the user's: the first
     * that decides, decides.
     */
    private boolean excluded(byte[] path, int nameAt, boolean dir, List<Ignores.Rules> rules) {
      for (int i = rules.size() - 1; i >= 0; i--) {
        Ignores.Verdict v = rules.get(i).judge(path, nameAt, dir);
        if (v != Ignores.Verdict.UNDECIDED) {
          return v == Ignores.Verdict.EXCLUDED;
        }
      }
      for (Ignores.Rules r : everywhere.rules()) {
        Ignores.Verdict v = r.judge(path, nameAt, dir);
        if (v != Ignores.Verdict.UNDECIDED) {
          return v == Ignores.Verdict.EXCLUDED;
        }
      }
      return false;
    }

    /**
     * A directory's {@code .gitignore}, read only if it is a regular file: git opens it without
     * following a link, and a directory or a pipe of that name gives no rules.
     */
    private static Ignores.Rules ignoreFile(SecureDirectoryStream<Path> dir, byte[] base)
        throws Trees.GitMustDoIt {
      Path name = Path.of(".gitignore");
      try {
        BasicFileAttributes a =
            dir.getFileAttributeView(name, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                .readAttributes();
        if (!a.isRegularFile()) {
          return Ignores.Rules.NONE;
        }
        if (a.size() > MAX_IGNORE_FILE) {
          throw new Trees.GitMustDoIt("a large " + str(base) + ".gitignore");
        }
        try (SeekableByteChannel ch =
            dir.newByteChannel(name, Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS))) {
          byte[] text = Channels.newInputStream(ch).readNBytes(MAX_IGNORE_FILE + 1);
          if (text.length > MAX_IGNORE_FILE) {
            throw new Trees.GitMustDoIt("a large " + str(base) + ".gitignore");
          }
          return Ignores.parse(text, base);
        }
      } catch (NoSuchFileException gone) {
        return Ignores.Rules.NONE;
      } catch (IOException e) {
        throw new Trees.GitMustDoIt("cannot read " + str(base) + ".gitignore: " + e.getMessage());
      }
    }

    private static String str(byte[] b) {
      return new String(b, StandardCharsets.UTF_8);
    }
  }
}
