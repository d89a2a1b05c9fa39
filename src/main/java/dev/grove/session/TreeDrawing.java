package dev.grove.session;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Draws a session tree for a terminal: one line per entry, branches indented with box-drawing
 * connectors, the active path marked, lane heads and labels shown, and long linear runs folded.
 * Iterative throughout (a path may be a million entries deep) and reads only the entries it shows.
 *
 * <pre>
 * ● 1a2b3c4d [main] user: Fix the login bug
 * ● 2b3c4d5e assistant: Let me look. → read_file {"path":"Login.java"}
 * ├─○ 3c4d5e6f [try-1] assistant: … → edit_file
 * │ ○ 4d5e6f7a tool: ✗ 2 matches  ◀ try-1  #bad
 * └─● 5e6f7a8b [try-2] user: Edit only the first one
 *   ● 6f7a8b9c assistant: Done.  ◀ try-2
 * </pre>
 */
public final class TreeDrawing {
  /** Runs of at least this many foldable entries are folded to their first and last two. */
  static final int FOLD_AT = 7;

  private static final int CHUNK = 2048;

  /**
   * @param activeLane the lane whose path is marked; null for the lane written last
   * @param all fold nothing
   * @param width the longest line to print (previews are cut to fit)
   */
  public record Options(String activeLane, boolean all, boolean unicode, int width) {}

  private record Row(int no, String prefix, int folded, String firstFolded, String lastFolded) {}

  private final SessionStore store;
  private final Options options;
  private final Consumer<String> out;
  private final String branch, lastBranch, pipe, space, active, inactive, headMark, foldMark;
  private final BitSet onActivePath = new BitSet();
  private final Map<Integer, List<String>> headsAt = new HashMap<>();
  private final Map<Integer, String> labels = new HashMap<>();
  private final List<Row> pending = new ArrayList<>();

  private TreeDrawing(SessionStore store, Options options, Consumer<String> out) {
    this.store = store;
    this.options = options;
    this.out = out;
    boolean u = options.unicode();
    branch = u ? "├─" : "|-";
    lastBranch = u ? "└─" : "`-";
    pipe = u ? "│ " : "| ";
    space = "  ";
    active = u ? "●" : "*";
    inactive = u ? "○" : "o";
    headMark = u ? "◀ " : "<- ";
    foldMark = u ? "┆ ⋯ " : ": ... ";
  }

  public static void draw(SessionStore store, Options options, Consumer<String> out) {
    new TreeDrawing(store, options, out).draw();
  }

  private void draw() {
    EntryIndex index = store.index();
    List<Integer> roots =
        store.read(
            () -> {
              int n = index.size();
              int activeHead = -1;
              if (options.activeLane() != null) {
                int lane = index.existingLane(options.activeLane());
                activeHead = lane < 0 ? -1 : index.laneHead(lane);
              } else {
                for (int i = n - 1; i >= 0 && activeHead < 0; i--) {
                  if (index.isNode(i)) {
                    activeHead = index.laneHead(index.lane(i));
                  }
                }
              }
              for (int p = activeHead; p >= 0; p = index.parent(p)) {
                onActivePath.set(p);
              }
              for (int l = 0; l < index.laneCount(); l++) {
                int h = index.laneHead(l);
                if (h >= 0) {
                  headsAt.computeIfAbsent(h, k -> new ArrayList<>()).add(index.laneName(l));
                }
              }
              labels.putAll(index.labels());
              List<Integer> r = new ArrayList<>();
              for (int i = 0; i < n; i++) {
                if (index.isNode(i) && index.parent(i) < 0) {
                  r.add(i);
                }
              }
              return r;
            });
    if (roots.isEmpty()) {
      out.accept("(no entries)");
      return;
    }
    record Frame(int no, String prefix, String connector) {}
    Deque<Frame> stack = new ArrayDeque<>();
    for (int r = roots.size() - 1; r >= 0; r--) {
      stack.push(new Frame(roots.get(r), "", ""));
    }
    while (!stack.isEmpty()) {
      Frame f = stack.pop();
      String cont =
          f.prefix + (f.connector.isEmpty() ? "" : f.connector.equals(branch) ? pipe : space);
      int[] run = store.read(() -> linearRun(index, f.no));
      boolean[] foldable = store.read(() -> foldable(index, run));
      int i = 0;
      while (i < run.length) {
        String prefix = i == 0 ? f.prefix + f.connector : cont;
        int j = i;
        while (!options.all() && j < run.length && foldable[j]) {
          j++;
        }
        if (j - i >= FOLD_AT) {
          emit(new Row(run[i], prefix, 0, null, null));
          emit(new Row(run[i + 1], cont, 0, null, null));
          int firstNo = run[i + 2];
          int lastNo = run[j - 3];
          String first = store.read(() -> index.id(firstNo));
          String last = store.read(() -> index.id(lastNo));
          emit(new Row(-1, cont, j - i - 4, first, last));
          emit(new Row(run[j - 2], cont, 0, null, null));
          emit(new Row(run[j - 1], cont, 0, null, null));
          i = j;
        } else {
          emit(new Row(run[i], prefix, 0, null, null));
          i++;
        }
      }
      int last = run[run.length - 1];
      int[] kids = store.read(() -> index.children(last));
      if (kids.length > 1) {
        // the child that carries the parent's lane on is the trunk: drawn last, straight down, with
        // the
        // other lanes branching off above it
        int trunk =
            store.read(
                () -> {
                  for (int k = kids.length - 1; k >= 0; k--) {
                    if (index.lane(kids[k]) == index.lane(last)) {
                      return k;
                    }
                  }
                  return -1;
                });
        if (trunk >= 0) {
          stack.push(new Frame(kids[trunk], cont, ""));
        }
        int lastBranchAt = -1;
        for (int k = kids.length - 1; k >= 0 && lastBranchAt < 0; k--) {
          if (k != trunk) {
            lastBranchAt = k;
          }
        }
        for (int k = kids.length - 1; k >= 0; k--) {
          if (k != trunk) {
            stack.push(
                new Frame(kids[k], cont, k == lastBranchAt && trunk < 0 ? lastBranch : branch));
          }
        }
      }
    }
    flush();
  }

  /** From {@code start} down through single children, to the first entry with none or several. */
  private static int[] linearRun(EntryIndex index, int start) {
    int len = 1;
    for (int x = start; index.childCount(x) == 1; x = index.children(x)[0]) {
      len++;
    }
    int[] run = new int[len];
    int x = start;
    for (int k = 0; k < len; k++) {
      run[k] = x;
      if (k + 1 < len) {
        x = index.children(x)[0];
      }
    }
    return run;
  }

  /** Which entries of a run may be folded away: plain middles (no label, head or lane change). */
  private boolean[] foldable(EntryIndex index, int[] run) {
    boolean[] f = new boolean[run.length];
    for (int k = 1; k < run.length - 1; k++) {
      int x = run[k];
      f[k] =
          !labels.containsKey(x)
              && !headsAt.containsKey(x)
              && index.lane(x) == index.lane(run[k - 1])
              && index.lane(run[k + 1]) == index.lane(x);
    }
    return f;
  }

  private void emit(Row row) {
    pending.add(row);
    if (pending.size() >= CHUNK) {
      flush();
    }
  }

  private void flush() {
    int[] nos = pending.stream().filter(r -> r.no >= 0).mapToInt(Row::no).toArray();
    List<Entry> entries = store.readEntries(nos);
    EntryIndex index = store.index();
    int e = 0;
    for (Row row : pending) {
      if (row.no < 0) {
        out.accept(
            row.prefix
                + foldMark
                + row.folded
                + " more entries ("
                + row.firstFolded
                + " … "
                + row.lastFolded
                + ")");
        continue;
      }
      Entry entry = entries.get(e++);
      boolean laneChanged =
          store.read(
              () -> {
                int p = index.parent(row.no);
                return p < 0 || index.lane(p) != index.lane(row.no);
              });
      StringBuilder line =
          new StringBuilder(row.prefix)
              .append(onActivePath.get(row.no) ? active : inactive)
              .append(' ')
              .append(entry.id())
              .append(' ');
      if (laneChanged) {
        line.append('[').append(entry.lane()).append("] ");
      }
      StringBuilder tail = new StringBuilder();
      List<String> heads = headsAt.get(row.no);
      if (heads != null) {
        tail.append("  ").append(headMark).append(String.join(", ", heads));
      }
      String label = labels.get(row.no);
      if (label != null) {
        tail.append("  #").append(label);
      }
      int room = Math.max(20, options.width() - line.length() - tail.length());
      line.append(cut(describe(entry), room)).append(tail);
      out.accept(line.toString());
    }
    pending.clear();
  }

  private String describe(Entry e) {
    return switch (e.body()) {
      case Body.Message m -> {
        StringBuilder s = new StringBuilder(m.role().wireName()).append(":");
        if (m.isError()) {
          s.append(options.unicode() ? " ✗" : " x");
        }
        String text = oneLine(m.content());
        if (!text.isEmpty()) {
          s.append(' ').append(text);
        }
        for (ToolCall c : m.toolCalls()) {
          s.append(options.unicode() ? " → " : " -> ")
              .append(c.name())
              .append(' ')
              .append(oneLine(c.arguments()));
        }
        if (m.checkpoint() != null) {
          s.append(" @").append(m.checkpoint(), 0, Math.min(7, m.checkpoint().length()));
        }
        yield s.toString();
      }
      case Body.Summary s ->
          "summary ("
              + s.kind().wireName()
              + " of "
              + s.fromId()
              + ".."
              + s.toId()
              + "): "
              + oneLine(s.summary());
      case Body.Event ev -> "event " + ev.kind() + fields(ev.data());
      case Body.Unknown u -> u.type() + " (a type this grove does not know)";
      case Body.Label l -> "label " + l.label();
      case Body.Head h -> "head → " + h.targetId();
    };
  }

  /**
   * An event's data as {@code k=v} pairs: short values whole, long ones cut, nested ones left out.
   */
  private static String fields(com.fasterxml.jackson.databind.JsonNode data) {
    StringBuilder sb = new StringBuilder();
    for (var it = data.properties().iterator(); it.hasNext(); ) {
      var f = it.next();
      if (!f.getValue().isValueNode() || f.getValue().isNull()) {
        continue;
      }
      String v = oneLine(f.getValue().asText());
      sb.append(' ')
          .append(f.getKey())
          .append('=')
          .append(v.length() > 40 ? v.substring(0, 39) + "…" : v);
    }
    return sb.toString();
  }

  private static String oneLine(String s) {
    if (s == null) {
      return "";
    }
    return (s.length() > 400 ? s.substring(0, 400) : s).strip().replaceAll("\\s+", " ");
  }

  private String cut(String s, int room) {
    if (s.length() <= room) {
      return s;
    }
    return s.substring(0, room - 1) + (options.unicode() ? "…" : "~");
  }
}
