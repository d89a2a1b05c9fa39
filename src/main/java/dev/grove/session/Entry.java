package dev.grove.session;

import java.time.Instant;
import java.util.Objects;

/**
 * One line of a session file after the header: the envelope every entry has, and its {@link Body}.
 *
 * @param parentId null for a root
 * @param ts when it was appended (null only in files written by other tools)
 * @param lane the agent or branch line that wrote it
 * @param contextRoot when true, context building for any entry below starts here (a sub-agent's
 *     lane hangs off the orchestrator's conversation without inheriting it)
 * @param line the line number in the file (the header is line 1)
 */
public record Entry(
    String id, String parentId, Instant ts, String lane, boolean contextRoot, Body body, int line) {
  public Entry {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(lane, "lane");
    Objects.requireNonNull(body, "body");
  }

  public String type() {
    return body.type();
  }

  /** The entry as its line in a session file (without the newline). */
  public String toJson() {
    if (body instanceof Body.Unknown u) {
      return u.json();
    }
    byte[] line = EntryCodec.encode(this);
    return new String(line, 0, line.length - 1, java.nio.charset.StandardCharsets.UTF_8);
  }

  /** True for entries that are nodes of the tree (everything but labels and head moves). */
  public boolean isNode() {
    return switch (body) {
      case Body.Label l -> false;
      case Body.Head h -> false;
      case Body.Message m -> true;
      case Body.Summary s -> true;
      case Body.Event e -> true;
      case Body.Unknown u -> true;
    };
  }
}
