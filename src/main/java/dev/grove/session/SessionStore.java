package dev.grove.session;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;

/**
 * One session file, open: its tree, queries over it, and appends to it.
 *
 * <p>Append-only and safe for many threads and processes. An append returns once its whole line is
 * written and (under {@link Durability#FSYNC}) fsynced; appends from concurrent threads are written
 * and fsynced together (group commit) by this store's I/O thread, which holds an OS lock on {@code
 * <file>.lock} around each batch and first reads what other processes appended, so parents and lane
 * heads are resolved against the whole file. A crash leaves at most one incomplete last line:
 * readers skip it with a warning; the next append moves it to {@code <file>.torn} and truncates it
 * away. Complete lines are never rewritten.
 *
 * <p>Opening reads the file once into an index of offsets (no content is held); entries are read
 * from disk when asked for. Queries see what this store has read: its own appends at once, other
 * processes' after {@link #refresh()} or their next append through this store.
 */
public final class SessionStore implements AutoCloseable {

  /**
   * How a store writes: durability, the clock for timestamps, and the source of entry ids; and the
   * file its messages name ({@code shownAs}, null for the file itself: another tool's session is
   * read from a converted copy, but what the user gave is the file to name).
   */
  public record Options(Durability durability, Clock clock, RandomGenerator ids, Path shownAs) {
    public Options {
      Objects.requireNonNull(durability, "durability");
      Objects.requireNonNull(clock, "clock");
      Objects.requireNonNull(ids, "ids");
    }

    public Options(Durability durability, Clock clock, RandomGenerator ids) {
      this(durability, clock, ids, null);
    }

    /**
     * Durable appends, the system clock, and ids from a fast generator seeded unpredictably when
     * the first id is drawn (a store that only reads never sets up {@code SecureRandom}: a good
     * part of a short command's start).
     */
    public static Options defaults() {
      return new Options(Durability.FSYNC, Clock.systemUTC(), new SeededOnFirstUse());
    }

    /** A {@link java.util.SplittableRandom} seeded from {@code SecureRandom} on first use. */
    private static final class SeededOnFirstUse implements RandomGenerator {
      private java.util.SplittableRandom random;

      @Override
      public synchronized long nextLong() {
        if (random == null) {
          random = new java.util.SplittableRandom(new java.security.SecureRandom().nextLong());
        }
        return random.nextLong();
      }
    }

    public Options withDurability(Durability d) {
      return new Options(d, clock, ids, shownAs);
    }

    public Options withClock(Clock c) {
      return new Options(durability, c, ids, shownAs);
    }

    /** Messages name {@code file} instead of the file read. */
    public Options shownAs(Path file) {
      return new Options(durability, clock, ids, file);
    }
  }

  private final Path file;
  private final Options options;
  private final ReadChannel reader;
  private final ReentrantReadWriteLock indexLock = new ReentrantReadWriteLock();
  private final EntryIndex index;
  private final SessionHeader header;
  private final List<String> warnings = Collections.synchronizedList(new ArrayList<>());
  private final Appender appender;

  private SessionStore(
      Path file,
      Options options,
      ReadChannel reader,
      EntryIndex index,
      SessionHeader header,
      long scannedEnd,
      int nextLine) {
    this.file = file;
    this.options = options;
    this.reader = reader;
    this.index = index;
    this.header = header;
    this.appender =
        new Appender(file, options, reader, index, indexLock, warnings, scannedEnd, nextLine);
  }

  // ---------------------------------------------------------------- opening

  /** Creates a new session file with a fresh id; fails if the file exists. */
  public static SessionStore create(Path file, String cwd) {
    return create(file, cwd, Options.defaults());
  }

  public static SessionStore create(Path file, String cwd, Options options) {
    return create(
        file,
        new SessionHeader(
            SessionHeader.FORMAT_VERSION,
            newSessionId(options),
            options.clock().instant().truncatedTo(ChronoUnit.MILLIS),
            cwd,
            null),
        options);
  }

  /** Creates a new session file with the given header; fails if the file exists. */
  public static SessionStore create(Path file, SessionHeader header, Options options) {
    try {
      Path parent = file.toAbsolutePath().getParent();
      Files.createDirectories(parent);
      try (FileChannel ch =
          FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        ch.write(ByteBuffer.wrap(EntryCodec.encodeHeader(header)));
        if (options.durability() == Durability.FSYNC) {
          ch.force(true);
        }
      }
      if (options.durability() == Durability.FSYNC) {
        syncDirectory(parent);
      }
    } catch (FileAlreadyExistsException e) {
      throw new SessionException(
          "session file " + file + " already exists (choose another name, or open it)");
    } catch (IOException e) {
      throw new SessionException.Io("cannot create session file " + file, e);
    }
    return open(file, options);
  }

  /**
   * Creates a new session file, with a fresh id, that records where it came from ({@code from}, or
   * null), whose first entry is {@code first} (a root, given an id none of {@code entries} has) and
   * which goes on with {@code entries} (ids, parents, lanes and times as given), then opens it. The
   * file appears whole or not at all: it is written and synced beside {@code file}, read back
   * (every entry checked as any session file is), and only then moved into place. Fails if the file
   * exists.
   *
   * @throws SessionException.Corrupt when the entries do not make a valid session (nothing is left)
   */
  public static SessionStore create(
      Path file,
      String cwd,
      SessionHeader.ForkedFrom from,
      Draft first,
      List<Entry> entries,
      Options options) {
    if (!(first.parent() instanceof Parent.Root) || first.lane() == null) {
      throw new IllegalArgumentException("the first entry must be a root with a lane");
    }
    if (Files.exists(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      throw new SessionException(
          "session file " + file + " already exists (choose another name, or open it)");
    }
    Instant now = options.clock().instant().truncatedTo(ChronoUnit.MILLIS);
    SessionHeader header =
        new SessionHeader(SessionHeader.FORMAT_VERSION, newSessionId(options), now, cwd, from);
    Set<String> taken = new HashSet<>();
    entries.forEach(e -> taken.add(e.id()));
    Entry head =
        new Entry(
            freshId(options.ids(), taken),
            null,
            now,
            first.lane(),
            first.contextRoot(),
            first.body(),
            0);
    try {
      writeWhole(
          file,
          ch -> {
            ch.write(ByteBuffer.wrap(EntryCodec.encodeHeader(header)));
            ch.write(ByteBuffer.wrap(EntryCodec.encode(head)));
            for (Entry e : entries) {
              ch.write(ByteBuffer.wrap(EntryCodec.encode(e)));
            }
          },
          true);
    } catch (IOException e) {
      throw new SessionException.Io("cannot create session file " + file, e);
    }
    return open(file, options);
  }

  /** Writes the lines of a new file. */
  @FunctionalInterface
  private interface Lines {
    void write(FileChannel ch) throws IOException;
  }

  /**
   * Writes a new file whole: under a hidden name beside {@code file}, synced, read back as a
   * session when {@code check} (its problems thrown), then moved into place and its directory
   * synced. Nothing is left behind when any step fails.
   */
  private static void writeWhole(Path file, Lines lines, boolean check) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    Path tmp =
        file.resolveSibling(
            "."
                + file.getFileName()
                + ".tmp-"
                + Long.toHexString(java.util.concurrent.ThreadLocalRandom.current().nextLong()));
    try {
      Files.createDirectories(parent);
      try (FileChannel ch =
          FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        lines.write(ch);
        ch.force(true);
      }
      if (check) {
        ValidationReport report = validate(tmp);
        if (!report.problems().isEmpty()) {
          throw new SessionException.Corrupt(file, report.problems());
        }
      }
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
      syncDirectory(parent);
    } finally {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException ignored) {
        // best effort: a hidden temporary file beside the session
      }
    }
  }

  /** An entry id from {@code ids} that {@code taken} does not hold; added to it. */
  private static String freshId(RandomGenerator ids, Set<String> taken) {
    String id;
    do {
      id = IdTable.unpack(ids.nextInt() & 0xffffffffL);
    } while (!taken.add(id));
    return id;
  }

  public static SessionStore open(Path file) {
    return open(file, Options.defaults());
  }

  /**
   * Opens an existing session file and reads its index. Throws {@link SessionException.Corrupt}
   * listing every problem when the file is not a valid session.
   */
  public static SessionStore open(Path file, Options options) {
    return open(file, options, null);
  }

  /**
   * Opens a session file in another tool's format, read in place through {@code dialect} (null:
   * grove's own), as {@link #open(Path, Options)} does. Such a store is read-only: an append, a
   * label or a head move is refused.
   */
  public static SessionStore open(Path file, Options options, Dialect dialect) {
    ReadChannel reader = null;
    try {
      reader = new ReadChannel(file);
      List<Problem> problems = new ArrayList<>();
      Loaded loaded = load(file, reader, problems, false, dialect);
      if (!problems.isEmpty()) {
        throw new SessionException.Corrupt(shown(file, options), problems);
      }
      SessionStore store =
          new SessionStore(
              file, options, reader, loaded.index, loaded.header, loaded.end, loaded.nextLine);
      store.warnings.addAll(loaded.warnings);
      if (loaded.tail.length > 0) {
        store.refresh(); // look again under the lock: another process may be writing that line now
      }
      return store;
    } catch (NoSuchFileException e) {
      closeQuietly(reader);
      throw new SessionException("session file " + shown(file, options) + " does not exist");
    } catch (IOException e) {
      closeQuietly(reader);
      throw new SessionException.Io("cannot read session file " + shown(file, options), e);
    } catch (RuntimeException e) {
      closeQuietly(reader);
      throw e;
    }
  }

  /** Reads only the header of a session file (cheap for any size of file). */
  public static SessionHeader readHeader(Path file) {
    try (ReadChannel reader = new ReadChannel(file)) {
      long size = reader.size();
      byte[] first = readFirstLine(reader, size);
      if (first == null) {
        throw new SessionException.Corrupt(
            file,
            List.of(
                new Problem(
                    1,
                    size == 0
                        ? "the file is empty: it has no session header"
                        : "the header line is incomplete")));
      }
      return EntryCodec.decodeHeader(first, 0, first.length - 1);
    } catch (EntryCodec.BadLine bad) {
      throw new SessionException.Corrupt(file, List.of(new Problem(1, bad.getMessage())));
    } catch (NoSuchFileException e) {
      throw new SessionException("session file " + file + " does not exist");
    } catch (IOException e) {
      throw new SessionException.Io("cannot read session file " + file, e);
    }
  }

  /** Checks every line of a file, parsing each in full, and reports every problem found. */
  public static ValidationReport validate(Path file) {
    try (ReadChannel reader = new ReadChannel(file)) {
      List<Problem> problems = new ArrayList<>();
      Loaded loaded = load(file, reader, problems, true, null);
      return new ValidationReport(
          file,
          loaded.header,
          loaded.index == null ? 0 : loaded.index.size(),
          loaded.index == null ? 0 : loaded.index.laneCount(),
          problems,
          loaded.warnings);
    } catch (NoSuchFileException e) {
      throw new SessionException("session file " + file + " does not exist");
    } catch (IOException e) {
      throw new SessionException.Io("cannot read session file " + file, e);
    }
  }

  private record Loaded(
      SessionHeader header,
      EntryIndex index,
      long end,
      int nextLine,
      byte[] tail,
      List<String> warnings) {}

  private static Loaded load(
      Path file, ReadChannel reader, List<Problem> problems, boolean fullParse, Dialect dialect)
      throws IOException {
    long size = reader.size();
    List<String> warnings = new ArrayList<>();
    byte[] first = readFirstLine(reader, size);
    if (first == null) {
      problems.add(
          new Problem(
              1,
              size == 0
                  ? "the file is empty: it has no session header"
                  : "the header line is incomplete (the file was cut short while it was being created)"));
      return new Loaded(null, null, 0, 1, new byte[0], warnings);
    }
    SessionHeader header;
    String malformed = new LineScanner().scan(first, 0, first.length - 1);
    if (malformed != null) {
      problems.add(new Problem(1, "the header is not valid JSON (" + malformed + ")"));
      return new Loaded(null, null, 0, 1, new byte[0], warnings);
    }
    try {
      byte[] groveFirst = first;
      if (dialect != null) {
        String line = new String(first, 0, first.length - 1, StandardCharsets.UTF_8);
        groveFirst = (dialect.header(line) + "\n").getBytes(StandardCharsets.UTF_8);
      }
      header = EntryCodec.decodeHeader(groveFirst, 0, groveFirst.length - 1);
    } catch (Dialect.Unreadable bad) {
      problems.add(new Problem(1, bad.getMessage()));
      return new Loaded(null, null, 0, 1, new byte[0], warnings);
    } catch (EntryCodec.BadLine bad) {
      problems.add(new Problem(1, bad.getMessage()));
      return new Loaded(null, null, 0, 1, new byte[0], warnings);
    }
    if (header.version() > SessionHeader.FORMAT_VERSION) {
      warnings.add(
          file
              + ": written in format version "
              + header.version()
              + " by a newer grove (this one reads "
              + SessionHeader.FORMAT_VERSION
              + "); parts it does not know are kept but ignored");
    }
    EntryIndex index = new EntryIndex(dialect);
    // sized for ~1 KB an entry, so a large file's id table does not rehash as it fills
    index.ids.expect((int) Math.min(size / 1024, 1 << 24));
    Loader loader = new Loader(index, problems, fullParse);
    Loader.Result r;
    try {
      r = loader.scan(reader, first.length, 2, size);
    } catch (Loader.LineTooLong e) {
      problems.add(new Problem(e.line, e.getMessage() + "; not a session entry"));
      return new Loaded(header, index, 0, 1, new byte[0], warnings);
    }
    loader.finish();
    if (r.tail().length > 0 && fullParse) {
      warnings.add(tornWarning(file, r.nextLine(), r.tail()));
    }
    return new Loaded(header, index, r.end(), r.nextLine(), r.tail(), warnings);
  }

  private static byte[] readFirstLine(ReadChannel reader, long size) throws IOException {
    int chunk = 4096;
    byte[] buf = new byte[0];
    long pos = 0;
    while (pos < size) {
      int want = (int) Math.min(chunk, size - pos);
      byte[] next = new byte[want];
      int n = reader.readFully(ByteBuffer.wrap(next), pos);
      int nl = LineScanner.indexOfNewline(next, 0, n);
      if (nl >= 0) {
        byte[] out = Arrays.copyOf(buf, buf.length + nl + 1);
        System.arraycopy(next, 0, out, buf.length, nl + 1);
        return out;
      }
      buf = Arrays.copyOf(buf, buf.length + n);
      System.arraycopy(next, 0, buf, buf.length - n, n);
      pos += n;
      if (buf.length > (1 << 20)) {
        return null;
      }
    }
    return null;
  }

  static String tornWarning(Path file, int line, byte[] tail) {
    return file
        + " line "
        + line
        + ": the last line is incomplete ("
        + tail.length
        + " bytes, left by a crash while it was written); it is skipped, and the next append moves it to "
        + tornFile(file).getFileName();
  }

  static Path lockFile(Path file) {
    return file.resolveSibling(file.getFileName() + ".lock");
  }

  static Path tornFile(Path file) {
    return file.resolveSibling(file.getFileName() + ".torn");
  }

  private static String newSessionId(Options options) {
    // time-ordered (UUIDv7 layout) so session ids sort by creation
    long ms = options.clock().millis();
    java.util.concurrent.ThreadLocalRandom rnd = java.util.concurrent.ThreadLocalRandom.current();
    long hi = (ms << 16) | 0x7000L | (rnd.nextInt() & 0x0fffL);
    long lo = (rnd.nextLong() & 0x3fffffffffffffffL) | 0x8000000000000000L;
    return new UUID(hi, lo).toString();
  }

  // ---------------------------------------------------------------- basics

  public Path file() {
    return file;
  }

  /** The file this store's messages name: {@link #file()} unless opened {@link Options#shownAs}. */
  public Path shown() {
    return shown(file, options);
  }

  private static Path shown(Path file, Options options) {
    return options.shownAs() != null ? options.shownAs() : file;
  }

  public SessionHeader header() {
    return header;
  }

  /**
   * Things worth telling the user that did not stop the store from working (e.g. a repaired line).
   */
  public List<String> warnings() {
    synchronized (warnings) {
      return List.copyOf(warnings);
    }
  }

  /** How many batches of appends this store has written (and, under FSYNC, fsynced). */
  public long batchesWritten() {
    return appender.batchesWritten();
  }

  /** How many entries (of every type) the store has read. */
  public int size() {
    return read(index::size);
  }

  // ---------------------------------------------------------------- appending

  /**
   * Appends an entry and returns it with its id. Returns only after the line is written (and
   * fsynced, under the default durability). Safe to call from many threads; not interruptible (an
   * interrupt stays set for the caller).
   */
  public Entry append(Draft draft) {
    Objects.requireNonNull(draft, "draft");
    if (index.dialect != null) {
      throw new SessionException(
          "session file "
              + shown()
              + " is a "
              + index.dialect.tool()
              + " session: grove never writes into another tool's file");
    }
    return appender.append(draft);
  }

  /**
   * Reads what other processes appended since this store last looked. An incomplete last line is
   * checked under the lock, so a line being written right now is not mistaken for a torn one.
   */
  public void refresh() {
    appender.refresh();
  }

  // ---------------------------------------------------------------- queries

  /** The index; only under {@link #read}. */
  EntryIndex index() {
    return index;
  }

  /** The entry with this id, read from disk. */
  public Entry entry(String id) {
    int no = read(() -> index.find(id));
    if (no < 0) {
      throw new SessionException.NoSuchEntry("no entry " + id + " in session file " + shown());
    }
    return readEntries(new int[] {no}).get(0);
  }

  public boolean contains(String id) {
    return read(() -> index.find(id) >= 0);
  }

  /**
   * The full id of an entry named by its id or a unique prefix of it (at least 4 characters), or by
   * its label.
   */
  public String resolve(String idOrPrefix) {
    return read(
        () -> {
          if (index.find(idOrPrefix) >= 0) {
            return idOrPrefix;
          }
          List<String> matches = new ArrayList<>();
          if (idOrPrefix.length() >= 4) {
            for (int i = 0; i < index.size() && matches.size() < 5; i++) {
              String id = index.id(i);
              if (id.startsWith(idOrPrefix)) {
                matches.add(id);
              }
            }
          }
          if (matches.isEmpty()) {
            for (Map.Entry<Integer, String> l : index.labels().entrySet()) {
              if (l.getValue().equals(idOrPrefix)) {
                matches.add(index.id(l.getKey()));
              }
            }
          }
          if (matches.size() == 1) {
            return matches.get(0);
          }
          if (matches.isEmpty()) {
            throw new SessionException.NoSuchEntry(
                "no entry "
                    + idOrPrefix
                    + " in session file "
                    + shown()
                    + (idOrPrefix.length() < 4 ? " (give at least 4 characters of an id)" : ""));
          }
          throw new SessionException.NoSuchEntry(
              "'"
                  + idOrPrefix
                  + "' names several entries ("
                  + String.join(", ", matches)
                  + (matches.size() == 5 ? ", …" : "")
                  + "); give more of the id");
        });
  }

  public Node node(String id) {
    return read(() -> node(requireNo(id)));
  }

  /** The tree children of an entry, in the order they were appended. */
  public List<Node> children(String id) {
    return read(() -> nodes(index.children(requireNo(id))));
  }

  /** The nodes from the root down to {@code id}, inclusive. */
  public List<Node> path(String id) {
    return read(() -> nodes(index.path(requireNo(id))));
  }

  /** Nodes without children, in file order. */
  public List<Node> leaves() {
    return read(() -> filter(i -> index.isNode(i) && index.childCount(i) == 0));
  }

  /** Nodes with more than one child, in file order. */
  public List<Node> branchPoints() {
    return read(() -> filter(i -> index.childCount(i) > 1));
  }

  /**
   * Each lane's head (its last entry, or where a head entry moved it), in the order lanes began.
   */
  public Map<String, String> laneHeads() {
    return read(
        () -> {
          Map<String, String> heads = new LinkedHashMap<>();
          for (int l = 0; l < index.laneCount(); l++) {
            int h = index.laneHead(l);
            if (h >= 0) {
              heads.put(index.laneName(l), index.id(h));
            }
          }
          return heads;
        });
  }

  public Optional<String> laneHead(String lane) {
    return read(
        () -> {
          int l = index.existingLane(lane);
          int h = l < 0 ? -1 : index.laneHead(l);
          return h < 0 ? Optional.<String>empty() : Optional.of(index.id(h));
        });
  }

  /** Current labels: entry id → label. */
  public Map<String, String> labels() {
    return read(
        () -> {
          Map<String, String> out = new LinkedHashMap<>();
          index.labels().forEach((no, text) -> out.put(index.id(no), text));
          return out;
        });
  }

  /** Every node of the tree in file order, without reading content (streams; holds no list). */
  public void forEachNode(Consumer<Node> action) {
    int n = size();
    for (int start = 0; start < n; start += 4096) {
      int from = start;
      List<Node> chunk = read(() -> filter(from, Math.min(n, from + 4096), index::isNode));
      chunk.forEach(action);
    }
  }

  /** Full entries for these ids, read from disk in one pass. */
  public List<Entry> entries(List<String> ids) {
    int[] nos = read(() -> ids.stream().mapToInt(this::requireNo).toArray());
    return readEntries(nos);
  }

  /**
   * What a model would be sent at this entry: the messages on the path from the root (or the
   * nearest {@code contextRoot} entry) down to it, in order, with summaries applied. A compaction
   * summary replaces the entries it covers; a branch summary stands where it is. Summaries appear
   * as user messages; other entry types are left out. Linear in the length of the path.
   *
   * <p>The list is resolved at once from the index, but message contents are read from disk as it
   * is accessed, a chunk of a few megabytes at a time, in file order with large sequential reads: a
   * context of any depth is cheap to make, and walking it holds one chunk in memory. Every element
   * is an entry whose body is a {@link Body.Message}. Access from one thread at a time is cheapest
   * (the list is safe for several).
   */
  public List<Entry> context(String id) {
    ContextBuilder.PathInfo info =
        read(
            () -> {
              int target = requireNo(id);
              int depth = 0;
              for (int p = target; p >= 0; p = index.parent(p)) {
                depth++;
                if (index.contextRoot(p)) {
                  break;
                }
              }
              int[] path = new int[depth];
              byte[] kinds = new byte[depth];
              byte[] roles = new byte[depth];
              int[] lengths = new int[depth];
              for (int p = target, k = depth; k > 0; p = index.parent(p)) {
                k--;
                path[k] = p;
                kinds[k] = index.kind(p);
                roles[k] = index.role(p);
                lengths[k] = index.length(p);
              }
              return new ContextBuilder.PathInfo(path, kinds, roles, lengths);
            });
    // a reader (and its buffer) for each read at once: the list reads ahead on other threads
    java.util.concurrent.ConcurrentLinkedQueue<EntryReader> readers =
        new java.util.concurrent.ConcurrentLinkedQueue<>();
    return ContextBuilder.build(
        info,
        nos -> {
          EntryReader r = readers.poll();
          if (r == null) {
            r = new EntryReader(index.dialect);
          }
          try {
            return readEntries(r, nos);
          } finally {
            readers.offer(r);
          }
        },
        ref -> read(() -> index.find(ref)));
  }

  /** The context at the head of a lane (empty for a lane with no entries). */
  public List<Entry> contextOfLane(String lane) {
    Optional<String> head = laneHead(lane);
    return head.isEmpty() ? List.of() : context(head.get());
  }

  /**
   * Copies the path from the root to {@code entryId} into a new session file whose header records
   * where it came from. The lines are copied byte for byte (unknown fields and types included), and
   * the labels of entries on the path are carried over; from a file read through a {@link Dialect},
   * each entry is written in grove's form. Fails if {@code out} exists.
   */
  public SessionHeader fork(String entryId, Path out) {
    int[] path = read(() -> index.path(requireNo(entryId)));
    if (Files.exists(out)) {
      throw new SessionException("cannot fork into " + out + ": it already exists");
    }
    SessionHeader forked =
        new SessionHeader(
            SessionHeader.FORMAT_VERSION,
            newSessionId(options),
            options.clock().instant().truncatedTo(ChronoUnit.MILLIS),
            header.cwd(),
            new SessionHeader.ForkedFrom(shown().toString(), header.id(), entryId));
    try {
      writeWhole(
          out,
          ch -> {
            ch.write(ByteBuffer.wrap(EntryCodec.encodeHeader(forked)));
            if (index.dialect == null) {
              copyLines(path, ch);
            } else { // another tool's lines: their grove form
              for (Entry e : readEntries(path)) {
                ch.write(ByteBuffer.wrap(EntryCodec.encode(e)));
              }
            }
            Map<Integer, String> labels = read(() -> new LinkedHashMap<>(index.labels()));
            Set<String> copied = new HashSet<>();
            for (int no : path) {
              copied.add(read(() -> index.id(no)));
            }
            Instant now = options.clock().instant().truncatedTo(ChronoUnit.MILLIS);
            for (Map.Entry<Integer, String> l : labels.entrySet()) {
              String target = read(() -> index.id(l.getKey()));
              if (copied.contains(target)) {
                String lane = read(() -> index.laneName(index.lane(l.getKey())));
                Entry label =
                    new Entry(
                        freshId(java.util.concurrent.ThreadLocalRandom.current(), copied),
                        target,
                        now,
                        lane,
                        false,
                        new Body.Label(target, l.getValue()),
                        0);
                ch.write(ByteBuffer.wrap(EntryCodec.encode(label)));
              }
            }
          },
          false);
    } catch (IOException e) {
      throw new SessionException.Io("cannot fork " + shown() + " into " + out, e);
    }
    return forked;
  }

  private void copyLines(int[] nos, FileChannel out) throws IOException {
    for (int no : nos) {
      long off = read(() -> index.offset(no));
      int len = read(() -> index.length(no));
      ByteBuffer b = ByteBuffer.allocate(len + 1);
      reader.readFully(b.limit(len), off);
      b.limit(len + 1).put(len, (byte) '\n');
      b.position(0);
      while (b.hasRemaining()) {
        out.write(b);
      }
    }
  }

  /** Reads and parses the entries with these numbers (in any order), one pass over the file. */
  List<Entry> readEntries(int[] nos) {
    return readEntries(new EntryReader(index.dialect), nos);
  }

  /** {@link #readEntries(int[])} with a reader (and its buffer) to reuse. */
  List<Entry> readEntries(EntryReader entryReader, int[] nos) {
    long[] offs = new long[nos.length];
    int[] lens = new int[nos.length];
    int[] lines = new int[nos.length];
    read(
        () -> {
          for (int i = 0; i < nos.length; i++) {
            offs[i] = index.offset(nos[i]);
            lens[i] = index.length(nos[i]);
            lines[i] = index.line(nos[i]);
          }
          return null;
        });
    try {
      return entryReader.read(reader, offs, lens, lines);
    } catch (IOException e) {
      throw new SessionException.Io("cannot read session file " + shown(), e);
    } catch (EntryReader.Bad bad) {
      throw new SessionException.Corrupt(shown(), List.of(bad.problem));
    }
  }

  private int requireNo(String id) {
    int no = index.find(id);
    if (no < 0) {
      throw new SessionException.NoSuchEntry("no entry " + id + " in session file " + shown());
    }
    return no;
  }

  private Node node(int i) {
    int p = index.parent(i);
    return new Node(
        index.id(i),
        p < 0 ? null : index.id(p),
        index.type(i),
        index.laneName(index.lane(i)),
        EntryIndex.role(index.role(i)),
        index.line(i),
        index.childCount(i));
  }

  private List<Node> nodes(int[] nos) {
    List<Node> out = new ArrayList<>(nos.length);
    for (int no : nos) {
      out.add(node(no));
    }
    return out;
  }

  private List<Node> filter(java.util.function.IntPredicate p) {
    return filter(0, index.size(), p);
  }

  private List<Node> filter(int from, int to, java.util.function.IntPredicate p) {
    List<Node> out = new ArrayList<>();
    for (int i = from; i < to; i++) {
      if (p.test(i)) {
        out.add(node(i));
      }
    }
    return out;
  }

  // ---------------------------------------------------------------- helpers

  /** Runs a query over the index under its read lock (for the package's own readers). */
  <T> T read(java.util.function.Supplier<T> query) {
    indexLock.readLock().lock();
    try {
      return query.get();
    } finally {
      indexLock.readLock().unlock();
    }
  }

  private static void syncDirectory(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // not every file system lets a directory be fsynced; the file itself is
    }
  }

  private static void closeQuietly(AutoCloseable... resources) {
    for (AutoCloseable r : resources) {
      if (r != null) {
        try {
          r.close();
        } catch (Exception ignored) {
          // closing after a failure; the failure is what matters
        }
      }
    }
  }

  /** Waits for appends already made to finish, then releases the file. */
  @Override
  public void close() {
    appender.close();
    closeQuietly(reader);
  }
}
