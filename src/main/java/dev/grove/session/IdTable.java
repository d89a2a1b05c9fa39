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
  private long[] keys = new long[1024]; // packed id + 1; 0 marks an empty slot
  private int[] values = new int[1024];
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
    int mask = keys.length - 1;
    for (int i = mix(key) & mask; ; i = (i + 1) & mask) {
      long k = keys[i];
      if (k == key) {
        return values[i];
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
    if ((count + 1) * 2 > keys.length) {
      grow();
    }
    long key = code + 1;
    int mask = keys.length - 1;
    for (int i = mix(key) & mask; ; i = (i + 1) & mask) {
      long k = keys[i];
      if (k == key) {
        return false;
      }
      if (k == 0) {
        keys[i] = key;
        values[i] = entry;
        count++;
        return true;
      }
    }
  }

  private void grow() {
    long[] oldKeys = keys;
    int[] oldValues = values;
    keys = new long[oldKeys.length * 2];
    values = new int[oldKeys.length * 2];
    int mask = keys.length - 1;
    for (int j = 0; j < oldKeys.length; j++) {
      long key = oldKeys[j];
      if (key != 0) {
        int i = mix(key) & mask;
        while (keys[i] != 0) {
          i = (i + 1) & mask;
        }
        keys[i] = key;
        values[i] = oldValues[j];
      }
    }
  }

  private static int mix(long key) {
    long h = key * 0x9E3779B97F4A7C15L;
    return (int) (h ^ (h >>> 29));
  }
}
