package dev.grove.session;

import java.nio.file.Path;
import java.util.List;

/**
 * Everything {@code validate} found in a session file. Problems make the file unreadable as a
 * session; warnings (an incomplete last line left by a crash, a newer format version) do not.
 */
public record ValidationReport(
    Path file,
    SessionHeader header,
    int entries,
    int lanes,
    List<Problem> problems,
    List<String> warnings) {
  public ValidationReport {
    problems = List.copyOf(problems);
    warnings = List.copyOf(warnings);
  }

  public boolean valid() {
    return problems.isEmpty();
  }
}
