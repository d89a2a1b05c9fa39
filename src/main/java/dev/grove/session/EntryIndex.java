package dev.grove.session;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where each entry of a session file is and how the entries hang together, in parallel primitive
 * arrays (about 60 bytes an entry): no entry's content is held, so a million-entry file is indexed
 * in tens of megabytes. Entries are numbered in file order; a parent always has a smaller number
 * than its children, so every walk towards the root ends.
 *
 * <p>Not thread-safe: {@link SessionStore} guards it with a read-write lock.
 */
final class EntryIndex {
  static final byte MESSAGE = 0, LABEL = 1, HEAD = 2, SUMMARY = 3, EVENT = 4, UNKNOWN = 5;
  static final byte NO_ROLE = -1;

  private int size;
  private long[] offset = new long[256];
  private int[] length = new int[256];
  private int[] line = new int[256];
  private long[] idCode = new long[256];
  private int[] parent = new int[256];
  private int[] lane = new int[256];
  private byte[] kind = new byte[256];
  private byte[] role = new byte[256];
  private boolean[] contextRoot = new boolean[256];
  private int[] firstChild = new int[256]; // newest child first; children() reverses
  private int[] nextSibling = new int[256];
  private int[] childCount = new int[256];

  /**
   * The other tool's format the file is in, or null for grove's own. Such a file's index also keeps
   * the root of every node's path (its dialect's summaries need it as each is indexed).
   */
  final Dialect dialect;

  private int[] root;

  /** The last node added (not a label or a head move), or -1. */
  private int lastNode = -1;

  final IdTable ids = new IdTable();
  private final List<String> laneNames = new ArrayList<>();
  private final Map<String, Integer> laneNumbers = new HashMap<>();
  private int[] laneHead = new int[8];

  /** Label text by target entry, in the order labels were set. */
  private final Map<Integer, String> labels = new LinkedHashMap<>();

  /** The type names of entries of types this version does not know. */
  private final Map<Integer, String> unknownTypes = new HashMap<>();

  EntryIndex() {
    this(null);
  }

  EntryIndex(Dialect dialect) {
    this.dialect = dialect;
    this.root = dialect == null ? null : new int[256];
  }

  int size() {
    return size;
  }

  int lastNode() {
    return lastNode;
  }

  /** The root of the path to node {@code i} (only for a file in a {@link #dialect}). */
  int root(int i) {
    return root[i];
  }

  int laneNumber(String name) {
    Integer n = laneNumbers.get(name);
    if (n == null) {
      n = laneNames.size();
      laneNames.add(name);
      laneNumbers.put(name, n);
      if (n >= laneHead.length) {
        laneHead = Arrays.copyOf(laneHead, laneHead.length * 2);
      }
      laneHead[n] = -1;
    }
    return n;
  }

  /** The lane's number, or -1 if no entry was ever written in it. */
  int existingLane(String name) {
    Integer n = laneNumbers.get(name);
    return n == null ? -1 : n;
  }

  String laneName(int n) {
    return laneNames.get(n);
  }

  int laneCount() {
    return laneNames.size();
  }

  /** The entry number of the lane's head, or -1. */
  int laneHead(int laneNo) {
    return laneHead[laneNo];
  }

  /**
   * Adds an entry. The caller has checked that its id is new and its parent (if any) exists and is
   * a node. For labels and heads, {@code parentNo} is the target.
   */
  int add(
      long off,
      int len,
      int lineNo,
      long code,
      int parentNo,
      int laneNo,
      byte kindOf,
      byte roleOf,
      boolean isContextRoot) {
    if (size == offset.length) {
      grow();
    }
    int i = size;
    offset[i] = off;
    length[i] = len;
    line[i] = lineNo;
    idCode[i] = code;
    parent[i] = parentNo;
    lane[i] = laneNo;
    kind[i] = kindOf;
    role[i] = roleOf;
    contextRoot[i] = isContextRoot;
    firstChild[i] = -1;
    nextSibling[i] = -1;
    childCount[i] = 0;
    if (root != null) {
      root[i] = parentNo >= 0 && kindOf != HEAD && kindOf != LABEL ? root[parentNo] : i;
    }
    if (!ids.put(code, i)) {
      throw new IllegalStateException("duplicate id " + ids.name(code) + " reached the index");
    }
    size++;
    if (kindOf == HEAD) {
      laneHead[laneNo] = parentNo;
    } else if (kindOf != LABEL) {
      if (parentNo >= 0) {
        nextSibling[i] = firstChild[parentNo];
        firstChild[parentNo] = i;
        childCount[parentNo]++;
      }
      laneHead[laneNo] = i;
      lastNode = i;
    }
    return i;
  }

  void setUnknownType(int i, String type) {
    unknownTypes.put(i, type);
  }

  String type(int i) {
    String known = typeName(kind[i]);
    return known != null ? known : unknownTypes.get(i);
  }

  void setLabel(int target, String text) {
    labels.remove(target);
    if (!text.isEmpty()) {
      labels.put(target, text);
    }
  }

  Map<Integer, String> labels() {
    return labels;
  }

  private void grow() {
    int n = offset.length * 2;
    offset = Arrays.copyOf(offset, n);
    length = Arrays.copyOf(length, n);
    line = Arrays.copyOf(line, n);
    idCode = Arrays.copyOf(idCode, n);
    parent = Arrays.copyOf(parent, n);
    lane = Arrays.copyOf(lane, n);
    kind = Arrays.copyOf(kind, n);
    role = Arrays.copyOf(role, n);
    contextRoot = Arrays.copyOf(contextRoot, n);
    firstChild = Arrays.copyOf(firstChild, n);
    nextSibling = Arrays.copyOf(nextSibling, n);
    childCount = Arrays.copyOf(childCount, n);
    if (root != null) {
      root = Arrays.copyOf(root, n);
    }
  }

  int find(String id) {
    return ids.get(ids.codeOf(id));
  }

  String id(int i) {
    return ids.name(idCode[i]);
  }

  long offset(int i) {
    return offset[i];
  }

  int length(int i) {
    return length[i];
  }

  int line(int i) {
    return line[i];
  }

  int parent(int i) {
    return parent[i];
  }

  int lane(int i) {
    return lane[i];
  }

  byte kind(int i) {
    return kind[i];
  }

  byte role(int i) {
    return role[i];
  }

  boolean contextRoot(int i) {
    return contextRoot[i];
  }

  boolean isNode(int i) {
    return kind[i] != LABEL && kind[i] != HEAD;
  }

  int childCount(int i) {
    return childCount[i];
  }

  /** Children of entry i in file order. */
  int[] children(int i) {
    int[] out = new int[childCount[i]];
    int k = out.length;
    for (int c = firstChild[i]; c >= 0; c = nextSibling[c]) {
      out[--k] = c;
    }
    return out;
  }

  /** Entry numbers from the root down to i. */
  int[] path(int i) {
    int depth = 0;
    for (int p = i; p >= 0; p = parent[p]) {
      depth++;
    }
    int[] out = new int[depth];
    for (int p = i; p >= 0; p = parent[p]) {
      out[--depth] = p;
    }
    return out;
  }

  static byte kindOf(String type) {
    return switch (type) {
      case "message" -> MESSAGE;
      case "label" -> LABEL;
      case "head" -> HEAD;
      case "summary" -> SUMMARY;
      case "event" -> EVENT;
      default -> UNKNOWN;
    };
  }

  static String typeName(byte kind) {
    return switch (kind) {
      case MESSAGE -> "message";
      case LABEL -> "label";
      case HEAD -> "head";
      case SUMMARY -> "summary";
      case EVENT -> "event";
      default -> null;
    };
  }

  static byte roleOf(Role r) {
    return r == null ? NO_ROLE : (byte) r.ordinal();
  }

  private static final Role[] ROLES = Role.values();

  static Role role(byte b) {
    return b < 0 ? null : ROLES[b];
  }
}
