package dev.grove.fs;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A directory tree that file access cannot leave: open, create, list and copy files under one root
 * without ever following a symbolic link out of it.
 *
 * <p>Every path is relative to the root and is walked one component at a time from an open handle
 * on the root, each step relative to the directory reached before it ({@code openat}, {@code
 * fstatat}, {@code renameat} with {@code O_NOFOLLOW}, through the JDK's {@link
 * SecureDirectoryStream}). The kernel therefore never follows a link on grove's behalf, and a link
 * swapped in between two steps makes the next step fail instead of leading out: nothing is checked
 * by one path and then used by another.
 *
 * <ul>
 *   <li>Reading ({@link #open}, {@link #stat}, {@link #list}, the source of {@link #copy}) follows
 *       links whose targets stay inside, resolving them here, one component at a time, as the
 *       kernel would; a link that leads out (an absolute target elsewhere, {@code ..} above the
 *       root) is {@link Refused.Reason#OUTSIDE refused}.
 *   <li>Writing ({@link #write}, the target of {@link #copy}) follows no link at all, not even one
 *       that stays inside, and creates missing directories as real directories.
 *   <li>Names in {@code offLimits} are refused at any depth, ignoring case, whether a path names
 *       them or a link leads to them.
 * </ul>
 *
 * <p>The root's own path is trusted: whoever controls the tree must not be able to write the root's
 * parent. Immutable and safe for many threads: each call opens and closes its own handles. Refusals
 * are {@link Refused}, with a reason and a message that says what to do; I/O failures are {@link
 * UncheckedIOException}. On a platform without {@link SecureDirectoryStream} {@link #at} fails
 * rather than fall back to checking strings.
 */
public final class Confined {
  /** How many links one path may pass through, as Linux allows. */
  static final int MAX_LINKS = 40;

  /** What a path names. */
  public enum Kind {
    FILE,
    DIRECTORY,
    LINK,
    OTHER
  }

  /**
   * A file, directory or link.
   *
   * @param path its real path from the root, {@code /}-separated, links resolved ("" for the root)
   */
  public record Entry(String path, Kind kind, long size) {
    public Entry {
      Objects.requireNonNull(path, "path");
      Objects.requireNonNull(kind, "kind");
    }
  }

  /** What {@link #write} did: {@code created} a new file, or replaced the one at {@code path}. */
  public record Written(String path, boolean created, long bytes) {
    public Written {
      Objects.requireNonNull(path, "path");
    }
  }

  /**
   * A regular file open for reading, at its start.
   *
   * @param path its real path from the root
   * @param size its size when it was opened
   */
  public record OpenFile(String path, long size, SeekableByteChannel channel) implements Closeable {
    public OpenFile {
      Objects.requireNonNull(path, "path");
      Objects.requireNonNull(channel, "channel");
    }

    /** The next bytes, at most {@code max} of them (fewer only at the end of the file). */
    public byte[] readAtMost(int max) throws IOException {
      return Channels.newInputStream(channel).readNBytes(max);
    }

    @Override
    public void close() throws IOException {
      channel.close();
    }
  }

  /** A path the tree will not give access to; the message says why and what to do instead. */
  public static final class Refused extends RuntimeException {
    public enum Reason {
      /** Not a usable relative path: empty, absolute, with {@code ..} or a NUL. */
      INVALID(false),
      /** A name that is off limits, named or reached through a link. */
      OFF_LIMITS(true),
      /** A symbolic link leads out of the tree. */
      OUTSIDE(true),
      /** Too many links in a row: a loop. */
      LOOP(true),
      /** A symbolic link where none is followed (writing), even one that stays inside. */
      LINK(false),
      NOT_FOUND(false),
      /** A directory, device, socket or pipe where a regular file is needed. */
      NOT_A_FILE(false),
      /** A file where a directory is needed. */
      NOT_A_DIRECTORY(false),
      /** A file with other hard links, which is not written. */
      HARD_LINK(false),
      /** Something is already there and is not replaced. */
      EXISTS(false);

      private final boolean escape;

      Reason(boolean escape) {
        this.escape = escape;
      }

      /** Whether following the path would have led out of the tree or to what is off limits. */
      public boolean escapes() {
        return escape;
      }
    }

    private final Reason reason;
    private final String path;

    Refused(Reason reason, String path, String message) {
      super(message);
      this.reason = reason;
      this.path = path;
    }

    public Reason reason() {
      return reason;
    }

    /** The path as it was given. */
    public String path() {
      return path;
    }
  }

  /**
   * Called before each step that a swap could race; a seam for tests to make the swap happen there.
   */
  interface Hook {
    Hook NONE = (step, path) -> {};

    void before(String step, String path) throws IOException;
  }

  private final Path root;
  private final String noun;
  private final Set<String> offLimits;
  private final Hook hook;

  /**
   * @param root an existing directory; its real path becomes the root
   * @param noun what the tree is, for messages ("worktree": "leads outside the worktree")
   * @param offLimits names refused at any depth, compared ignoring case (e.g. {@code .git})
   * @throws UnsupportedOperationException if the platform cannot open files relative to a directory
   */
  public static Confined at(Path root, String noun, Set<String> offLimits) {
    return new Confined(root, noun, offLimits, Hook.NONE);
  }

  Confined(Path root, String noun, Set<String> offLimits, Hook hook) {
    this.noun = Objects.requireNonNull(noun, "noun");
    try {
      this.root = root.toRealPath();
      new Walk(this.root).close(); // fails here, at once, where confinement is not possible
    } catch (IOException e) {
      throw new UncheckedIOException(
          "the " + noun + " " + root + " cannot be opened: " + e.getMessage(), e);
    }
    this.offLimits =
        offLimits.stream()
            .map(n -> n.toLowerCase(Locale.ROOT))
            .collect(Collectors.toUnmodifiableSet());
    this.hook = Objects.requireNonNull(hook, "hook");
  }

  /** The real path of the root. */
  public Path root() {
    return root;
  }

  /** What {@code path} names, links that stay inside followed. */
  public Entry stat(String path) {
    try (Walk w = new Walk(root)) {
      Found f = find(w, path, new ArrayDeque<>(parse(path)));
      return new Entry(f.path(), kind(f.attributes()), f.attributes().size());
    } catch (IOException e) {
      throw failed("cannot read", path, e);
    }
  }

  /** Opens the regular file at {@code path} for reading, links that stay inside followed. */
  public OpenFile open(String path) {
    try (Walk w = new Walk(root)) {
      Found f = find(w, path, new ArrayDeque<>(parse(path)));
      if (f.name() == null || f.attributes().isDirectory()) {
        throw new Refused(Refused.Reason.NOT_A_FILE, path, path + " is a directory");
      }
      if (!f.attributes().isRegularFile()) {
        throw new Refused(
            Refused.Reason.NOT_A_FILE,
            path,
            path + " is not a regular file (a device, socket or pipe?)");
      }
      hook.before("open", f.path());
      SeekableByteChannel channel =
          w.dir()
              .newByteChannel(
                  Path.of(f.name()), Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS));
      return new OpenFile(f.path(), f.attributes().size(), channel);
    } catch (IOException e) {
      throw failed("cannot read", path, e);
    }
  }

  /**
   * The entries of the directory at {@code path} (links that stay inside followed to reach it), at
   * most {@code max} of them, by name; links in it are listed as links, not followed, and
   * off-limits names are left out.
   */
  public List<Entry> list(String path, int max) {
    try (Walk w = new Walk(root)) {
      Found f = find(w, path, new ArrayDeque<>(parse(path)));
      if (f.name() != null) {
        if (!f.attributes().isDirectory()) {
          throw new Refused(Refused.Reason.NOT_A_DIRECTORY, path, path + " is not a directory");
        }
        descend(w, f.name(), path);
      }
      List<Entry> entries = new ArrayList<>();
      for (Path child : w.dir()) {
        String name = child.getFileName().toString();
        if (entries.size() >= max) {
          break;
        }
        PosixFileAttributes a =
            offLimits.contains(name.toLowerCase(Locale.ROOT)) ? null : w.lstat(name);
        if (a != null) {
          entries.add(new Entry(w.join(name), kind(a), a.size()));
        }
      }
      entries.sort(Comparator.comparing(Entry::path));
      return entries;
    } catch (IOException e) {
      throw failed("cannot list", path, e);
    }
  }

  /**
   * Writes {@code content} to the file at {@code path}, creating missing directories and following
   * no link. The file is replaced atomically: the content goes to a new file in the same directory,
   * which is then renamed over the old one, so a reader never sees half a file, a link swapped in
   * at the last moment is replaced rather than followed, and a hard link is never written through.
   * A replaced file keeps its permissions (and its owner, where grove may give files away).
   */
  public Written write(String path, byte[] content) {
    List<String> names = fileNames(path);
    try (Walk w = new Walk(root)) {
      String name = parents(w, names, path, true);
      PosixFileAttributes old = w.lstat(name);
      if (old != null) {
        requireReplaceable(w, name, old, path);
      }
      replace(w, name, content, old);
      return new Written(w.join(name), old == null, content.length);
    } catch (IOException e) {
      throw failed("cannot write", path, e);
    }
  }

  /**
   * Copies the regular file or symbolic link at {@code path} to the same path in {@code target},
   * where nothing may be there yet ({@link Refused.Reason#EXISTS}). Neither tree's links are
   * followed on the way; a link is copied as a link only if it is relative and leads somewhere
   * inside this tree (not out, not to an off-limits name), else it is refused. A file keeps its
   * permissions, through the umask.
   */
  public Entry copy(String path, Confined target) {
    List<String> names = fileNames(path);
    try (Walk w = new Walk(root)) {
      String name = parents(w, names, path, false);
      PosixFileAttributes a = w.lstat(name);
      if (a == null) {
        throw notFound(path);
      }
      if (a.isSymbolicLink()) {
        return target.createLink(path, linkStayingInside(w, name, path));
      }
      if (!a.isRegularFile()) {
        throw new Refused(
            Refused.Reason.NOT_A_FILE, path, path + " is not a regular file or a link");
      }
      hook.before("open", w.join(name));
      try (SeekableByteChannel in =
          w.dir()
              .newByteChannel(
                  Path.of(name), Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS))) {
        return target.createFile(path, in, a);
      }
    } catch (IOException e) {
      throw failed("cannot copy", path, e);
    }
  }

  // --- the walk

  /**
   * Where a path led: {@code name} in the walk's directory, or (name null) that directory itself.
   */
  private record Found(String path, String name, PosixFileAttributes attributes) {}

  /**
   * Resolves the names in {@code todo} from where the walk is, as the kernel resolves a path, but
   * one component at a time: a link's target takes its place in the queue ({@code ..} climbs back
   * through real directories), and nothing outside the root or off limits is ever reached.
   */
  private Found find(Walk w, String given, Deque<String> todo) throws IOException {
    int links = 0;
    String via = null;
    while (!todo.isEmpty()) {
      String name = todo.removeFirst();
      if (name.equals(".")) {
        continue;
      }
      if (name.equals("..")) {
        if (w.atRoot()) {
          throw outside(given, via);
        }
        w.climb();
        continue;
      }
      requireAllowed(name, given);
      PosixFileAttributes a = w.lstat(name);
      if (a == null) {
        throw notFound(given);
      }
      if (a.isSymbolicLink()) {
        if (++links > MAX_LINKS) {
          throw new Refused(
              Refused.Reason.LOOP,
              given,
              given + " passes through more than " + MAX_LINKS + " symbolic links (a loop?)");
        }
        via = w.join(name);
        List<String> target = linkTarget(w, name, given, via);
        for (int i = target.size() - 1; i >= 0; i--) {
          todo.addFirst(target.get(i));
        }
        continue;
      }
      if (todo.isEmpty()) {
        return new Found(w.join(name), name, a);
      }
      if (!a.isDirectory()) {
        throw notADirectory(w.join(name), given);
      }
      descend(w, name, given);
    }
    return new Found(
        w.path(),
        null,
        w.dir().getFileAttributeView(PosixFileAttributeView.class).readAttributes());
  }

  /**
   * A link's target as names to walk next; an absolute target inside the root starts the walk again
   * at the root. The target is read by path (the JDK has no {@code readlinkat}), but whatever
   * string comes back is only ever walked from the handles, inside the tree: a swap here can at
   * worst make the walk reach another file inside.
   */
  private List<String> linkTarget(Walk w, String name, String given, String link)
      throws IOException {
    Path target = Files.readSymbolicLink(root.resolve(w.join(name)));
    if (target.isAbsolute()) {
      if (!target.startsWith(root)) {
        throw outside(given, link);
      }
      w.toRoot();
      target = root.relativize(target);
    }
    List<String> names = new ArrayList<>();
    for (Path p : target) {
      if (!p.toString().isEmpty()) {
        names.add(p.toString());
      }
    }
    return names;
  }

  /**
   * Walks to the directory holding the last of {@code names}, following no link; with {@code
   * create}, missing directories are made. Returns the last name.
   */
  private String parents(Walk w, List<String> names, String given, boolean create)
      throws IOException {
    for (int i = 0; i < names.size() - 1; i++) {
      String name = names.get(i);
      PosixFileAttributes a = w.lstat(name);
      if (a == null && create) {
        hook.before("mkdir", w.join(name));
        w.mkdir(name);
        a = w.lstat(name);
      }
      if (a == null) {
        throw notFound(given);
      }
      if (a.isSymbolicLink()) {
        throw linkRefused(w.join(name), names.subList(i + 1, names.size()), given);
      }
      if (!a.isDirectory()) {
        throw notADirectory(w.join(name), given);
      }
      descend(w, name, given);
    }
    return names.getLast();
  }

  private void descend(Walk w, String name, String given) throws IOException {
    hook.before("descend", w.join(name));
    try {
      w.descend(name);
    } catch (IOException e) {
      PosixFileAttributes now = w.lstat(name);
      if (now != null && now.isSymbolicLink()) {
        throw new Refused(
            Refused.Reason.LINK,
            given,
            w.join(name) + " became a symbolic link while " + given + " was being opened; refused");
      }
      throw e;
    }
  }

  private void requireAllowed(String name, String given) {
    if (offLimits.contains(name.toLowerCase(Locale.ROOT))) {
      throw new Refused(Refused.Reason.OFF_LIMITS, given, name + " is off limits (" + given + ")");
    }
  }

  /**
   * The names of a path as given: relative, no {@code ..}, no NUL, nothing off limits; "" and
   * {@code .} are the root.
   */
  private List<String> parse(String given) {
    if (given == null) {
      throw new Refused(
          Refused.Reason.INVALID,
          given,
          "a path is required (relative to the " + noun + " root, e.g. src/Main.java)");
    }
    if (given.indexOf('\0') >= 0) {
      throw new Refused(Refused.Reason.INVALID, given, "the path contains a NUL character");
    }
    if (given.startsWith("/")) {
      throw new Refused(
          Refused.Reason.INVALID,
          given,
          "absolute paths are not allowed ("
              + given
              + "); give a path relative to the "
              + noun
              + " root");
    }
    List<String> names = new ArrayList<>();
    for (String name : given.split("/")) {
      if (name.isEmpty() || name.equals(".")) {
        continue;
      }
      if (name.equals("..")) {
        throw new Refused(
            Refused.Reason.INVALID,
            given,
            "'..' is not allowed in paths (" + given + "); the " + noun + " root is the top");
      }
      requireAllowed(name, given);
      names.add(name);
    }
    return names;
  }

  /** The names of a path that must name a file, so not the root. */
  private List<String> fileNames(String given) {
    List<String> names = parse(given);
    if (names.isEmpty()) {
      throw new Refused(
          Refused.Reason.NOT_A_FILE,
          given,
          "the " + noun + " root itself is not a file; name a file");
    }
    return names;
  }

  // --- writing

  private void requireReplaceable(Walk w, String name, PosixFileAttributes old, String given)
      throws IOException {
    if (old.isSymbolicLink()) {
      throw linkRefused(w.join(name), List.of(), given);
    }
    if (old.isDirectory()) {
      throw new Refused(Refused.Reason.NOT_A_FILE, given, given + " is a directory");
    }
    if (!old.isRegularFile()) {
      throw new Refused(
          Refused.Reason.NOT_A_FILE,
          given,
          given + " is not a regular file (a device, socket or pipe?)");
    }
    if (hardLinks(w.join(name), old) > 1) {
      throw new Refused(
          Refused.Reason.HARD_LINK,
          given,
          given + " is a hard link shared with another file; refusing to write through it");
    }
  }

  /**
   * The link count, which no {@code *at} call of the JDK gives: read by path, and trusted only if
   * the path still leads to the very file the handle saw.
   */
  private int hardLinks(String path, PosixFileAttributes seen) throws IOException {
    Map<String, Object> a =
        Files.readAttributes(root.resolve(path), "unix:nlink,fileKey", LinkOption.NOFOLLOW_LINKS);
    if (!Objects.equals(a.get("fileKey"), seen.fileKey())) {
      throw new IOException(path + " changed while it was being checked; try again");
    }
    return (Integer) a.get("nlink");
  }

  private void replace(Walk w, String name, byte[] content, PosixFileAttributes old)
      throws IOException {
    SecureDirectoryStream<Path> dir = w.dir();
    Path temporary = Path.of(".grove-write-" + Walk.random());
    boolean renamed = false;
    try {
      try (SeekableByteChannel out =
          dir.newByteChannel(
              temporary,
              Set.of(
                  StandardOpenOption.CREATE_NEW,
                  StandardOpenOption.WRITE,
                  LinkOption.NOFOLLOW_LINKS))) {
        ByteBuffer b = ByteBuffer.wrap(content);
        while (b.hasRemaining()) {
          out.write(b);
        }
      }
      if (old != null) {
        keepOwnerAndPermissions(dir, temporary, old);
      }
      hook.before("rename", w.join(name));
      dir.move(temporary, dir, Path.of(name));
      renamed = true;
    } finally {
      if (!renamed) {
        Walk.deleteQuietly(dir, temporary, false);
      }
    }
  }

  private static void keepOwnerAndPermissions(
      SecureDirectoryStream<Path> dir, Path file, PosixFileAttributes old) throws IOException {
    PosixFileAttributeView view =
        dir.getFileAttributeView(file, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
    PosixFileAttributes now = view.readAttributes();
    if (!now.owner().equals(old.owner()) || !now.group().equals(old.group())) {
      try {
        view.setOwner(old.owner());
        view.setGroup(old.group());
      } catch (IOException e) {
        // only root may give a file away; the new file is then grove's, as one it created would be
      }
    }
    view.setPermissions(old.permissions()); // after the owner: a change of owner may clear bits
  }

  private Entry createFile(String given, SeekableByteChannel in, PosixFileAttributes like)
      throws IOException {
    List<String> names = parse(given);
    try (Walk w = new Walk(root)) {
      String name = parents(w, names, given, true);
      if (w.lstat(name) != null) {
        throw exists(given);
      }
      hook.before("create", w.join(name));
      long size = 0;
      // O_CREAT|O_EXCL: whatever appeared at the name meanwhile, a link included, is neither
      // followed nor replaced
      try (SeekableByteChannel out =
          w.dir()
              .newByteChannel(
                  Path.of(name),
                  Set.of(
                      StandardOpenOption.CREATE_NEW,
                      StandardOpenOption.WRITE,
                      LinkOption.NOFOLLOW_LINKS),
                  PosixFilePermissions.asFileAttribute(like.permissions()))) {
        ByteBuffer b = ByteBuffer.allocate(64 * 1024);
        while (in.read(b) >= 0) {
          b.flip();
          while (b.hasRemaining()) {
            size += out.write(b);
          }
          b.clear();
        }
      } catch (FileAlreadyExistsException e) {
        throw exists(given);
      }
      return new Entry(w.join(name), Kind.FILE, size);
    }
  }

  /**
   * Places a link. The JDK has no {@code symlinkat}: the link is made at the top of the root (whose
   * own path is trusted) and renamed into place relative to the handles. A rename replaces what it
   * lands on and the JDK offers no {@code RENAME_NOREPLACE}, so something created at the name
   * between the check and the rename would be replaced by the link (never followed); copies run
   * while nobody else writes the tree.
   */
  private Entry createLink(String given, Path target) throws IOException {
    List<String> names = parse(given);
    try (Walk w = new Walk(root)) {
      String name = parents(w, names, given, true);
      if (w.lstat(name) != null) {
        throw exists(given);
      }
      Path staging = Path.of(".grove-link-" + Walk.random());
      Files.createSymbolicLink(root.resolve(staging.toString()), target);
      boolean renamed = false;
      try {
        hook.before("rename", w.join(name));
        w.root().move(staging, w.dir(), Path.of(name));
        renamed = true;
      } finally {
        if (!renamed) {
          Walk.deleteQuietly(w.root(), staging, false);
        }
      }
      return new Entry(w.join(name), Kind.LINK, 0);
    }
  }

  /**
   * The target of the link {@code name}, if it is relative and leads somewhere inside (or nowhere
   * yet).
   */
  private Path linkStayingInside(Walk w, String name, String given) throws IOException {
    Path target = Files.readSymbolicLink(root.resolve(w.join(name)));
    if (target.isAbsolute()) {
      throw new Refused(
          Refused.Reason.OUTSIDE,
          given,
          given
              + " is a symbolic link to an absolute path ("
              + "only relative links that stay inside the "
              + noun
              + " are copied)");
    }
    Deque<String> todo = new ArrayDeque<>();
    target.forEach(p -> todo.add(p.toString()));
    try (Walk from = new Walk(root)) {
      for (String dir : w.names()) {
        descend(from, dir, given);
      }
      find(from, given, todo);
    } catch (Refused r) {
      if (r.reason().escapes()) {
        throw new Refused(
            r.reason(),
            given,
            given
                + " is a symbolic link that leads outside the "
                + noun
                + " or to what is off limits; not copied");
      }
      // a link to nothing yet, or to a directory's entry that is not there, stays inside: copied
    }
    return target;
  }

  // --- messages

  private Refused linkRefused(String link, List<String> rest, String given) {
    String hint;
    try {
      Entry real = stat(link);
      String path =
          rest.isEmpty()
              ? real.path()
              : real.path().isEmpty()
                  ? String.join("/", rest)
                  : real.path() + "/" + String.join("/", rest);
      hint =
          " (to "
              + (real.path().isEmpty() ? "the " + noun + " root" : real.path())
              + "); use the real path "
              + (path.isEmpty() ? "" : path + " ")
              + "instead";
    } catch (Refused | UncheckedIOException e) {
      hint = " that does not lead to anything inside the " + noun + "; refused";
    }
    return new Refused(
        Refused.Reason.LINK,
        given,
        (link.equals(given) ? given : given + ": " + link)
            + " is a symbolic link"
            + hint
            + " (links are not written through)");
  }

  private Refused outside(String given, String via) {
    return new Refused(
        Refused.Reason.OUTSIDE,
        given,
        given
            + " leads outside the "
            + noun
            + (via == null ? "" : " (through the symbolic link " + via + ")")
            + "; refused");
  }

  private static Refused notFound(String given) {
    return new Refused(Refused.Reason.NOT_FOUND, given, "no such file or directory: " + given);
  }

  private static Refused notADirectory(String path, String given) {
    return new Refused(
        Refused.Reason.NOT_A_DIRECTORY,
        given,
        path + " is a file, not a directory (" + given + ")");
  }

  private Refused exists(String given) {
    return new Refused(
        Refused.Reason.EXISTS, given, given + " is already in the " + noun + "; not replaced");
  }

  private UncheckedIOException failed(String what, String given, IOException e) {
    return new UncheckedIOException(
        what + " " + given + " in the " + noun + ": " + e.getMessage(), e);
  }

  private static Kind kind(PosixFileAttributes a) {
    return a.isSymbolicLink()
        ? Kind.LINK
        : a.isDirectory() ? Kind.DIRECTORY : a.isRegularFile() ? Kind.FILE : Kind.OTHER;
  }
}
