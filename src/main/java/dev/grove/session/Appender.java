package dev.grove.session;

import dev.grove.lock.LockFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The end of a session file: the one thread that appends to it, catches up with what other
 * processes appended, and repairs what a crash left.
 *
 * <p>Callers hand it requests and wait (uninterruptibly) for the answer. Its own platform thread
 * takes whatever requests are waiting and handles them as one batch under the file lock: read what
 * others appended, resolve each append's parent and lane head, write all lines with one write,
 * fsync once (group commit), index them. Doing every lock and write on a thread nobody interrupts
 * keeps cancellation of a caller from closing a channel under the others. The thread starts with
 * the first request; a store that is only read never locks or writes.
 */
final class Appender implements AutoCloseable {
  private static final int MAX_BATCH = 4096;

  /**
   * At most this long, the thread waits for writers woken by the last batch to queue their next
   * append.
   */
  private static final long COMMIT_DELAY_NANOS = 200_000;

  private final Path file;
  private final SessionStore.Options options;
  private final ReadChannel reader;
  private final EntryIndex index;
  private final ReentrantReadWriteLock indexLock;
  private final List<String> warnings;
  private final LinkedBlockingQueue<Request> requests = new LinkedBlockingQueue<>();
  private final AtomicLong batchesWritten = new AtomicLong();

  // Owned by the I/O thread once it runs.
  // written by the I/O thread only, read by refresh() on callers' threads
  private volatile long scannedEnd;
  private int nextLine;
  private LockFile lock;
  private FileChannel writer;
  private volatile SessionException broken;

  private Thread io;
  private boolean closed;

  Appender(
      Path file,
      SessionStore.Options options,
      ReadChannel reader,
      EntryIndex index,
      ReentrantReadWriteLock indexLock,
      List<String> warnings,
      long scannedEnd,
      int nextLine) {
    this.file = file;
    this.options = options;
    this.reader = reader;
    this.index = index;
    this.indexLock = indexLock;
    this.warnings = warnings;
    this.scannedEnd = scannedEnd;
    this.nextLine = nextLine;
  }

  long batchesWritten() {
    return batchesWritten.get();
  }

  Entry append(Draft draft) {
    byte[] fragment = EntryCodec.fragment(draft.body(), draft.contextRoot());
    // The line as it will be written, with a stand-in envelope (ids and lanes are checked where
    // they are made): grove never writes a line its readers would refuse.
    String type = draft.body().type();
    EntryRules.checkForWriting(
        EntryCodec.line(
            type, "00000000", null, null, draft.lane() == null ? "main" : draft.lane(), fragment),
        "this " + type + " entry to session file " + file);
    Append request = new Append(draft, fragment, new CompletableFuture<>());
    submit(request);
    return await(request.result);
  }

  void refresh() {
    // Nothing on disk that this store has not indexed (every byte up to scannedEnd is, and it is
    // set only once they are): nothing to catch up on, and no trip through the I/O thread, where
    // the request would wait behind group commits. Agents ask before every model call; with many
    // lanes in one process those waits were a good part of a step. Another process's line being
    // written makes the file longer, and takes the full path.
    if (broken == null) {
      try {
        if (reader.size() == scannedEnd) {
          return;
        }
      } catch (IOException e) {
        // the full path reports it
      }
    }
    Sync request = new Sync(new CompletableFuture<>());
    submit(request);
    await(request.done);
  }

  private static <T> T await(CompletableFuture<T> f) {
    try {
      return f.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof SessionException se) {
        throw rethrown(se);
      }
      throw e;
    }
  }

  private static SessionException rethrown(SessionException se) {
    // the original was made on the I/O thread; give the caller a stack of its own
    SessionException copy =
        switch (se) {
          case SessionException.Corrupt c -> new SessionException.Corrupt(c.file(), c.problems());
          case SessionException.NoSuchEntry n -> new SessionException.NoSuchEntry(n.getMessage());
          case SessionException.InvalidAppend i ->
              new SessionException.InvalidAppend(i.getMessage());
          default -> new SessionException(se.getMessage(), se.getCause());
        };
    copy.addSuppressed(se);
    return copy;
  }

  private sealed interface Request {
    void fail(RuntimeException e);
  }

  private record Append(Draft draft, byte[] fragment, CompletableFuture<Entry> result)
      implements Request {
    @Override
    public void fail(RuntimeException e) {
      result.completeExceptionally(e);
    }
  }

  private record Sync(CompletableFuture<Void> done) implements Request {
    @Override
    public void fail(RuntimeException e) {
      done.completeExceptionally(e);
    }
  }

  private record Stop(CompletableFuture<Void> done) implements Request {
    @Override
    public void fail(RuntimeException e) {
      done.complete(null);
    }
  }

  private synchronized void submit(Request r) {
    if (closed) {
      throw new IllegalStateException("session store " + file + " is closed");
    }
    if (io == null) {
      io =
          Thread.ofPlatform()
              .daemon()
              .name("grove-session-io " + file.getFileName())
              .start(this::loop);
    }
    requests.add(r);
    if (requests.size() >= awaited) {
      notifyAll(); // the I/O thread is waiting for this many to share one fsync
    }
  }

  /**
   * How many queued requests the I/O thread is waiting for before it writes (see {@link #gather}).
   */
  private int awaited = Integer.MAX_VALUE;

  /**
   * Several writers were active in the last batch: give the ones it woke a moment to queue their
   * next append, so they share this fsync instead of each waiting for one of its own. Waits on this
   * object's monitor (not spinning: the writers need the CPU) for at most {@link
   * #COMMIT_DELAY_NANOS}.
   */
  private synchronized void gather(int want) {
    long deadline = System.nanoTime() + COMMIT_DELAY_NANOS;
    awaited = want;
    try {
      long left;
      while (requests.size() < want && (left = deadline - System.nanoTime()) > 0) {
        wait(left / 1_000_000, (int) (left % 1_000_000));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // not expected: nobody interrupts the I/O thread
    } finally {
      awaited = Integer.MAX_VALUE;
    }
  }

  private void loop() {
    List<Request> batch = new ArrayList<>();
    int lastBatch = 0;
    while (true) {
      batch.clear();
      try {
        batch.add(requests.take());
      } catch (InterruptedException e) {
        continue; // nobody interrupts this thread; Stop ends it
      }
      if (lastBatch > 1
          && options.durability() == Durability.FSYNC
          && requests.size() < lastBatch - 1) {
        gather(lastBatch - 1);
      }
      requests.drainTo(batch, MAX_BATCH - 1);
      lastBatch = batch.size();
      Stop stop = null;
      List<Append> appends = new ArrayList<>();
      for (Request r : batch) {
        switch (r) {
          case Stop s -> stop = s;
          case Append a -> appends.add(a);
          case Sync s -> {}
        }
      }
      try {
        handle(appends);
        for (Request r : batch) {
          if (r instanceof Sync s) {
            s.done.complete(null);
          }
        }
      } catch (SessionException e) {
        batch.forEach(r -> r.fail(e));
      } catch (IOException | RuntimeException e) {
        SessionException failure =
            new SessionException.Io(
                "cannot write session file " + file,
                e instanceof IOException io ? io : new IOException(e));
        batch.forEach(r -> r.fail(failure));
      }
      if (stop != null) {
        requests.forEach(
            r -> r.fail(new IllegalStateException("session store " + file + " is closed")));
        stop.done.complete(null);
        return;
      }
    }
  }

  /** One batch, under the lock: catch up, then write the appends (if any). */
  private void handle(List<Append> appends) throws IOException {
    if (lock == null) {
      try {
        lock = LockFile.open(SessionStore.lockFile(file));
      } catch (IOException e) {
        if (!appends.isEmpty()) {
          throw e;
        }
        // only reading (a read-only directory, say): catch up without the lock
        addWarning(
            "cannot lock "
                + SessionStore.lockFile(file)
                + " ("
                + e.getMessage()
                + "); reading without the lock, so a line being written right now may look incomplete");
        catchUp(false);
        return;
      }
    }
    try (LockFile.Held held = lock.acquire()) {
      catchUp(!appends.isEmpty());
      if (!appends.isEmpty()) {
        write(appends);
      }
    }
  }

  private void addWarning(String w) {
    synchronized (warnings) {
      if (!warnings.contains(w)) {
        warnings.add(w);
      }
    }
  }

  /** Reads lines other processes appended; when about to write, repairs an incomplete last line. */
  private void catchUp(boolean writing) throws IOException {
    if (broken != null) {
      throw broken;
    }
    long size = reader.size();
    if (size < scannedEnd) {
      broken =
          new SessionException(
              "session file "
                  + file
                  + " shrank from "
                  + scannedEnd
                  + " to "
                  + size
                  + " bytes: something outside grove rewrote it; check the file, then open it again");
      throw broken;
    }
    if (size == scannedEnd) {
      return;
    }
    List<Problem> problems = new ArrayList<>();
    Loader.Result r;
    indexLock.writeLock().lock();
    try {
      Loader loader = new Loader(index, problems, false);
      r = loader.scan(reader, scannedEnd, nextLine, size);
      loader.finish();
      scannedEnd = r.end();
      nextLine = r.nextLine();
    } finally {
      indexLock.writeLock().unlock();
    }
    if (!problems.isEmpty()) {
      broken = new SessionException.Corrupt(file, problems);
      throw broken;
    }
    if (r.tail().length == 0) {
      return;
    }
    if (!writing) {
      addWarning(
          index.dialect == null
              ? SessionStore.tornWarning(file, nextLine, r.tail())
              : file
                  + " line "
                  + nextLine
                  + ": the last line is incomplete ("
                  + r.tail().length
                  + " bytes: "
                  + index.dialect.tool()
                  + " is writing it, or stopped while it did); it is skipped");
      return;
    }
    repairTail(r.tail());
  }

  /**
   * An incomplete last line, seen under the lock, was left by a crashed writer. If it is a whole
   * entry that only lacks its newline, the newline is added; otherwise its bytes are appended to
   * {@code <file>.torn} (and fsynced) before the file is truncated to the last complete line.
   */
  private void repairTail(byte[] tail) throws IOException {
    FileChannel w = writer();
    List<Problem> problems = new ArrayList<>();
    boolean whole =
        !Loader.isBlank(tail, 0, tail.length)
            && new LineScanner().scan(tail, 0, tail.length) == null;
    if (whole) {
      w.write(ByteBuffer.wrap(new byte[] {'\n'}), scannedEnd + tail.length);
      w.force(false);
      indexLock.writeLock().lock();
      try {
        Loader loader = new Loader(index, problems, false);
        loader.line(tail, 0, tail.length, scannedEnd, nextLine);
        loader.finish();
      } finally {
        indexLock.writeLock().unlock();
      }
      if (problems.isEmpty()) {
        addWarning(
            file
                + " line "
                + nextLine
                + ": the last entry had no newline (a crash after writing it); added");
        scannedEnd += tail.length + 1;
        nextLine++;
        return;
      }
      // a whole object but not a valid entry: treat it as torn
    }
    Path torn = SessionStore.tornFile(file);
    try (FileChannel t =
        FileChannel.open(
            torn, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
      String note =
          "# "
              + Instant.now()
              + " "
              + file.getFileName()
              + " line "
              + nextLine
              + " offset "
              + scannedEnd
              + ": "
              + tail.length
              + " bytes of an incomplete line\n";
      t.write(ByteBuffer.wrap(note.getBytes(StandardCharsets.UTF_8)));
      t.write(ByteBuffer.wrap(tail));
      t.write(ByteBuffer.wrap(new byte[] {'\n'}));
      t.force(true);
    }
    w.truncate(scannedEnd);
    w.force(true);
    addWarning(
        file
            + " line "
            + nextLine
            + ": an incomplete last line ("
            + tail.length
            + " bytes, left by a crash) was moved to "
            + torn.getFileName());
  }

  private FileChannel writer() throws IOException {
    if (writer == null) {
      writer = FileChannel.open(file, StandardOpenOption.WRITE);
    }
    return writer;
  }

  /** An append resolved and encoded, waiting to be written as entry number {@code no}. */
  private record Staged(
      Append request, Entry entry, byte[] line, int no, int parentNo, byte kind, byte role) {}

  /** Resolves, encodes, writes and fsyncs a batch; each append that cannot be made fails alone. */
  private void write(List<Append> appends) throws IOException {
    List<Staged> staged = new ArrayList<>(appends.size());
    Map<String, Integer> heads =
        new LinkedHashMap<>(); // lane → head entry number, as the batch moves it
    Set<String> newIds = new HashSet<>();
    Instant now = options.clock().instant().truncatedTo(ChronoUnit.MILLIS);
    int total = 0;
    indexLock.readLock().lock();
    try {
      int base = index.size();
      for (Append a : appends) {
        try {
          Staged s = stage(a, base + staged.size(), heads, newIds, staged, base, now);
          staged.add(s);
          total += s.line.length;
        } catch (SessionException e) {
          a.fail(e);
        } catch (IllegalArgumentException e) {
          a.fail(new SessionException.InvalidAppend(e.getMessage()));
        }
      }
    } finally {
      indexLock.readLock().unlock();
    }
    if (staged.isEmpty()) {
      return;
    }
    ByteBuffer buf = ByteBuffer.allocate(total);
    for (Staged s : staged) {
      buf.put(s.line);
    }
    buf.flip();
    FileChannel w = writer();
    long start = scannedEnd;
    try {
      while (buf.hasRemaining()) {
        w.write(buf, start + buf.position());
      }
      if (options.durability() == Durability.FSYNC) {
        w.force(false);
      }
      batchesWritten.incrementAndGet();
    } catch (IOException e) {
      try {
        w.truncate(start); // a whole line or nothing
      } catch (IOException ignored) {
        // the next writer repairs the tail
      }
      throw e;
    }
    indexLock.writeLock().lock();
    try {
      long off = start;
      for (Staged s : staged) {
        Entry e = s.entry;
        index.add(
            off,
            s.line.length - 1,
            e.line(),
            IdTable.pack(e.id()),
            s.parentNo,
            index.laneNumber(e.lane()),
            s.kind,
            s.role,
            e.contextRoot());
        if (e.body() instanceof Body.Label l) {
          index.setLabel(s.parentNo, l.label());
        }
        off += s.line.length;
      }
      scannedEnd = off;
      nextLine += staged.size();
    } finally {
      indexLock.writeLock().unlock();
    }
    for (Staged s : staged) {
      s.request.result.complete(s.entry);
    }
  }

  /** Resolves one append against the index and the batch before it (called with the read lock). */
  private Staged stage(
      Append a,
      int no,
      Map<String, Integer> heads,
      Set<String> newIds,
      List<Staged> staged,
      int base,
      Instant now) {
    Draft d = a.draft();
    String lane = d.lane();
    int parentNo;
    boolean annotation = d.body() instanceof Body.Label || d.body() instanceof Body.Head;
    if (annotation) {
      String target =
          d.body() instanceof Body.Label l ? l.targetId() : ((Body.Head) d.body()).targetId();
      if (!(d.parent() instanceof Parent.Of(String pid)) || !pid.equals(target)) {
        throw new SessionException.InvalidAppend(
            "a "
                + d.body().type()
                + " entry hangs below the entry it names (use Draft.label or Draft.moveHead)");
      }
      parentNo = node(target, "the " + d.body().type() + " target");
      if (lane == null) {
        if (d.body() instanceof Body.Head) {
          throw new SessionException.InvalidAppend("moving a head needs the lane whose head moves");
        }
        lane = index.laneName(index.lane(parentNo));
      }
    } else {
      switch (d.parent()) {
        case Parent.Of(String id) -> {
          parentNo = node(id, "parent");
          if (lane == null) {
            lane = index.laneName(index.lane(parentNo));
          }
        }
        case Parent.LaneHead h -> {
          if (lane == null) {
            throw new SessionException.InvalidAppend(
                "appending at a lane's head needs a lane name");
          }
          Integer head = heads.get(lane);
          if (head == null) {
            int laneNo = index.existingLane(lane);
            head = laneNo < 0 ? -1 : index.laneHead(laneNo);
          }
          parentNo = head;
        }
        case Parent.Root r -> {
          if (lane == null) {
            throw new SessionException.InvalidAppend("a new root needs a lane name");
          }
          parentNo = -1;
        }
      }
    }
    if (d.body() instanceof Body.Summary sum) {
      node(sum.fromId(), "the summary's fromId");
      node(sum.toId(), "the summary's toId");
    }
    String id;
    do {
      id = IdTable.unpack(options.ids().nextInt() & 0xffffffffL);
    } while (index.find(id) >= 0 || !newIds.add(id));
    String parentId =
        parentNo < 0
            ? null
            : parentNo >= base ? staged.get(parentNo - base).entry.id() : index.id(parentNo);
    Entry entry =
        new Entry(id, parentId, now, lane, d.contextRoot(), d.body(), nextLine + staged.size());
    switch (d.body()) {
      case Body.Head h -> heads.put(lane, parentNo);
      case Body.Label l -> {}
      default -> heads.put(lane, no);
    }
    byte role =
        d.body() instanceof Body.Message m ? EntryIndex.roleOf(m.role()) : EntryIndex.NO_ROLE;
    byte[] line = EntryCodec.line(d.body().type(), id, parentId, now, lane, a.fragment());
    return new Staged(a, entry, line, no, parentNo, EntryIndex.kindOf(d.body().type()), role);
  }

  /** The entry number of an id that must name a node of the tree (called with the read lock). */
  private int node(String id, String what) {
    int no = index.find(id);
    if (no < 0) {
      throw new SessionException.InvalidAppend(what + " " + id + " is not in session file " + file);
    }
    if (!index.isNode(no)) {
      throw new SessionException.InvalidAppend(
          what
              + " "
              + id
              + " is a "
              + index.type(no)
              + " entry; only messages, summaries and events have children");
    }
    return no;
  }

  /**
   * Stops the thread after the requests already queued, and releases the lock and the write
   * channel.
   */
  @Override
  public void close() {
    Thread t;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      t = io;
      if (t != null) {
        requests.add(new Stop(new CompletableFuture<>()));
      }
    }
    if (t != null) {
      boolean interrupted = false;
      while (true) {
        try {
          t.join();
          break;
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
    for (AutoCloseable c : new AutoCloseable[] {writer, lock}) {
      if (c != null) {
        try {
          c.close();
        } catch (Exception ignored) {
          // closing: nothing left to protect
        }
      }
    }
  }
}
