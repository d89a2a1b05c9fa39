package dev.grove.session;

import java.util.Map;

/**
 * Another tool's session format, read in place: a file whose lines are each one entry with {@code
 * type}, {@code id} and {@code parentId} at the top level, like grove's own, but other fields and
 * other message shapes. A store opened with a dialect ({@link SessionStore#open(java.nio.file.Path,
 * SessionStore.Options, Dialect)}) indexes the file with grove's own line scanner and turns a line
 * into a grove entry only when it is read; it never writes to the file.
 *
 * <p>The common line, a message, is indexed without being parsed: {@link #quick()} says how to know
 * one from its bytes. Every other line is turned into grove's form as it is indexed ({@link
 * #toGrove} with a {@link Tree}), in file order, so a dialect may work out what depends on the
 * lines before (a summary's span, for one) and remember it for when the line is read again without
 * a tree — from any thread, in any order.
 */
public interface Dialect {

  /** The tool whose files these are, for messages: {@code pi}. */
  String tool();

  /**
   * Message lines the loader can index from their bytes: the top-level {@code type} value, the
   * top-level field holding the message object, and the roles that, written first in that object
   * exactly as {@code {"role":"NAME"}}, make a line a plain message with that grove role. Any other
   * line is given to {@link #toGrove} as it is indexed.
   */
  record Quick(String type, String field, Map<String, Role> roles) {}

  Quick quick();

  /**
   * The grove header line (JSON, no newline) for the file's first line.
   *
   * @throws Unreadable when the first line is not this tool's header
   */
  String header(String firstLine) throws Unreadable;

  /**
   * The grove line (JSON, no newline) for one line of the file (not the first).
   *
   * @param tree while the file is indexed, in file order: what is known of the lines before; null
   *     when an indexed line is read again
   * @throws Unreadable when the line is not one this dialect can read
   */
  String toGrove(String line, int lineNo, Tree tree) throws Unreadable;

  /**
   * The entry for an indexed line read again, decoded straight from its bytes {@code b[from, to)}
   * (no newline), or null to leave the line to {@link #toGrove}. A dialect's fast path for its
   * common lines: for every line it decodes, the entry must be the one {@link #toGrove}'s line
   * gives, and anything unusual is left to that path, which also says what is wrong with a bad
   * line. Called from any thread.
   */
  default Entry decode(byte[] b, int from, int to, int lineNo) {
    return null;
  }

  /**
   * The entry a parent reference stands for: {@code id} itself unless the dialect has entries in
   * its chain that are not nodes in grove (a pi label sits between a node and its children; in
   * grove the children hang below the node).
   */
  String resolve(String id);

  /** False while {@link #resolve} is the identity, so the loader can skip it. */
  boolean resolves();

  /** What the loader knows of the lines indexed so far. */
  interface Tree {
    /** The parent of a node, or null for a root or an id not indexed. */
    String parentOf(String id);

    /** The root of the path to a node ({@code id} itself when it is not indexed). */
    String rootOf(String id);

    /** The last node indexed (not a label), or null. */
    String previousNode();
  }

  /** A line the dialect cannot read; its message says why, without the line number. */
  final class Unreadable extends Exception {
    public Unreadable(String message) {
      super(message, null, false, false);
    }
  }
}
