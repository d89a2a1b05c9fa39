package dev.grove.git;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * grove's own refs moved in-process, as git's files backend moves them ({@code update-ref
 * --stdin}), so that a checkpoint starts no git process: each ref is locked by creating {@code
 * <ref>.lock} exclusively (git's lock-file protocol, so git and grove exclude each other), its
 * value checked against the one expected — in its loose file or, when there is none, in {@code
 * packed-refs} — the new value written to the lock and the lock renamed over the ref; a ref's log,
 * where it has one (or is to get one), gets a line naming grove. Every ref is locked and checked
 * before any moves: a ref not where it was expected moves none of them ({@link Outcome#REFUSED}).
 *
 * <p>Only the repository's git directory is written, which no agent can reach; ref names are
 * grove's own ({@code refs/grove/…}, checked). Whatever this does not do as git would — a symbolic
 * ref, a name in conflict with another ref's directory, a lock held by someone else, a reftable
 * repository, an I/O error — is {@link Outcome#GIT}: nothing has moved, and the caller has git do
 * it (and report it).
 */
final class RefFiles {
  /** What became of a transaction. */
  enum Outcome {
    /** Every ref moved. */
    DONE,
    /** A ref was not where it was expected (or already existed): none moved. */
    REFUSED,
    /** Not attempted, or undone: git must do it. */
    GIT
  }

  /**
   * One ref to move: to {@code to} from {@code from}, or created ({@code from} null: it must not
   * exist); {@code log}: it gets a log if it has none.
   */
  record Update(String ref, String to, String from, boolean log) {
    Update {
      Objects.requireNonNull(ref, "ref");
      if (!Refs.isObjectId(to) || from != null && !Refs.isObjectId(from)) {
        throw new IllegalArgumentException("not an object id: " + to + " / " + from);
      }
    }
  }

  /**
   * A lock this old was left by a writer that died holding it (git holds a ref's lock for the
   * moment of one update): it is taken over.
   */
  static final Duration STALE_LOCK = Duration.ofMinutes(1);

  private static final Pattern GROVE_REF =
      Pattern.compile("refs/grove(/[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})+");

  private static final String IDENTITY = Snapshots.NAME + " <" + Snapshots.EMAIL + ">";

  private final Path commonDir;
  private final Clock clock;
  private final boolean fsync;
  private final boolean logAll;

  /** {@code packed-refs} as last read, and which file that was. */
  private Packed packed;

  /**
   * @param fsync whether a ref is flushed to disk before it is renamed into place (what {@code
   *     core.fsync} asks of git for references)
   * @param logAll whether every ref gets a log ({@code core.logAllRefUpdates=always})
   */
  RefFiles(Path commonDir, Clock clock, boolean fsync, boolean logAll) {
    this.commonDir = commonDir;
    this.clock = clock;
    this.fsync = fsync;
    this.logAll = logAll;
  }

  /**
   * Whether grove may move refs itself in this repository, by its configuration as {@link
   * Worktrees#ownConfig} reads it: loose refs (no reftable), and nothing git would add to what it
   * writes (shared-repository permissions).
   */
  static boolean usable(Path commonDir, Map<String, String> config) {
    String storage = config.getOrDefault("extensions.refstorage", "files");
    return storage.equalsIgnoreCase("files")
        && !Files.exists(commonDir.resolve("reftable"), LinkOption.NOFOLLOW_LINKS)
        && Worktrees.looseObjects(commonDir, config) != null;
  }

  /** Moves every ref of {@code updates} or none; {@code message} goes into their logs. */
  synchronized Outcome apply(List<Update> updates, String message) {
    List<Update> sorted = new ArrayList<>(updates);
    sorted.sort(Comparator.comparing(Update::ref)); // git's order: two writers never deadlock
    for (int i = 0; i < sorted.size(); i++) {
      String ref = sorted.get(i).ref();
      if (!GROVE_REF.matcher(ref).matches()
          || ref.endsWith(".lock")
          || ref.contains("..")
          || i > 0 && ref.equals(sorted.get(i - 1).ref())) {
        return Outcome.GIT;
      }
    }
    List<Path> locks = new ArrayList<>();
    try {
      List<String> before = new ArrayList<>();
      for (Update u : sorted) {
        Path lock = lock(u.ref());
        if (lock == null) {
          return Outcome.GIT;
        }
        locks.add(lock);
        Current now = current(u.ref());
        if (now.gitMust()) {
          return Outcome.GIT;
        }
        if (!Objects.equals(now.id(), u.from())) {
          return Outcome.REFUSED;
        }
        before.add(now.id());
      }
      for (int i = 0; i < sorted.size(); i++) {
        write(locks.get(i), (sorted.get(i).to() + "\n").getBytes(StandardCharsets.US_ASCII));
      }
      for (int i = 0; i < sorted.size(); i++) {
        Update u = sorted.get(i);
        log(u, before.get(i), message);
      }
      for (int i = 0; i < sorted.size(); i++) {
        Files.move(locks.get(i), ref(sorted.get(i).ref()), StandardCopyOption.ATOMIC_MOVE);
        locks.set(i, null);
      }
      return Outcome.DONE;
    } catch (IOException e) {
      return Outcome.GIT;
    } finally {
      for (Path lock : locks) {
        if (lock != null) {
          Snapshots.deleteQuietly(lock);
        }
      }
    }
  }

  private Path ref(String name) {
    return commonDir.resolve(name);
  }

  /**
   * {@code <ref>.lock}, created exclusively; null where it cannot be had: held by someone else
   * (unless {@link #STALE_LOCK} old), or a file where a directory of the ref's name must be.
   */
  private Path lock(String name) throws IOException {
    Path ref = ref(name);
    Path lock = ref.resolveSibling(ref.getFileName() + ".lock");
    for (int attempt = 0; attempt < 3; attempt++) {
      try {
        Files.createDirectories(ref.getParent());
        Files.createFile(lock);
        return lock;
      } catch (FileAlreadyExistsException held) {
        if (held.getFile() != null && !held.getFile().equals(lock.toString())) {
          return null; // a file where a directory must be: a ref of that name
        }
        if (!stale(lock)) {
          return null;
        }
        Snapshots.deleteQuietly(lock);
      } catch (NoSuchFileException removedMeanwhile) {
        // git removed an empty directory on the way (deleting another ref): again
      } catch (java.nio.file.FileSystemException notADirectory) {
        return null;
      }
    }
    return null;
  }

  private boolean stale(Path lock) {
    try {
      BasicFileAttributes a =
          Files.readAttributes(lock, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      return a.isRegularFile()
          // the file system's clock, not the one commits are dated by (a test's may stand still)
          && a.lastModifiedTime().toInstant().isBefore(java.time.Instant.now().minus(STALE_LOCK));
    } catch (IOException gone) {
      return true; // released meanwhile: try again
    }
  }

  /** A ref's value now, or that git must read it. */
  private record Current(String id, boolean gitMust) {}

  private Current current(String name) throws IOException {
    Path file = ref(name);
    if (Files.isDirectory(file, LinkOption.NOFOLLOW_LINKS)) {
      return new Current(null, true); // refs below this name: a conflict git reports
    }
    try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
      String content = new String(in.readNBytes(256), StandardCharsets.US_ASCII).strip();
      return Refs.isObjectId(content) ? new Current(content, false) : new Current(null, true);
    } catch (NoSuchFileException notLoose) {
      return packed(name);
    }
  }

  /** {@code name} in {@code packed-refs}; git must judge a packed ref in its way, or below it. */
  private Current packed(String name) throws IOException {
    Path file = commonDir.resolve("packed-refs");
    BasicFileAttributes a;
    try {
      a = Files.readAttributes(file, BasicFileAttributes.class);
    } catch (NoSuchFileException none) {
      return new Current(null, false);
    }
    if (packed == null || !packed.sameFile(a)) {
      packed = Packed.read(file, a);
    }
    TreeMap<String, String> refs = packed.refs();
    for (int slash = name.indexOf('/'); slash >= 0; slash = name.indexOf('/', slash + 1)) {
      if (refs.containsKey(name.substring(0, slash))) {
        return new Current(null, true);
      }
    }
    String below = refs.ceilingKey(name + "/");
    if (below != null && below.startsWith(name + "/")) {
      return new Current(null, true);
    }
    return new Current(refs.get(name), false);
  }

  /** {@code packed-refs} parsed: each ref's id (peeled lines and the header skipped). */
  private record Packed(Object key, long size, long modified, TreeMap<String, String> refs) {
    static Packed read(Path file, BasicFileAttributes a) throws IOException {
      TreeMap<String, String> refs = new TreeMap<>();
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        int space = line.indexOf(' ');
        if (!line.startsWith("#") && !line.startsWith("^") && space > 0) {
          refs.put(line.substring(space + 1), line.substring(0, space));
        }
      }
      return new Packed(a.fileKey(), a.size(), a.lastModifiedTime().toMillis(), refs);
    }

    boolean sameFile(BasicFileAttributes a) {
      return Objects.equals(key, a.fileKey())
          && size == a.size()
          && modified == a.lastModifiedTime().toMillis();
    }
  }

  private void write(Path lock, byte[] content) throws IOException {
    // a FileOutputStream, not a channel: an interrupted caller still gets its ref written
    try (FileOutputStream out = new FileOutputStream(lock.toFile())) {
      out.write(content);
      if (fsync) {
        out.getFD().sync();
      }
    }
  }

  /** Appends to the ref's log where it has one, or is to get one, as git words a log line. */
  private void log(Update u, String before, String message) throws IOException {
    Path log = commonDir.resolve("logs").resolve(u.ref());
    boolean exists = Files.isRegularFile(log, LinkOption.NOFOLLOW_LINKS);
    if (!exists && !u.log() && !logAll) {
      return;
    }
    String line =
        (before == null ? "0".repeat(u.to().length()) : before)
            + " "
            + u.to()
            + " "
            + IDENTITY
            + " "
            + clock.instant().getEpochSecond()
            + " +0000\t"
            + message
            + "\n";
    Files.createDirectories(log.getParent());
    try (FileOutputStream out = new FileOutputStream(log.toFile(), true)) {
      out.write(line.getBytes(StandardCharsets.UTF_8));
    }
  }
}
