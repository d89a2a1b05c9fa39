package dev.grove.session.catalog;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One session file as the catalog lists it.
 *
 * @param lastActivity the last timestamp the file's entries carry, else its modification time
 * @param entries the entries read (the header and damaged lines not counted)
 * @param firstMessage the first message the user typed, on one line and cut; null when none
 * @param labels the labels set in the file (pi's and grove's {@code label} entries; Claude Code's
 *     session {@code summary})
 * @param problems how many problems the file has (damaged lines, an unknown format, an incomplete
 *     last line); {@code notes} says what the first few are
 */
public record Summary(
    Path file,
    Tool tool,
    Instant lastActivity,
    long size,
    int entries,
    String firstMessage,
    List<String> labels,
    int problems,
    List<String> notes) {
  public Summary {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(tool, "tool");
    Objects.requireNonNull(lastActivity, "lastActivity");
    labels = List.copyOf(labels);
    notes = List.copyOf(notes);
    if (size < 0 || entries < 0 || problems < notes.size()) {
      throw new IllegalArgumentException(
          "bad summary of " + file + ": size " + size + ", entries " + entries);
    }
  }
}
