package dev.grove.session;

import java.time.Instant;
import java.util.Objects;

/**
 * The first line of a session file.
 *
 * @param version the format version it was written with ({@link #FORMAT_VERSION} for new files)
 * @param cwd the working directory the session is about (may be null)
 * @param forkedFrom where this file was forked from, or null
 */
public record SessionHeader(
    int version, String id, Instant createdAt, String cwd, ForkedFrom forkedFrom) {
  public static final int FORMAT_VERSION = 1;

  public SessionHeader {
    Objects.requireNonNull(id, "session id");
    if (id.isBlank()) {
      throw new IllegalArgumentException("session id is blank");
    }
    if (version < 1) {
      throw new IllegalArgumentException("format version must be >= 1: " + version);
    }
  }

  /**
   * The lineage of a forked file: which file and session, and the entry the copied path ends at.
   */
  public record ForkedFrom(String file, String session, String entry) {
    public ForkedFrom {
      Objects.requireNonNull(session, "forkedFrom.session");
      Objects.requireNonNull(entry, "forkedFrom.entry");
    }
  }
}
