package dev.grove.git;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.grove.lock.LockFile;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * One repository as grove sees it: where its git directory and main worktree are, where its grove
 * worktrees go, grove's records of them, and the per-repository lock.
 *
 * <p>Records live in the repository's common git directory, {@code
 * <git-dir>/grove/worktrees/<slug>.json}: beside git's own worktree registry, shared by every
 * worktree, invisible to {@code git status}, and out of an agent's reach once the sandbox hides the
 * git directory. File I/O here uses {@code java.io} streams, which an interrupt does not close.
 */
final class Repo {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int RECORD_VERSION = 1;

  /** Bounded retries for git's lock files, should something outside grove hold one. */
  private static final int ATTEMPTS = 12;

  final Path mainWorktree;
  final Path commonDir;
  final Path groveDir;
  final Path worktreesRoot;

  private Repo(Path mainWorktree, Path commonDir, Path worktreesRoot) {
    this.mainWorktree = mainWorktree;
    this.commonDir = commonDir;
    this.groveDir = commonDir.resolve("grove");
    this.worktreesRoot = worktreesRoot;
  }

  /** Finds the repository containing {@code dir} (any of its worktrees will do). */
  static Repo open(Git git, Path dir, Path groveHome) {
    if (!Files.isDirectory(dir)) {
      throw new WorktreeException.NotARepository(dir + " is not a directory");
    }
    GitResult r =
        git.probe(
            dir,
            List.of(
                "rev-parse",
                "--path-format=absolute",
                "--git-common-dir",
                "--git-dir",
                "--is-bare-repository"));
    if (!r.ok()) {
      throw new WorktreeException.NotARepository(
          dir
              + " is not in a git repository ("
              + r.stderr().strip()
              + "); pass --repo DIR or run grove inside one");
    }
    List<String> lines = r.lines();
    if ("true".equals(lines.get(2).strip())) {
      throw new WorktreeException.NotARepository(
          dir + " is a bare repository; grove needs one with a working tree");
    }
    Path common = canonical(Path.of(lines.get(0).strip()));
    Path main;
    if (common.getFileName().toString().equals(".git")) {
      main = common.getParent(); // where git itself takes the main worktree to be
    } else if (canonical(Path.of(lines.get(1).strip())).equals(common)) {
      main =
          canonical(
              Path.of(
                  git.run(dir, List.of("rev-parse", "--show-toplevel"))
                      .out())); // --separate-git-dir
    } else {
      throw new WorktreeException.NotARepository(
          "cannot tell where the main worktree of "
              + dir
              + " is (its git "
              + "directory "
              + common
              + " is not named .git); run grove in the main worktree");
    }
    Path root = canonical(groveHome.toAbsolutePath()).resolve("worktrees").resolve(repoId(main));
    return new Repo(main, common, root);
  }

  /**
   * {@code <name>-<8 hex of SHA-256 of the path>}: readable, and distinct for two checkouts of one
   * name.
   */
  static String repoId(Path mainWorktree) {
    String name =
        mainWorktree.getFileName() == null
            ? "root"
            : mainWorktree.getFileName().toString().replaceAll("[^A-Za-z0-9._-]+", "-");
    try {
      byte[] h =
          MessageDigest.getInstance("SHA-256")
              .digest(mainWorktree.toString().getBytes(StandardCharsets.UTF_8));
      return name + "-" + HexFormat.of().formatHex(h, 0, 4);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The path with symbolic links resolved as far as it exists, so that paths compare equal however
   * they were spelled (git records real paths).
   */
  static Path canonical(Path p) {
    Path abs = p.toAbsolutePath().normalize();
    Path existing = abs;
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    if (existing == null) {
      return abs;
    }
    try {
      return existing.toRealPath().resolve(existing.relativize(abs));
    } catch (IOException e) {
      return abs;
    }
  }

  Path pathFor(Slug slug) {
    return worktreesRoot.resolve(slug.value());
  }

  Path recordsDir() {
    return groveDir.resolve("worktrees");
  }

  Path recordFile(Slug slug) {
    return recordsDir().resolve(slug.value() + ".json");
  }

  /**
   * Present from before a worktree's registration until its files are all written ({@link
   * Worktrees#discardIfUnfinished}): a worktree a crash cut off in its checkout is not taken for a
   * whole one.
   */
  Path makingFile(Slug slug) {
    return recordsDir().resolve(slug.value() + ".making");
  }

  Path setupLog(Slug slug) {
    return recordsDir().resolve(slug.value() + ".setup.log");
  }

  /** Runs {@code action} holding the repository's lock (against other threads and processes). */
  @SuppressWarnings("try") // the hold is the point, not its methods
  <T> T locked(Supplier<T> action) {
    try (LockFile lock = LockFile.open(groveDir.resolve("lock"));
        LockFile.Held held = lock.acquire()) {
      return action.get();
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot lock " + groveDir.resolve("lock") + ": " + e.getMessage(), e);
    }
  }

  void locked(Runnable action) {
    locked(
        () -> {
          action.run();
          return null;
        });
  }

  /**
   * Runs a git command, retrying a bounded number of times (with growing, jittered pauses) while
   * git reports one of its lock files as taken. Only for commands that change nothing when they
   * fail so.
   */
  static <T> T retrying(Supplier<T> command) {
    long pause = 10;
    for (int attempt = 1; ; attempt++) {
      try {
        return command.get();
      } catch (GitException e) {
        if (!e.isLockContention() || attempt == ATTEMPTS) {
          throw e;
        }
      }
      sleepUninterruptibly(Duration.ofMillis(pause + ThreadLocalRandom.current().nextLong(pause)));
      pause = Math.min(pause * 2, 1000);
    }
  }

  static void sleepUninterruptibly(Duration d) {
    boolean interrupted = false;
    long deadline = System.nanoTime() + d.toNanos();
    for (long left = d.toNanos(); left > 0; left = deadline - System.nanoTime()) {
      try {
        Thread.sleep(Duration.ofNanos(left));
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  // --- git's worktree registry, read directly: `git worktree list` fails on a registration another
  // process is making or deleting at that moment, these reads just skip it

  /**
   * The linked worktrees git has registered: the canonical path of each to its id (the name of its
   * directory under {@code <git-common-dir>/worktrees/}, whose {@code gitdir} file holds the path
   * of the worktree's {@code .git}; see gitrepository-layout(5)).
   */
  Map<Path, String> registered() {
    Map<Path, String> all = new HashMap<>();
    try (DirectoryStream<Path> ids = Files.newDirectoryStream(commonDir.resolve("worktrees"))) {
      for (Path d : ids) {
        readSmall(d.resolve("gitdir"))
            .map(String::strip)
            .filter(s -> s.endsWith("/.git"))
            .ifPresent(s -> all.put(canonical(Path.of(s).getParent()), d.getFileName().toString()));
      }
    } catch (NoSuchFileException e) {
      return Map.of();
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot read git's worktree registry in " + commonDir + ": " + e.getMessage(), e);
    }
    return all;
  }

  /**
   * git's id of the linked worktree at {@code top} (a canonical path), or null if none is
   * registered there. Looks first where git puts it ({@code worktrees/<directory name>}), then at
   * every registration.
   */
  String idOf(Path top) {
    String likely = top.getFileName() == null ? null : top.getFileName().toString();
    if (likely != null) {
      Optional<String> gitdir =
          readSmall(commonDir.resolve("worktrees").resolve(likely).resolve("gitdir"))
              .map(String::strip)
              .filter(s -> s.endsWith("/.git"));
      if (gitdir.isPresent() && canonical(Path.of(gitdir.get()).getParent()).equals(top)) {
        return likely;
      }
    }
    return registered().get(top);
  }

  /** Why the worktree is locked ({@code git worktree lock}), if it is. */
  Optional<String> lockReason(String id) {
    Path locked = commonDir.resolve("worktrees").resolve(id).resolve("locked");
    return Files.exists(locked)
        ? Optional.of(
            readSmall(locked)
                .map(String::strip)
                .filter(s -> !s.isEmpty())
                .orElse("no reason given"))
        : Optional.empty();
  }

  /** A small file's text, or empty if it cannot be read (gone, being written). */
  static Optional<String> readSmall(Path f) {
    try (FileInputStream in = new FileInputStream(f.toFile())) {
      return Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  // --- records

  void write(Worktree w) {
    ObjectNode o = JSON.createObjectNode().put("version", RECORD_VERSION);
    o.setAll(w.toJson());
    try {
      writeAtomically(
          recordFile(w.slug()), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(o));
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot write " + recordFile(w.slug()) + ": " + e.getMessage(), e);
    }
  }

  Optional<Worktree> read(Slug slug) {
    Path f = recordFile(slug);
    try (FileInputStream in = new FileInputStream(f.toFile())) {
      return Optional.of(parse(f, in.readAllBytes()));
    } catch (java.io.FileNotFoundException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + f + ": " + e.getMessage(), e);
    }
  }

  /** Every record, by slug. */
  List<Worktree> readAll() {
    List<Worktree> all = new ArrayList<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(recordsDir(), "*.json")) {
      for (Path f : files) {
        String name = f.getFileName().toString();
        read(new Slug(name.substring(0, name.length() - ".json".length()))).ifPresent(all::add);
      }
    } catch (NoSuchFileException e) {
      return List.of();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + recordsDir() + ": " + e.getMessage(), e);
    }
    all.sort(Comparator.comparing(w -> w.slug().value()));
    return all;
  }

  void delete(Slug slug) {
    try {
      Files.deleteIfExists(recordFile(slug));
      Files.deleteIfExists(setupLog(slug));
      Files.deleteIfExists(makingFile(slug));
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot delete " + recordFile(slug) + ": " + e.getMessage(), e);
    }
  }

  private static Worktree parse(Path file, byte[] bytes) throws IOException {
    try {
      JsonNode o = JSON.readTree(bytes);
      // records of earlier versions name the directory "path"
      String dir =
          o.path("worktree").isTextual() ? o.path("worktree").asText() : o.path("path").asText();
      return new Worktree(
          new Slug(o.path("slug").asText()),
          Path.of(dir),
          o.path("baseRef").asText(),
          o.path("baseCommit").asText(),
          Instant.parse(o.path("createdAt").asText()),
          o.path("owner").isTextual() ? o.path("owner").asText() : null);
    } catch (RuntimeException e) {
      throw new IOException(
          "damaged worktree record ("
              + e.getMessage()
              + "); delete it and run grove worktree prune",
          e);
    }
  }

  /** Write to a temporary file, fsync, rename over the target, fsync the directory. */
  static void writeAtomically(Path target, byte[] bytes) throws IOException {
    Files.createDirectories(target.getParent());
    Path tmp =
        target.resolveSibling(
            "."
                + target.getFileName()
                + ".tmp-"
                + Long.toHexString(ThreadLocalRandom.current().nextLong()));
    try {
      try (FileOutputStream out = new FileOutputStream(tmp.toFile())) {
        out.write(bytes);
        out.getFD().sync();
      }
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
    try (java.nio.channels.FileChannel dir =
        java.nio.channels.FileChannel.open(target.getParent())) {
      dir.force(true);
    } catch (IOException e) {
      // some file systems cannot sync a directory (and an interrupt closes the channel); the rename
      // is done
    }
  }
}
