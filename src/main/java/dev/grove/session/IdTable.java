package dev.grove.session;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Entry ids to entry numbers. grove's own ids (eight lower-case hex digits) are packed into a long
 * and kept in an open-addressing table, so a million ids cost a few megabytes and no objects; any
 * other id (written by another tool) falls back to a map.
 */
final class IdTable {
  // open addressing over slots of two longs: the packed id + 1 (0 marks an empty slot), then its
  // entry number; one slot's key and value share a cache line, so a probe of a large table (1M
  // entries: 32 MB) costs one miss, not one per array
  private long[] slots = new long[2 * 1024];
  private int count;
  private final Map<String, Integer> foreign = new HashMap<>();
  private final List<String> foreignNames = new ArrayList<>();

  /** The code of an id: its packed value when it is grove-shaped, else -1. */
  static long pack(String id) {
    if (id.length() != 8) {
      return -1;
    }
    long v = 0;
    for (int i = 0; i < 8; i++) {
      int d = hexDigit(id.charAt(i));
      if (d < 0) {
        return -1;
      }
      v = v << 4 | d;
    }
    return v;
  }

  /** Like {@link #pack(String)} over UTF-8 bytes, without making a string. */
  static long pack(byte[] b, int from, int to) {
    if (to - from != 8) {
      return -1;
    }
    long v = 0;
    for (int i = from; i < to; i++) {
      int d = hexDigit((char) b[i]);
      if (d < 0) {
        return -1;
      }
      v = v << 4 | d;
    }
    return v;
  }

  static String unpack(long packed) {
    char[] c = new char[8];
    for (int i = 7; i >= 0; i--) {
      c[i] = Character.forDigit((int) (packed & 0xf), 16);
      packed >>>= 4;
    }
    return new String(c);
  }

  private static int hexDigit(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    return -1;
  }

  /** A code for an id that {@link #pack} rejected: negative, stable for this table. */
  long foreignCode(String id) {
    Integer slot = foreign.get(id);
    if (slot == null) {
      slot = foreignNames.size();
      foreignNames.add(id);
      foreign.put(id, slot);
    }
    return -(slot + 1L);
  }

  /** The code of an id, or {@link Long#MIN_VALUE} when it is foreign and unknown to this table. */
  long codeOf(String id) {
    long packed = pack(id);
    if (packed >= 0) {
      return packed;
    }
    Integer slot = foreign.get(id);
    return slot == null ? Long.MIN_VALUE : -(slot + 1L);
  }

  String name(long code) {
    return code >= 0 ? unpack(code) : foreignNames.get((int) (-code - 1));
  }

  /** The entry number of a code, or -1. */
  int get(long code) {
    if (code < 0) {
      return code == Long.MIN_VALUE ? -1 : foreignGet(code);
    }
    long key = code + 1;
    long[] t = slots;
    int mask = (t.length >> 1) - 1;
    for (int i = mix(key) & mask; ; i = (i + 1) & mask) {
      long k = t[2 * i];
      if (k == key) {
        return (int) t[2 * i + 1];
      }
      if (k == 0) {
        return -1;
      }
    }
  }

  private int foreignGet(long code) {
    return foreignEntry.getOrDefault(code, -1);
  }

  private final Map<Long, Integer> foreignEntry = new HashMap<>();

  /** Maps a code to an entry number; returns false (and changes nothing) if the code is taken. */
  boolean put(long code, int entry) {
    if (code < 0) {
      return foreignEntry.putIfAbsent(code, entry) == null;
    }
    if ((count + 1) * 2 > slots.length >> 1) {
      grow();
    }
    long key = code + 1;
    long[] t = slots;
    int mask = (t.length >> 1) - 1;
    for (int i = mix(key) & mask; ; i = (i + 1) & mask) {
      long k = t[2 * i];
      if (k == key) {
        return false;
      }
      if (k == 0) {
        t[2 * i] = key;
        t[2 * i + 1] = entry;
        count++;
        return true;
      }
    }
  }

  /** Makes room for {@code entries} ids in all without growing again (a hint; more still fit). */
  void expect(int entries) {
    while ((long) entries * 2 > slots.length >> 1 && slots.length < 1 << 30) {
      grow();
    }
  }

  private void grow() {
    long[] old = slots;
    long[] t = new long[old.length * 2];
    int mask = (t.length >> 1) - 1;
    for (int j = 0; j < old.length; j += 2) {
      long key = old[j];
      if (key != 0) {
        int i = mix(key) & mask;
        while (t[2 * i] != 0) {
          i = (i + 1) & mask;
        }
        t[2 * i] = key;
        t[2 * i + 1] = old[j + 1];
      }
    }
    slots = t;
  }

  private static int mix(long key) {
    long h = key * 0x9E3779B97F4A7C15L;
    return (int) (h ^ (h >>> 29));
  }
}
