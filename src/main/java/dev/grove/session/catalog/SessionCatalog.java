package dev.grove.session.catalog;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;

/**
 * Session files of grove, pi, Claude Code and Codex, listed and searched through an index of what
 * was read of each: its tool, entries, first user message, labels and last timestamp, and a trigram
 * filter of its message text (see {@link Bloom}). The index is a cache in one file (typically
 * {@code GROVE_HOME/index/sessions.idx}), keyed by each file's path, size, modification time and
 * file key (inode):
 *
 * <ul>
 *   <li>a file unchanged is not read at all;
 *   <li>a file that only grew (same file key, larger, and the first and last 4 KB of what was read
 *       unchanged) is read from where the index stopped — session files are append-only;
 *   <li>anything else is read again from its start.
 * </ul>
 *
 * <p>Files are read line by line in bounded memory: a line longer than {@link #LINE_CAP} is counted
 * and only its first {@code LINE_CAP} bytes are looked at. The index is written whole to a
 * temporary file and moved into place, so a crash leaves the old index or the new one; two
 * processes saving at once each write a complete index, and the last move wins. An index that is
 * damaged or of another version is discarded and rebuilt. Not thread-safe.
 */
public final class SessionCatalog {
  public static final int LINE_CAP = 1 << 20;
  static final int FINGERPRINT = 4096;
  private static final long MAGIC = 0x67726f7665494458L; // "groveIDX"
  private static final int VERSION = 1;

  private final Path indexFile;
  private final int cap;
  private final Map<String, FileState> states;
  private final String discarded;
  private boolean dirty;

  private SessionCatalog(Path indexFile, int cap, Map<String, FileState> states, String discarded) {
    this.indexFile = indexFile;
    this.cap = cap;
    this.states = states;
    this.discarded = discarded;
  }

  /** The catalog whose index is {@code indexFile} (absent, damaged or old: an empty one). */
  public static SessionCatalog open(Path indexFile) {
    return open(indexFile, LINE_CAP);
  }

  static SessionCatalog open(Path indexFile, int cap) {
    Map<String, FileState> states = new HashMap<>();
    String discarded = null;
    try {
      load(indexFile, states);
    } catch (NoSuchFileException e) {
      // no index yet
    } catch (IOException | RuntimeException e) {
      states.clear();
      discarded = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
    return new SessionCatalog(indexFile, cap, states, discarded);
  }

  /** A catalog that ignores what its index holds and reads every file again ({@code --reindex}). */
  public static SessionCatalog fresh(Path indexFile) {
    return new SessionCatalog(indexFile, LINE_CAP, new HashMap<>(), null);
  }

  /** Why the index on disk was discarded (damaged, another version); null when it was not. */
  public String discarded() {
    return discarded;
  }

  /** Told after each file read (not after one the index had): files done of all, bytes read. */
  public interface Progress {
    void read(int done, int total, long bytes);
  }

  /**
   * What a refresh found, and what it read to find it.
   *
   * @param sessions newest first
   * @param reused files the index had as they are (not read)
   * @param appended files read only from where the index stopped
   * @param reread files read from their start (new, replaced, truncated, rewritten)
   * @param bytesRead bytes read from session files
   */
  public record Listing(
      List<Summary> sessions,
      int reused,
      int appended,
      int reread,
      long bytesRead,
      List<String> warnings) {
    public Listing {
      sessions = List.copyOf(sessions);
      warnings = List.copyOf(warnings);
    }
  }

  /**
   * Brings the index up to date with {@code files} and lists them, newest first. A file that cannot
   * be read is a warning and left out; files the index has that no longer exist are forgotten. The
   * files to read are read on up to {@link #READERS} threads (each file's fold is its own).
   */
  public Listing refresh(List<Path> files, Progress progress) {
    List<Summary> out = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    int reused = 0;
    List<Path> toRead = new ArrayList<>();
    List<Future<Read>> reads = new ArrayList<>();
    ExecutorService pool =
        Executors.newFixedThreadPool(
            Math.clamp(Runtime.getRuntime().availableProcessors(), 1, READERS),
            Thread.ofPlatform().name("grove-sessions-", 0).daemon().factory());
    try {
      for (Path file : files) {
        String key = file.toString();
        BasicFileAttributes a;
        try {
          a = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
          warnings.add("cannot read " + file + " (" + Places.reason(e) + "); skipped");
          dirty |= states.remove(key) != null;
          continue;
        }
        if (!a.isRegularFile()) {
          continue;
        }
        FileState old = states.get(key);
        long mtime = a.lastModifiedTime().to(TimeUnit.NANOSECONDS);
        String fileKey = a.fileKey() == null ? null : a.fileKey().toString();
        if (old != null
            && old.size == a.size()
            && old.mtime == mtime
            && Objects.equals(old.fileKey, fileKey)) {
          reused++;
          out.add(summary(file, old));
          continue;
        }
        toRead.add(file);
        reads.add(pool.submit(() -> read(file, old, a.size(), mtime, fileKey)));
      }
      int appended = 0;
      int reread = 0;
      long bytes = 0;
      for (int i = 0; i < reads.size(); i++) {
        Path file = toRead.get(i);
        Read r = reads.get(i).get();
        if (r.failure() != null) {
          warnings.add("cannot read " + file + " (" + Places.reason(r.failure()) + "); skipped");
          dirty |= states.remove(file.toString()) != null;
          continue;
        }
        if (r.appended()) {
          appended++;
        } else {
          reread++;
        }
        bytes += r.bytes();
        states.put(file.toString(), r.state());
        dirty = true;
        out.add(summary(file, r.state()));
        if (progress != null) {
          progress.read(i + 1, reads.size(), bytes);
        }
      }
      dirty |= states.keySet().removeIf(k -> !Files.exists(Path.of(k), LinkOption.NOFOLLOW_LINKS));
      out.sort(
          Comparator.comparing(Summary::lastActivity)
              .reversed()
              .thenComparing(x -> x.file().toString()));
      return new Listing(out, reused, appended, reread, bytes, warnings);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CancellationException("listing sessions was interrupted");
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "reading a session file failed: " + e.getCause(), e.getCause());
    } finally {
      pool.shutdownNow();
    }
  }

  static final int READERS = 4;

  /** What reading one file gave: its new state, or why it could not be read. */
  private record Read(FileState state, boolean appended, long bytes, Exception failure) {}

  /**
   * Reads {@code file}: from where {@code old} stopped when the file only grew since, else from its
   * start. {@code old} is changed only by this call.
   */
  private Read read(Path file, FileState old, long size, long mtime, String fileKey) {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      boolean grew =
          old != null
              && Objects.equals(old.fileKey, fileKey)
              && size > old.size
              && old.offset <= size
              && old.headHash == hash(ch, 0, Math.min(FINGERPRINT, old.offset))
              && old.tailHash == hash(ch, Math.max(0, old.offset - FINGERPRINT), old.offset);
      FileState s = grew ? old : new FileState();
      long bytes = read(ch, s, size);
      s.size = size;
      s.mtime = mtime;
      s.fileKey = fileKey;
      s.headHash = hash(ch, 0, Math.min(FINGERPRINT, s.offset));
      s.tailHash = hash(ch, Math.max(0, s.offset - FINGERPRINT), s.offset);
      return new Read(s, grew, bytes, null);
    } catch (IOException | RuntimeException e) {
      // a file no reader expected (a parser's limit, a bug) is a warning: the rest is listed
      return new Read(null, false, 0, e);
    }
  }

  /** Folds the lines of {@code ch} from {@code s.offset} on into {@code s}; the bytes read. */
  private long read(FileChannel ch, FileState s, long size) throws IOException {
    LineReader r = new LineReader(ch, s.offset, size, cap);
    Fields f = new Fields();
    while (!s.stopped() && r.next()) {
      fold(r, f, s);
      s.offset = r.end();
    }
    return r.bytesRead();
  }

  private FileState.Message fold(LineReader r, Fields f, FileState s) {
    if (blank(r.line(), r.length()) && !r.cut()) {
      s.lines++;
      return null;
    }
    String why = null;
    try {
      f.read(r.line(), r.length());
    } catch (Fields.Damaged d) {
      why = d.getMessage();
    }
    return s.accept(f, why, r.cut(), cap);
  }

  private static boolean blank(byte[] b, int len) {
    for (int i = 0; i < len; i++) {
      if (b[i] != ' ' && b[i] != '\t' && b[i] != '\r') {
        return false;
      }
    }
    return true;
  }

  private Summary summary(Path file, FileState s) {
    List<String> notes = new ArrayList<>(s.notes);
    int problems = s.problems;
    if (s.size == 0) {
      problems++;
      notes.add("the file is empty");
    } else if (s.offset < s.size && !s.stopped()) {
      problems++;
      notes.add("its last line is incomplete (not read until it ends)");
    }
    Instant when =
        s.lastTs != Long.MIN_VALUE
            ? Instant.ofEpochMilli(s.lastTs)
            : Instant.ofEpochSecond(0, s.mtime);
    return new Summary(
        file,
        s.tool,
        when,
        s.size,
        s.entries,
        s.firstUser,
        List.copyOf(new java.util.LinkedHashSet<>(s.labels.values())),
        problems,
        notes);
  }

  /**
   * A search's result.
   *
   * @param candidates sessions whose filter let them through (and were read to confirm)
   */
  public record Search(List<Hit> hits, int candidates, long bytesRead) {
    public Search {
      hits = List.copyOf(hits);
    }
  }

  /**
   * The sessions (of a listing just refreshed) whose user or assistant message text holds {@code
   * text}, ignoring case, in the order given; with the first entry that holds it. Tool calls, tool
   * results, thinking and events are not searched. Only files the filter lets through are read,
   * each up to where the index read it.
   */
  public Search search(List<Summary> sessions, String text) {
    String lower = text.toLowerCase(Locale.ROOT);
    List<Hit> hits = new ArrayList<>();
    int candidates = 0;
    long bytes = 0;
    for (Summary summary : sessions) {
      FileState s = states.get(summary.file().toString());
      if (s == null || !s.bloom.mayContain(lower)) {
        continue;
      }
      candidates++;
      FileState scratch = new FileState();
      try (FileChannel ch = FileChannel.open(summary.file(), StandardOpenOption.READ)) {
        LineReader r = new LineReader(ch, 0, s.offset, cap);
        Fields f = new Fields();
        while (!scratch.stopped() && r.end() < s.offset && r.next()) {
          FileState.Message m = fold(r, f, scratch);
          String snippet = m == null ? null : Text.snippet(m.text(), lower, 80);
          if (snippet != null) {
            hits.add(new Hit(summary, m.entry(), snippet));
            break;
          }
        }
        bytes += r.bytesRead();
      } catch (IOException e) {
        // gone or unreadable since it was listed: no hit
      }
    }
    return new Search(hits, candidates, bytes);
  }

  /**
   * Writes the index if it changed: whole, to a temporary file beside it, moved into place.
   *
   * @throws IOException when it cannot be written (the sessions were still listed)
   */
  public void save() throws IOException {
    if (!dirty) {
      return;
    }
    String[] keys = states.keySet().toArray(new String[0]);
    java.util.Arrays.sort(keys);
    long size = 8 + 4 + 4 + 8;
    for (String k : keys) {
      size += states.get(k).bytes(k);
    }
    if (size > Integer.MAX_VALUE - 16) {
      throw new IOException("the session index would be larger than 2 GB; list fewer files");
    }
    ByteBuffer b = ByteBuffer.allocate((int) size);
    b.putLong(MAGIC).putInt(VERSION).putInt(keys.length);
    for (String k : keys) {
      states.get(k).write(b, k);
    }
    CRC32C crc = new CRC32C();
    crc.update(b.array(), 0, b.position());
    b.putLong(crc.getValue());
    b.flip();
    Files.createDirectories(indexFile.getParent());
    Path tmp =
        indexFile.resolveSibling(
            indexFile.getFileName()
                + ".tmp-"
                + ProcessHandle.current().pid()
                + "-"
                + Thread.currentThread().threadId()
                + "-"
                + Long.toHexString(System.nanoTime()));
    try {
      try (FileChannel ch =
          FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        while (b.hasRemaining()) {
          ch.write(b);
        }
        ch.force(true);
      }
      try {
        Files.move(
            tmp, indexFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, indexFile, StandardCopyOption.REPLACE_EXISTING);
      }
      dirty = false;
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private static void load(Path indexFile, Map<String, FileState> states) throws IOException {
    byte[] all = Files.readAllBytes(indexFile);
    if (all.length < 24) {
      throw new IOException("it is cut short");
    }
    ByteBuffer b = ByteBuffer.wrap(all);
    if (b.getLong() != MAGIC) {
      throw new IOException("it is no session index");
    }
    int version = b.getInt();
    if (version != VERSION) {
      throw new IOException("it is of version " + version + ", not " + VERSION);
    }
    CRC32C crc = new CRC32C();
    crc.update(all, 0, all.length - 8);
    if (crc.getValue() != ByteBuffer.wrap(all, all.length - 8, 8).getLong()) {
      throw new IOException("its checksum does not match (damaged)");
    }
    int n = b.getInt();
    ByteBuffer body = b.slice(b.position(), all.length - 8 - b.position());
    String[] path = new String[1];
    for (int i = 0; i < n; i++) {
      FileState s = FileState.read(body, path);
      states.put(path[0], s);
    }
    if (body.hasRemaining()) {
      throw new IOException("it has bytes after its last file");
    }
  }

  /** CRC-32C of the bytes {@code [from, to)} of the file. */
  private static long hash(FileChannel ch, long from, long to) throws IOException {
    ByteBuffer b = ByteBuffer.allocate((int) (to - from));
    while (b.hasRemaining()) {
      if (ch.read(b, from + b.position()) < 0) {
        return -1; // shorter than it was: no match
      }
    }
    CRC32C crc = new CRC32C();
    b.flip();
    crc.update(b);
    return crc.getValue();
  }

  /** How many files the index holds (for tests and figures). */
  int indexed() {
    return states.size();
  }
}
