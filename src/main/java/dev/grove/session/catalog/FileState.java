package dev.grove.session.catalog;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the index knows of one file: where it was read to, a fingerprint of what was read (to tell
 * an append from a rewrite), and the fold of its lines so far — tool, entries, first user message,
 * labels, last timestamp, problems, and the trigram filter of its message text. Reading more lines
 * (an append) continues the fold where it stopped, with the same result as reading the whole file.
 */
final class FileState {
  static final int FIRST_MESSAGE = 200;
  static final int MAX_LABELS = 20;
  static final int MAX_NOTES = 3;
  static final int DETECT_LINES = 5;

  // the file as last seen
  long size;
  long mtime;
  String fileKey;

  // how far it was read, and a fingerprint of that prefix
  long offset;
  long headHash;
  long tailHash;

  // the fold
  Tool tool = Tool.UNKNOWN;
  boolean decided;
  int version;
  int lines;
  int entries;
  int problems;
  final List<String> notes = new ArrayList<>();
  String firstUser;
  final Map<String, String> labels = new LinkedHashMap<>();
  long lastTs = Long.MIN_VALUE;
  Bloom bloom = new Bloom();

  /** Whether nothing more of the file is read: its format is none grove knows. */
  boolean stopped() {
    return decided && tool == Tool.UNKNOWN;
  }

  /** One message of a session, with the id grove's converters give its entry. */
  record Message(String entry, String text) {}

  /**
   * Folds line {@code lines + 1}, parsed into {@code f} (or damaged: {@code why} non-null).
   *
   * @return the message the line holds (user or assistant text), or null
   */
  Message accept(Fields f, String why, boolean cut, int capBytes) {
    int lineNo = ++lines;
    if (cut) {
      problem(
          "line "
              + lineNo
              + " is longer than "
              + (capBytes >= 1 << 20 ? (capBytes >> 20) + " MB" : capBytes + " bytes")
              + ": only its start was read");
    }
    if (why != null && cut && decided) {
      why = null; // an entry all the same: what its first bytes held is folded in
    }
    if (why != null) {
      if (!cut) {
        problem("line " + lineNo + ": " + why);
      }
      if (!decided && lineNo >= DETECT_LINES) {
        decide(Tool.UNKNOWN);
        problem("no format grove reads in the first " + DETECT_LINES + " lines");
      }
      return null;
    }
    boolean header = false;
    if (!decided) {
      if ("session".equals(f.type) && lineNo == 1) {
        decide(f.createdAt != null || f.timestamp == null ? Tool.GROVE : Tool.PI);
        version = f.version;
        header = true;
      } else if ("session_meta".equals(f.type) && lineNo == 1) {
        decide(Tool.CODEX);
        header = true;
      } else if (f.type != null && (f.claudeKeys || "file-history-snapshot".equals(f.type))) {
        decide(Tool.CLAUDE);
      } else {
        decide(Tool.UNKNOWN);
        problem("line " + lineNo + " is no session header or record grove reads");
        return null;
      }
    }
    if (header) {
      timestamp(tool == Tool.GROVE ? f.createdAt : f.timestamp);
      return null;
    }
    entries++;
    return switch (tool) {
      case GROVE -> {
        timestamp(f.ts);
        if ("label".equals(f.type)) {
          label(f.targetId, f.label);
        }
        yield "message".equals(f.type) ? message(f.id, f.role, f.content, true) : null;
      }
      case PI -> {
        timestamp(f.timestamp);
        String id = version < 2 ? tool.lineId(lineNo) : f.id;
        if ("label".equals(f.type)) {
          label(f.targetId, f.label);
        }
        yield "message".equals(f.type) && f.hasText
            ? message(id, f.innerRole, f.text.toString(), true)
            : null;
      }
      case CLAUDE -> {
        timestamp(f.timestamp);
        if ("summary".equals(f.type)) {
          label("summary", f.summary);
        }
        String id = f.uuid != null ? f.uuid : tool.lineId(lineNo);
        yield ("user".equals(f.type) || "assistant".equals(f.type)) && f.hasText
            ? message(id, f.innerRole, f.text.toString(), !f.isMeta && !f.isSidechain)
            : null;
      }
      case CODEX -> {
        timestamp(f.timestamp);
        yield "response_item".equals(f.type) && "message".equals(f.innerType) && f.hasText
            ? message(tool.lineId(lineNo), f.innerRole, f.text.toString(), true)
            : null;
      }
      case UNKNOWN -> null;
    };
  }

  private void decide(Tool t) {
    tool = t;
    decided = true;
  }

  private Message message(String id, String role, String text, boolean main) {
    if (text == null || !("user".equals(role) || "assistant".equals(role))) {
      return null;
    }
    bloom.add(text.toLowerCase(Locale.ROOT));
    if (firstUser == null && main && "user".equals(role) && !boilerplate(text)) {
      firstUser = Text.oneLine(text, FIRST_MESSAGE);
    }
    return new Message(id == null ? "?" : id, text);
  }

  /**
   * What a tool sends as a user message but the user did not type: Codex's environment and
   * instructions, Claude Code's slash-command echoes and caveats.
   */
  private static boolean boilerplate(String text) {
    String s = text.stripLeading();
    return s.isEmpty()
        || s.startsWith("<environment_context>")
        || s.startsWith("<user_instructions>")
        || s.startsWith("# AGENTS.md instructions")
        || s.startsWith("<command-")
        || s.startsWith("<local-command-")
        || s.startsWith("Caveat: The messages below were generated");
  }

  private void label(String target, String label) {
    if (target == null) {
      return;
    }
    if (label == null || label.isEmpty()) {
      labels.remove(target);
    } else if (labels.size() < MAX_LABELS || labels.containsKey(target)) {
      labels.put(target, Text.oneLine(label, 60));
    }
  }

  private void timestamp(String s) {
    if (s == null) {
      return;
    }
    try {
      lastTs = Math.max(lastTs, Instant.parse(s).toEpochMilli());
    } catch (DateTimeParseException e) {
      // a damaged timestamp: the file's modification time stands in
    }
  }

  private void problem(String note) {
    problems++;
    if (notes.size() < MAX_NOTES) {
      notes.add(note);
    }
  }

  // --- the index's bytes

  void write(ByteBuffer out, String path) {
    putString(out, path);
    out.putLong(size).putLong(mtime);
    putString(out, fileKey);
    out.putLong(offset).putLong(headHash).putLong(tailHash);
    out.put((byte) tool.ordinal()).put((byte) (decided ? 1 : 0));
    out.putInt(version).putInt(lines).putInt(entries).putInt(problems);
    out.putInt(notes.size());
    notes.forEach(n -> putString(out, n));
    putString(out, firstUser);
    out.putInt(labels.size());
    labels.forEach(
        (k, v) -> {
          putString(out, k);
          putString(out, v);
        });
    out.putLong(lastTs);
    bloom.write(out);
  }

  /** An upper bound of the bytes {@link #write} writes. */
  int bytes(String path) {
    int n = 200 + bloom.bytes() + size(path) + size(fileKey) + size(firstUser);
    for (String s : notes) {
      n += size(s);
    }
    for (Map.Entry<String, String> e : labels.entrySet()) {
      n += size(e.getKey()) + size(e.getValue());
    }
    return n;
  }

  /** Reads what {@link #write} wrote; the path first, into {@code path[0]}. */
  static FileState read(ByteBuffer in, String[] path) {
    path[0] = getString(in);
    FileState s = new FileState();
    s.size = in.getLong();
    s.mtime = in.getLong();
    s.fileKey = getString(in);
    s.offset = in.getLong();
    s.headHash = in.getLong();
    s.tailHash = in.getLong();
    s.tool = Tool.values()[in.get()];
    s.decided = in.get() != 0;
    s.version = in.getInt();
    s.lines = in.getInt();
    s.entries = in.getInt();
    s.problems = in.getInt();
    int notes = count(in, MAX_NOTES);
    for (int i = 0; i < notes; i++) {
      s.notes.add(getString(in));
    }
    s.firstUser = getString(in);
    int labels = count(in, MAX_LABELS);
    for (int i = 0; i < labels; i++) {
      s.labels.put(getString(in), getString(in));
    }
    s.lastTs = in.getLong();
    s.bloom = Bloom.read(in);
    return s;
  }

  private static int count(ByteBuffer in, int max) {
    int n = in.getInt();
    if (n < 0 || n > max) {
      throw new IllegalStateException("bad count " + n);
    }
    return n;
  }

  private static int size(String s) {
    return 4 + (s == null ? 0 : s.length() * 3);
  }

  private static void putString(ByteBuffer out, String s) {
    if (s == null) {
      out.putInt(-1);
      return;
    }
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    out.putInt(b.length).put(b);
  }

  private static String getString(ByteBuffer in) {
    int n = in.getInt();
    if (n == -1) {
      return null;
    }
    if (n < 0 || n > in.remaining()) {
      throw new IllegalStateException("bad string length " + n);
    }
    byte[] b = new byte[n];
    in.get(b);
    return new String(b, StandardCharsets.UTF_8);
  }
}
