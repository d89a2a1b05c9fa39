package dev.grove.orchestrator;

import dev.grove.session.SessionStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** The runs of a repository: one session file each, in {@code .grove/sessions/}, named by run id. */
public final class Runs {
  private Runs() {}

  /** How run ids look ({@code yyyyMMdd-HHmmss-xxxx}); other session files there (grove agent run's) are not runs. */
  private static final java.util.regex.Pattern RUN_ID = java.util.regex.Pattern.compile("\\d{8}-\\d{6}-[0-9a-f]{4}");

  /** Where a repository's sessions live: {@code <repo>/.grove/sessions}. */
  public static Path dir(Path repo) {
    return repo.resolve(".grove").resolve("sessions");
  }

  /** Run ids, newest first. */
  public static List<String> list(Path sessionsDir) {
    return sessions(sessionsDir).stream().filter(n -> RUN_ID.matcher(n).matches()).toList();
  }

  /** The names (without {@code .jsonl}) of every session file in the directory, runs and others, newest first. */
  static List<String> sessions(Path sessionsDir) {
    if (!Files.isDirectory(sessionsDir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(sessionsDir)) {
      return files.map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".jsonl") && !n.startsWith("."))
          .map(n -> n.substring(0, n.length() - ".jsonl".length()))
          .sorted(Comparator.reverseOrder())
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + sessionsDir, e);
    }
  }

  /**
   * The session file of a run named by its id, a unique prefix of it, or a path to the file; null or
   * empty for the newest run.
   */
  public static Path file(Path sessionsDir, String run) {
    if (run != null && run.endsWith(".jsonl") && Files.isRegularFile(Path.of(run))) {
      return Path.of(run);
    }
    List<String> all = list(sessionsDir);
    if (all.isEmpty()) {
      throw new OrchestratorException("no runs yet in " + sessionsDir + " (start one with grove run)");
    }
    if (run == null || run.isBlank()) {
      return sessionsDir.resolve(all.get(0) + ".jsonl");
    }
    List<String> matches = all.stream().filter(r -> r.startsWith(run)).toList();
    if (matches.size() == 1) {
      return sessionsDir.resolve(matches.get(0) + ".jsonl");
    }
    if (matches.isEmpty()) {
      throw new OrchestratorException("no run " + run + " in " + sessionsDir + " (runs: "
          + String.join(", ", all.subList(0, Math.min(5, all.size()))) + (all.size() > 5 ? ", …" : "") + ")");
    }
    throw new OrchestratorException("'" + run + "' names several runs (" + String.join(", ", matches) + "); give more of it");
  }

  /** The run whose session file holds this entry id (or unique prefix), newest first. */
  public static String findEntry(Path sessionsDir, String entry) {
    for (String run : list(sessionsDir)) {
      try (SessionStore s = SessionStore.open(sessionsDir.resolve(run + ".jsonl"))) {
        s.resolve(entry);
        return run;
      } catch (RuntimeException notThere) {
        // try the next run
      }
    }
    throw new OrchestratorException("no run in " + sessionsDir + " has an entry " + entry);
  }
}
