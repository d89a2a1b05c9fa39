package dev.grove.orchestrator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.grove.lock.LockFile;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The repositories grove has run in on this machine: {@code GROVE_HOME/repositories.json}, written
 * when a run starts, read by the dashboard to list every run of every repository. A cache, not a
 * source of truth: the runs are the session files in each repository's git directory, and a
 * repository moved or deleted since is listed as missing (its runs went with it), never an error.
 *
 * <p>Registering is best effort — a registry that cannot be written never stops a run — and safe
 * for many processes: a lock file around the read-modify-write, and the new file moved into place
 * whole.
 */
public final class Repositories {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * One repository.
   *
   * @param repo its top directory (its main checkout)
   * @param runs where its runs are ({@code <git-common-dir>/grove/sessions})
   * @param lastRun when a run last started there
   */
  public record Known(Path repo, Path runs, Instant lastRun) {
    public Known {
      Objects.requireNonNull(repo, "repo");
      Objects.requireNonNull(runs, "runs");
    }

    /** Whether its runs are gone from where they were (the repository moved or was deleted). */
    public boolean missing() {
      return !Files.isDirectory(runs);
    }
  }

  private final Path file;

  private Repositories(Path file) {
    this.file = file;
  }

  /** The registry of {@code groveHome}. */
  public static Repositories at(Path groveHome) {
    return new Repositories(groveHome.resolve("repositories.json"));
  }

  public Path file() {
    return file;
  }

  /**
   * Records that a run started in {@code repo} at {@code when}. Never throws: a registry that
   * cannot be written leaves the repository unlisted (returns false).
   */
  public boolean register(Path repo, Path runs, Instant when) {
    try (LockFile lock = LockFile.open(lockFile());
        LockFile.Held held = lock.acquire()) {
      Map<Path, Known> all = new LinkedHashMap<>();
      for (Known k : read()) {
        all.put(k.runs(), k);
      }
      Path r = runs.toAbsolutePath().normalize();
      all.put(r, new Known(repo.toAbsolutePath().normalize(), r, when));
      write(List.copyOf(all.values()));
      return true;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /**
   * The repositories, the one whose run started last first. An unreadable registry reads as empty;
   * a damaged item is skipped.
   */
  public List<Known> list() {
    List<Known> out = new ArrayList<>(read());
    out.sort(
        Comparator.comparing(
                Known::lastRun, Comparator.nullsLast(Comparator.<Instant>naturalOrder()))
            .reversed());
    return out;
  }

  private List<Known> read() {
    if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      return List.of();
    }
    JsonNode root;
    try {
      root = JSON.readTree(file.toFile());
    } catch (IOException e) {
      return List.of();
    }
    List<Known> out = new ArrayList<>();
    for (JsonNode n : root.path("repositories")) {
      try {
        String repo = n.path("repo").asText(null);
        String runs = n.path("runs").asText(null);
        String last = n.path("lastRun").asText(null);
        if (repo != null && runs != null) {
          out.add(
              new Known(Path.of(repo), Path.of(runs), last == null ? null : Instant.parse(last)));
        }
      } catch (RuntimeException damaged) {
        // skipped: the registry is a cache
      }
    }
    return out;
  }

  private void write(List<Known> all) throws IOException {
    ObjectNode root = JSON.createObjectNode().put("version", 1);
    ArrayNode arr = root.putArray("repositories");
    for (Known k : all) {
      arr.addObject()
          .put("repo", k.repo().toString())
          .put("runs", k.runs().toString())
          .put("lastRun", k.lastRun() == null ? null : k.lastRun().toString());
    }
    Files.createDirectories(file.getParent());
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp-" + ProcessHandle.current().pid());
    Files.write(tmp, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
    try {
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private Path lockFile() {
    return file.resolveSibling(file.getFileName() + ".lock");
  }
}
