package dev.grove.session;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * Reads lines of a session file into an {@link EntryIndex}, checking each as it goes and collecting
 * every problem (it never stops at the first, so {@code validate} can report them all). Lines are
 * found with {@link LineScanner}; only lines it cannot handle alone (labels, head moves, unknown
 * types, escaped ids) are parsed fully, unless {@code fullParse} asks for every line to be.
 */
final class Loader {
  static final int MAX_LINE = 256 << 20;

  private final EntryIndex index;
  private final List<Problem> problems;
  private final boolean fullParse;
  private final LineScanner scanner = new LineScanner();
  private final EntryDecoder decoder = new EntryDecoder();

  /** Entries whose parent was not (yet) in the index: entry number → the parent id it names. */
  private final Map<Integer, String> unresolved = new LinkedHashMap<>();

  private byte[] lastLane = new byte[0];
  private int lastLaneNo = -1;

  /** The index's dialect (null for grove's own format), and its quick messages' openings. */
  private final Dialect dialect;

  /** The dialect's field that the scanner also finds, or null. */
  private final String extraField;

  private final byte[][] quickOpenings;
  private final byte[] quickRoles;
  private final byte[] quickType;

  /** What a dialect's lines see of the index while it is read (null for grove's own). */
  private final Dialect.Tree tree;

  private Dialect.Tree treeOverIndex() {
    return new Dialect.Tree() {
      @Override
      public String parentOf(String id) {
        int no = index.find(id);
        int p = no < 0 ? -1 : index.parent(no);
        return p < 0 ? null : index.id(p);
      }

      @Override
      public String rootOf(String id) {
        int no = index.find(id);
        return no < 0 ? id : index.id(index.root(no));
      }

      @Override
      public String previousNode() {
        int last = index.lastNode();
        return last < 0 ? null : index.id(last);
      }
    };
  }

  Loader(EntryIndex index, List<Problem> problems, boolean fullParse) {
    this.index = index;
    this.problems = problems;
    this.fullParse = fullParse;
    this.dialect = index.dialect;
    this.tree = dialect == null ? null : treeOverIndex();
    if (dialect == null) {
      extraField = null;
      quickOpenings = null;
      quickRoles = null;
      quickType = null;
    } else {
      Dialect.Quick q = dialect.quick();
      extraField = q.field();
      scanner.alsoFind(q.field());
      quickType = q.type().getBytes(StandardCharsets.UTF_8);
      quickOpenings = new byte[q.roles().size()][];
      quickRoles = new byte[q.roles().size()];
      int i = 0;
      for (Map.Entry<String, Role> r : q.roles().entrySet()) {
        quickOpenings[i] = ("{\"role\":\"" + r.getKey() + "\"").getBytes(StandardCharsets.UTF_8);
        quickRoles[i++] = EntryIndex.roleOf(r.getValue());
      }
    }
  }

  /** What a scan reached: the end of its last complete line, and anything after it. */
  record Result(long end, int nextLine, byte[] tail) {}

  /**
   * Scans complete lines from {@code start} (a line boundary numbered {@code firstLine}) up to
   * {@code limit}. Bytes after the last newline are returned as the tail, not indexed.
   */
  Result scan(ReadChannel ch, long start, int firstLine, long limit) throws IOException {
    long bytes = limit - start;
    Result r =
        ContextBuilder.READ_AHEAD > 0
                && bytes >= AHEAD_FROM
                && (bytes >= AHEAD_COLD || SCANNED.get() >= AHEAD_WARM)
            ? scanAhead(
                ch, start, firstLine, limit, AHEAD_CHUNK, AHEAD_LONG, ContextBuilder.READ_AHEAD)
            : scanHere(ch, start, firstLine, limit);
    SCANNED.addAndGet(bytes);
    return r;
  }

  /** {@link #scan} on the caller's thread alone. */
  Result scanHere(ReadChannel ch, long start, int firstLine, long limit) throws IOException {
    byte[] buf = new byte[(int) Math.min(1 << 20, Math.max(4096, limit - start))];
    long base = start; // file offset of buf[0]
    long readPos = start;
    int len = 0;
    int pos = 0;
    int lineNo = firstLine;
    while (readPos < limit) {
      if (len == buf.length) {
        if (pos > 0) {
          System.arraycopy(buf, pos, buf, 0, len - pos);
          base += pos;
          len -= pos;
          pos = 0;
        } else if (buf.length >= MAX_LINE) {
          throw new LineTooLong(lineNo);
        } else {
          buf = Arrays.copyOf(buf, Math.min(MAX_LINE, buf.length * 2));
        }
      }
      int want = (int) Math.min(buf.length - len, limit - readPos);
      int n = ch.readFully(ByteBuffer.wrap(buf, len, want), readPos);
      if (n <= 0) {
        break;
      }
      readPos += n;
      int scanFrom = len;
      len += n;
      int nl;
      while ((nl = LineScanner.indexOfNewline(buf, Math.max(pos, scanFrom), len)) >= 0) {
        line(buf, pos, nl, base + pos, lineNo++);
        pos = nl + 1;
        scanFrom = pos;
      }
    }
    return new Result(base + pos, lineNo, Arrays.copyOfRange(buf, pos, len));
  }

  /**
   * A scan of this many bytes or more reads and scans its chunks on other threads ({@link
   * #scanAhead}) — once the process has scanned {@link #AHEAD_WARM} bytes, or at once when it is
   * {@link #AHEAD_COLD} bytes or more. A fresh JVM's first scans stay on one thread: there the
   * compiler threads need the second core, and a 100,000-entry file (95 MB) opened on three threads
   * in a fresh process took 80–150 ms longer than on one (2 cores, measured); compiled, the same
   * open took 122 ms instead of about 200, and a fresh process's open of 1,000,000 entries (965 MB)
   * 1.32 s instead of 1.75 s (docs/benchmarks.md).
   */
  static final long AHEAD_FROM = 4L << 20;

  static final long AHEAD_WARM = 64L << 20;
  static final long AHEAD_COLD = 256L << 20;

  /** The bytes of session files this process has scanned. */
  private static final java.util.concurrent.atomic.AtomicLong SCANNED =
      new java.util.concurrent.atomic.AtomicLong();

  /** The bytes of one chunk of a scan on other threads (the lines that start in them). */
  static final int AHEAD_CHUNK = 256 << 10;

  /**
   * A line this long is left to the caller's thread, with the rest of the file: the other threads
   * never hold more than a chunk and this much each, however long the lines of a hostile file.
   */
  static final int AHEAD_LONG = 4 << 20;

  /** The threads that read and scan chunks of a large file while the index is built. */
  private static final class Ahead {
    static final ExecutorService POOL = ContextBuilder.daemons("grove-open-ahead-");
  }

  /**
   * {@link #scan} with the reading and scanning of lines (most of the work) done on {@code threads}
   * other threads, {@code chunk} bytes at a time, a few chunks ahead of the caller, which indexes
   * them in file order from what they found: the index, the problems and the result are those of
   * {@link #scanHere}, line for line. From a line of {@code longLine} bytes or more (or one without
   * a newline) on, the rest of the file is scanned by {@link #scanHere}.
   */
  Result scanAhead(
      ReadChannel ch, long start, int firstLine, long limit, int chunk, int longLine, int threads)
      throws IOException {
    long chunks = (limit - start + chunk - 1) / chunk;
    ArrayDeque<Future<Chunk>> ahead = new ArrayDeque<>();
    long submitted = 0;
    int lineNo = firstLine;
    long end = start;
    try {
      for (long k = 0; k < chunks; k++) {
        while (submitted < chunks && submitted <= k + threads) {
          long from = start + submitted * chunk;
          long to = Math.min(limit, from + chunk);
          boolean atLineStart = submitted == 0;
          ahead.add(
              Ahead.POOL.submit(
                  () -> Chunk.read(ch, from, to, limit, atLineStart, longLine, extraField)));
          submitted++;
        }
        Chunk c = take(ahead.poll());
        for (int j = 0; j < c.count; j++) {
          int s = c.lines[2 * j];
          int e = c.lines[2 * j + 1];
          String error = c.error(j);
          if (error == Chunk.BLANK) {
            line(c.buf, s, e, c.base + s, lineNo++);
          } else {
            scanner.restore(c.fields, j * LineScanner.SAVED);
            scanned(c.buf, s, e, c.base + s, lineNo++, error);
          }
          end = c.base + e + 1;
        }
        if (c.rest >= 0) {
          return scanHere(ch, c.base + c.rest, lineNo, limit);
        }
      }
    } finally {
      for (Future<Chunk> f : ahead) {
        f.cancel(false);
      }
    }
    return new Result(end, lineNo, new byte[0]);
  }

  private static Chunk take(Future<Chunk> f) throws IOException {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted while reading the session");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      if (e.getCause() instanceof Error err) {
        throw err;
      }
      throw new IOException(e.getCause());
    }
  }

  /** The lines that start in one chunk of the file, read and scanned on another thread. */
  private static final class Chunk {
    /** In {@link #errors}: the line is blank, not scanned. */
    static final String BLANK = new String("blank");

    byte[] buf;
    long base; // file offset of buf[0]
    int[] lines = new int[64]; // [start, end) in buf of each line, without its newline
    int[] fields = new int[32 * LineScanner.SAVED];
    String[] errors; // what is wrong with each line, or null; null when nothing is
    int count;
    int rest = -1; // where in buf a line starts that is left to scanHere, with all after it

    /**
     * Reads and scans the lines that start in {@code [from, to)}: from {@code from} when it starts
     * a line, else after the first newline at or after {@code from - 1}; each line is read to its
     * newline, past {@code to} if need be — up to {@code longLine} bytes: a longer line, or one
     * that the end of the file cuts, is the {@link #rest}.
     */
    static Chunk read(
        ReadChannel ch,
        long from,
        long to,
        long limit,
        boolean atLineStart,
        int longLine,
        String extraField)
        throws IOException {
      Chunk c = new Chunk();
      LineScanner scanner = new LineScanner();
      if (extraField != null) {
        scanner.alsoFind(extraField);
      }
      c.base = atLineStart ? from : from - 1;
      int len = c.fill(ch, 0, (int) Math.min(limit - c.base, to - c.base + 8192));
      int p = 0;
      if (!atLineStart) {
        int nl = LineScanner.indexOfNewline(c.buf, 0, (int) Math.min(len, to - c.base));
        if (nl < 0 || c.base + nl + 1 >= to) {
          return c; // no line starts here: the chunk is inside a longer line
        }
        p = nl + 1;
      }
      int scanFrom = p;
      while (c.base + p < to) {
        int nl = LineScanner.indexOfNewline(c.buf, scanFrom, len);
        if (nl < 0) {
          if (len - p >= longLine || c.base + len >= limit) {
            c.rest = p; // a long line, or the file's torn end: as on one thread
            return c;
          }
          scanFrom = len;
          long more = Math.max(len - p, 1 << 16);
          len = c.fill(ch, len, (int) Math.min(limit - c.base, Math.min(p + longLine, len + more)));
          if (len == scanFrom) { // the file ended sooner than it said (cut meanwhile)
            c.rest = p;
            return c;
          }
          continue;
        }
        c.add(scanner, p, nl);
        p = nl + 1;
        scanFrom = p;
      }
      return c;
    }

    /** What is wrong with line {@code j}, {@link #BLANK}, or null. */
    String error(int j) {
      return errors == null ? null : errors[j];
    }

    /**
     * Reads the file from {@code base + at} into {@code buf[at, size)}; returns how far it holds.
     */
    private int fill(ReadChannel ch, int at, int size) throws IOException {
      buf = buf == null ? new byte[size] : Arrays.copyOf(buf, size);
      int n = ch.readFully(ByteBuffer.wrap(buf, at, size - at), base + at);
      return at + Math.max(n, 0);
    }

    private void add(LineScanner scanner, int s, int e) {
      if (count * 2 == lines.length) {
        lines = Arrays.copyOf(lines, lines.length * 2);
        if (errors != null) {
          errors = Arrays.copyOf(errors, lines.length / 2);
        }
      }
      if ((count + 1) * LineScanner.SAVED > fields.length) {
        fields = Arrays.copyOf(fields, fields.length * 2);
      }
      lines[2 * count] = s;
      lines[2 * count + 1] = e;
      String error;
      if (isBlank(buf, s, e)) {
        error = BLANK;
      } else {
        error = scanner.scan(buf, s, e);
        scanner.save(fields, count * LineScanner.SAVED);
      }
      if (error != null) {
        if (errors == null) {
          errors = new String[lines.length / 2]; // grown with lines from here on
        }
        errors[count] = error;
      }
      count++;
    }
  }

  /**
   * A line too long to be a session entry: reported as a problem of the file, not an out-of-memory.
   */
  static final class LineTooLong extends IOException {
    final int line;

    LineTooLong(int line) {
      super("line " + line + " is longer than " + (MAX_LINE >> 20) + " MB");
      this.line = line;
    }
  }

  /**
   * Indexes one line, {@code b[s, e)} without its newline, that starts at file offset {@code off}.
   */
  void line(byte[] b, int s, int e, long off, int lineNo) {
    if (isBlank(b, s, e)) {
      if (hasNul(b, s, e)) {
        problems.add(
            new Problem(
                lineNo,
                "a line of NUL bytes where an entry should be (data lost by the file system, e.g."
                    + " after a crash; `grove session validate` lists every such line)"));
      }
      return;
    }
    scanned(b, s, e, off, lineNo, scanner.scan(b, s, e));
  }

  /**
   * Indexes a line that is not blank, from what {@link #scanner} found in it ({@code error}: what
   * is wrong with it, or null).
   */
  private void scanned(byte[] b, int s, int e, long off, int lineNo, String error) {
    if (error != null) {
      problems.add(
          new Problem(
              lineNo, "malformed entry: " + error + " (at column " + (scanner.errorAt + 1) + ")"));
      return;
    }
    if (scanner.typeStart < 0 && !scanner.needsFullParse) {
      problems.add(new Problem(lineNo, "the entry has no type"));
      return;
    }
    if (dialect != null) {
      byte role = quickRole(b, e);
      if (role == EntryIndex.NO_ROLE) {
        foreign(b, s, e, off, lineNo);
      } else {
        indexScanned(b, off, e - s, lineNo, EntryIndex.MESSAGE, role);
      }
      return;
    }
    byte kind = scanner.typeStart < 0 ? EntryIndex.UNKNOWN : kindOf(b);
    if (fullParse
        || scanner.needsFullParse
        || kind == EntryIndex.LABEL
        || kind == EntryIndex.HEAD
        || kind == EntryIndex.UNKNOWN) {
      Entry entry;
      try {
        entry = EntryCodec.decode(decoder, b, s, e, lineNo);
      } catch (EntryCodec.BadLine bad) {
        problems.add(new Problem(lineNo, bad.getMessage()));
        return;
      }
      add(entry, off, e - s);
      return;
    }
    indexScanned(b, off, e - s, lineNo, kind, EntryIndex.NO_ROLE);
  }

  /**
   * The role of a dialect's plain message line, known from its bytes (see {@link Dialect.Quick}),
   * or {@link EntryIndex#NO_ROLE} when the line must be turned into grove's form to be indexed.
   */
  private byte quickRole(byte[] b, int e) {
    int at = scanner.extraStart;
    if (scanner.needsFullParse
        || at < 0
        || scanner.typeStart < 0
        || !Arrays.equals(b, scanner.typeStart, scanner.typeEnd, quickType, 0, quickType.length)) {
      return EntryIndex.NO_ROLE;
    }
    for (int i = 0; i < quickOpenings.length; i++) {
      byte[] o = quickOpenings[i];
      if (at + o.length <= e && Arrays.equals(b, at, at + o.length, o, 0, o.length)) {
        return quickRoles[i];
      }
    }
    return EntryIndex.NO_ROLE;
  }

  /** Indexes a line of a dialect's file that is not a plain message: its grove form, parsed. */
  private void foreign(byte[] b, int s, int e, long off, int lineNo) {
    Entry entry;
    try {
      entry = EntryCodec.decodeForeign(dialect, decoder, b, s, e, lineNo, tree);
    } catch (EntryCodec.BadLine bad) {
      problems.add(new Problem(lineNo, bad.getMessage()));
      return;
    }
    add(entry, off, e - s);
  }

  /**
   * Indexes a line from what the scanner found in it: a grove line's role is the scanner's, a
   * dialect's plain message's is {@code quickRole}.
   */
  private void indexScanned(byte[] b, long off, int len, int lineNo, byte kind, byte quickRole) {
    if (scanner.idStart < 0 || scanner.idEnd == scanner.idStart) {
      problems.add(new Problem(lineNo, "the entry has no id"));
      return;
    }
    long code = IdTable.pack(b, scanner.idStart, scanner.idEnd);
    String id = null;
    if (code < 0) {
      id = new String(b, scanner.idStart, scanner.idEnd - scanner.idStart, StandardCharsets.UTF_8);
    }
    // a dialect's entry without a parent reference is a root, as its tool reads it
    boolean root = scanner.parentNull || (dialect != null && scanner.parentStart < 0);
    if (scanner.parentStart < 0 && !root) {
      problems.add(
          new Problem(
              lineNo,
              "entry " + idText(id, code) + " has no parentId (a root has \"parentId\":null)"));
      return;
    }
    int parentNo = -1;
    String parentId = null;
    if (!root) {
      long pc = IdTable.pack(b, scanner.parentStart, scanner.parentEnd);
      parentId =
          pc >= 0
              ? null
              : new String(
                  b,
                  scanner.parentStart,
                  scanner.parentEnd - scanner.parentStart,
                  StandardCharsets.UTF_8);
      parentNo = pc >= 0 ? index.ids.get(pc) : index.find(parentId);
      if (parentNo < 0 && parentId == null) {
        parentId = IdTable.unpack(pc);
      }
      if (dialect != null && dialect.resolves()) {
        String named = parentId != null ? parentId : index.id(parentNo);
        String resolved = dialect.resolve(named);
        if (!named.equals(resolved)) {
          parentId = resolved;
          parentNo = resolved == null ? -1 : index.find(resolved);
        }
      }
    }
    byte role = quickRole;
    if (dialect == null && kind == EntryIndex.MESSAGE) {
      if (scanner.roleStart < 0) {
        problems.add(new Problem(lineNo, "message " + idText(id, code) + " has no role"));
        return;
      }
      role = roleOf(b, scanner.roleStart, scanner.roleEnd);
    }
    int laneNo = scanner.laneStart < 0 ? -1 : laneNumber(b, scanner.laneStart, scanner.laneEnd);
    commit(
        lineNo,
        off,
        len,
        id,
        code,
        parentId,
        parentNo,
        laneNo,
        kind,
        role,
        scanner.contextRoot,
        null,
        null);
  }

  /** Indexes an entry parsed in full. */
  private void add(Entry entry, long off, int len) {
    byte kind = EntryIndex.kindOf(entry.type());
    String id = entry.id();
    long code = IdTable.pack(id);
    int parentNo = entry.parentId() == null ? -1 : index.find(entry.parentId());
    byte role =
        entry.body() instanceof Body.Message m ? EntryIndex.roleOf(m.role()) : EntryIndex.NO_ROLE;
    int laneNo = entry.lane().isEmpty() ? -1 : index.laneNumber(entry.lane());
    // instanceof, not a pattern switch: the switch's bootstrap spins a class on the first call, a
    // good part of a short command's start
    String target =
        entry.body() instanceof Body.Label l
            ? l.targetId()
            : entry.body() instanceof Body.Head h ? h.targetId() : null;
    String unknownType = entry.body() instanceof Body.Unknown u ? u.type() : null;
    if (entry.body() instanceof Body.Unknown && kind == EntryIndex.MESSAGE) {
      role = EntryIndex.NO_ROLE; // a message with a role this version does not know
    }
    int no =
        commit(
            entry.line(),
            off,
            len,
            id,
            code,
            entry.parentId(),
            parentNo,
            laneNo,
            kind,
            role,
            entry.contextRoot(),
            target,
            unknownType);
    if (no < 0) {
      return;
    }
    if (fullParse && entry.body() instanceof Body.Summary sum) {
      for (String ref : List.of(sum.fromId(), sum.toId())) {
        if (index.find(ref) < 0) {
          problems.add(
              new Problem(
                  entry.line(),
                  "summary "
                      + id
                      + " covers entry "
                      + ref
                      + ", which is not before it in the file"));
        }
      }
    }
    if (entry.body() instanceof Body.Label l && index.find(l.targetId()) >= 0) {
      index.setLabel(index.find(l.targetId()), l.label());
    }
  }

  /** Checks an entry against the index and adds it; returns its number, or -1 if it was refused. */
  private int commit(
      int lineNo,
      long off,
      int len,
      String id,
      long code,
      String parentId,
      int parentNo,
      int laneNo,
      byte kind,
      byte role,
      boolean contextRoot,
      String targetId,
      String unknownType) {
    if (code < 0) {
      code = index.ids.foreignCode(id);
    }
    int existing = index.ids.get(code);
    if (existing >= 0) {
      problems.add(
          new Problem(
              lineNo,
              "duplicate id "
                  + index.ids.name(code)
                  + " (first used on line "
                  + index.line(existing)
                  + ")"));
      return -1;
    }
    String name = index.ids.name(code);
    boolean annotation = kind == EntryIndex.LABEL || kind == EntryIndex.HEAD;
    if (annotation) {
      int target = index.find(targetId);
      if (target < 0 || !index.isNode(target)) {
        problems.add(
            new Problem(
                lineNo,
                index.typeName(kind)
                    + " entry "
                    + name
                    + " names entry "
                    + targetId
                    + (target < 0
                        ? ", which is not before it in the file"
                        : ", which is a "
                            + index.type(target)
                            + " entry, not a node of the tree")));
        return -1;
      }
      parentNo = target;
      if (laneNo < 0) {
        laneNo = index.lane(target);
      }
    } else if (parentNo < 0 && parentId != null) {
      // resolved (or reported) once the whole file has been read
    } else if (parentNo >= 0 && !index.isNode(parentNo)) {
      problems.add(
          new Problem(
              lineNo,
              "parentId "
                  + parentId(parentId, parentNo)
                  + " is a "
                  + index.type(parentNo)
                  + " entry; only messages, summaries and events have children"));
      parentNo = -1;
    }
    if (laneNo < 0) {
      laneNo = parentNo >= 0 ? index.lane(parentNo) : index.laneNumber("main");
    }
    int no = index.add(off, len, lineNo, code, parentNo, laneNo, kind, role, contextRoot);
    if (unknownType != null) {
      index.setUnknownType(no, unknownType);
    }
    if (!annotation && parentNo < 0 && parentId != null) {
      unresolved.put(no, parentId);
    }
    return no;
  }

  private String parentId(String parentId, int parentNo) {
    return parentId != null ? parentId : index.id(parentNo);
  }

  /**
   * Reports parents that were never found: missing from the file, defined after their child, or
   * part of a cycle. Call once everything has been scanned.
   */
  void finish() {
    Set<String> cyclesReported = new HashSet<>();
    for (Map.Entry<Integer, String> u : unresolved.entrySet()) {
      int child = u.getKey();
      int parent = index.find(u.getValue());
      String childId = index.id(child);
      if (parent < 0) {
        problems.add(
            new Problem(
                index.line(child),
                "parentId "
                    + u.getValue()
                    + " of entry "
                    + childId
                    + " is not in the file (was it truncated?)"));
        continue;
      }
      List<Integer> cycle = cycleThrough(child);
      if (cycle != null) {
        List<String> ids = new ArrayList<>();
        for (int c : cycle) {
          ids.add(index.id(c));
        }
        String key = String.join(",", ids.stream().sorted().toList());
        if (cyclesReported.add(key)) {
          ids.add(ids.get(0));
          problems.add(
              new Problem(index.line(child), "cycle of parents: " + String.join(" → ", ids)));
        }
        continue;
      }
      problems.add(
          new Problem(
              index.line(child),
              "parentId "
                  + u.getValue()
                  + " of entry "
                  + childId
                  + " is defined later, on line "
                  + index.line(parent)
                  + " (an entry must come after its parent)"));
    }
    unresolved.clear();
  }

  /** The cycle that entry {@code start} is on, following forward parent references too; or null. */
  private List<Integer> cycleThrough(int start) {
    Map<Integer, Integer> seenAt = new HashMap<>();
    List<Integer> walk = new ArrayList<>();
    int x = start;
    while (x >= 0 && walk.size() <= index.size()) {
      Integer at = seenAt.putIfAbsent(x, walk.size());
      if (at != null) {
        return at == 0
            ? walk
            : null; // a cycle that does not pass through start is reported from its own members
      }
      walk.add(x);
      String forward = unresolved.get(x);
      x = forward != null ? index.find(forward) : index.parent(x);
    }
    return null;
  }

  private byte kindOf(byte[] b) {
    int s = scanner.typeStart;
    int len = scanner.typeEnd - s;
    if (eq(b, s, len, "message")) {
      return EntryIndex.MESSAGE;
    }
    if (eq(b, s, len, "event")) {
      return EntryIndex.EVENT;
    }
    if (eq(b, s, len, "summary")) {
      return EntryIndex.SUMMARY;
    }
    if (eq(b, s, len, "label")) {
      return EntryIndex.LABEL;
    }
    if (eq(b, s, len, "head")) {
      return EntryIndex.HEAD;
    }
    return EntryIndex.UNKNOWN;
  }

  private static final Role[] ROLES = Role.values();

  private static byte roleOf(byte[] b, int s, int e) {
    int len = e - s;
    for (Role r : ROLES) {
      if (eq(b, s, len, r.wireName())) {
        return EntryIndex.roleOf(r);
      }
    }
    return EntryIndex.NO_ROLE;
  }

  private int laneNumber(byte[] b, int s, int e) {
    int len = e - s;
    if (len == lastLane.length && Arrays.equals(b, s, e, lastLane, 0, len)) {
      return lastLaneNo;
    }
    lastLane = Arrays.copyOfRange(b, s, e);
    lastLaneNo = index.laneNumber(new String(lastLane, StandardCharsets.UTF_8));
    return lastLaneNo;
  }

  private static boolean eq(byte[] b, int s, int len, String ascii) {
    if (len != ascii.length()) {
      return false;
    }
    for (int i = 0; i < len; i++) {
      if (b[s + i] != ascii.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  private static String idText(String id, long code) {
    return id != null ? id : IdTable.unpack(code);
  }

  private static boolean hasNul(byte[] b, int s, int e) {
    for (int i = s; i < e; i++) {
      if (b[i] == 0) {
        return true;
      }
    }
    return false;
  }

  static boolean isBlank(byte[] b, int s, int e) {
    for (int i = s; i < e; i++) {
      byte c = b[i];
      if (c != ' ' && c != '\t' && c != '\r' && c != 0) {
        return false;
      }
    }
    return true;
  }
}
