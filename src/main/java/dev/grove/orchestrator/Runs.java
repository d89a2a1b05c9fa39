package dev.grove.orchestrator;

import dev.grove.git.Git;
import dev.grove.git.GitResult;
import dev.grove.session.SessionStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The runs of a repository: one session file each, named by run id, in {@code
 * <git-common-dir>/grove/sessions/}.
 *
 * <p>Run state lives in the git directory because nothing a checkout, a merge or a pull does can
 * put a file there or remove one: a branch an agent shipped cannot plant a run that grove would
 * then believe, nor delete the user's runs. (Earlier versions kept runs in the checkout's {@code
 * .grove/sessions/}; {@link #migrate} moves the untracked ones over once, and ignores, with a
 * warning, any that git tracks: those arrived with a commit, not from a run here.)
 */
public final class Runs {
  private Runs() {}

  /**
   * How run ids look ({@code yyyyMMdd-HHmmss-xxxx}); other session files there (grove agent run's)
   * are not runs.
   */
  private static final Pattern RUN_ID = Pattern.compile("\\d{8}-\\d{6}-[0-9a-f]{4,8}");

  /** Where runs are kept inside a git common directory. */
  public static Path dirIn(Path gitCommonDir) {
    return gitCommonDir.resolve("grove").resolve("sessions");
  }

  /**
   * The runs directory of the repository holding {@code dir}, found from its {@code .git} without
   * running git (so that reading status stays cheap): the nearest {@code .git} above, a directory
   * (a main checkout) or a {@code gitdir:} file (a linked worktree, whose {@code commondir} names
   * the shared directory). When there is no repository around {@code dir}, the directory a
   * repository at {@code dir} would have.
   */
  public static Path dir(Path dir) {
    return dirIn(commonDir(dir));
  }

  /** The git common directory of the repository holding {@code dir} (see {@link #dir}). */
  static Path commonDir(Path dir) {
    Path top = dir.toAbsolutePath().normalize();
    while (top != null && !Files.exists(top.resolve(".git"), LinkOption.NOFOLLOW_LINKS)) {
      top = top.getParent();
    }
    if (top == null) {
      return dir.toAbsolutePath().normalize().resolve(".git");
    }
    Path dotGit = top.resolve(".git");
    if (Files.isDirectory(dotGit, LinkOption.NOFOLLOW_LINKS)) {
      return dotGit;
    }
    Optional<String> link = firstLine(dotGit).filter(l -> l.startsWith("gitdir: "));
    if (link.isEmpty()) {
      return dotGit;
    }
    Path gitDir = top.resolve(link.get().substring("gitdir: ".length())).normalize();
    return firstLine(gitDir.resolve("commondir"))
        .map(c -> gitDir.resolve(c).normalize())
        .orElse(gitDir);
  }

  /**
   * The main checkout of the repository holding {@code dir}: where its project files ({@code
   * .grove/config.toml}, {@code .groveinclude}) are. Found like {@link #dir}, without running git.
   */
  public static Path mainCheckout(Path dir) {
    Path common = commonDir(dir);
    return common.getFileName() != null && common.getFileName().toString().equals(".git")
        ? common.getParent()
        : dir.toAbsolutePath().normalize();
  }

  private static Optional<String> firstLine(Path file) {
    try {
      if (!Files.isRegularFile(file) || Files.size(file) > 4096) {
        return Optional.empty();
      }
      return Files.readString(file, StandardCharsets.UTF_8).lines().findFirst().map(String::strip);
    } catch (IOException | UncheckedIOException e) {
      return Optional.empty();
    }
  }

  /** Where earlier versions kept runs: {@code <checkout>/.grove/sessions}. */
  static Path legacyDir(Path mainCheckout) {
    return mainCheckout.resolve(".grove").resolve("sessions");
  }

  /** What {@link #migrate} did: the runs moved, and warnings about what it left. */
  public record Migration(List<String> moved, List<String> warnings) {
    public Migration {
      moved = List.copyOf(moved);
      warnings = List.copyOf(warnings);
    }
  }

  /**
   * Moves the run files an earlier version kept in {@code <mainCheckout>/.grove/sessions/} to
   * {@code runsDir}: only regular files that git does not track (a tracked one came with a commit
   * and is nobody's run here: it is left, with a warning), never over an existing file, and nothing
   * when {@code .grove} or {@code .grove/sessions} is a symbolic link (git tracks none of the files
   * beyond a link, so a link that came with a commit would pass its files for the user's).
   * Idempotent; cheap when there is nothing to move (no git process runs).
   */
  public static Migration migrate(Git git, Path mainCheckout, Path runsDir) {
    Path legacy = legacyDir(mainCheckout);
    if (Files.isSymbolicLink(legacy.getParent()) || Files.isSymbolicLink(legacy)) {
      // a link can come with a commit, and git lists no file beyond it as tracked: what it leads to
      // is no run
      // of this repository's
      return new Migration(
          List.of(),
          List.of(
              legacy
                  + " goes through a symbolic link (it may have come with a commit); "
                  + "grove takes no runs from it"));
    }
    List<Path> candidates;
    try (Stream<Path> files =
        Files.isDirectory(legacy, LinkOption.NOFOLLOW_LINKS)
            ? Files.list(legacy)
            : Stream.empty()) {
      candidates =
          files.filter(p -> p.getFileName().toString().endsWith(".jsonl")).sorted().toList();
    } catch (IOException e) {
      return new Migration(List.of(), List.of("cannot read " + legacy + ": " + e.getMessage()));
    }
    if (candidates.isEmpty()) {
      return new Migration(List.of(), List.of());
    }
    Set<String> tracked = new HashSet<>();
    GitResult ls = git.probe(mainCheckout, List.of("ls-files", "-z", "--", ".grove/sessions"));
    if (!ls.ok()) {
      return new Migration(
          List.of(),
          List.of(
              "cannot tell which files in "
                  + legacy
                  + " git tracks, so none was moved: "
                  + ls.stderr().strip()));
    }
    for (String f : ls.records()) {
      tracked.add(Path.of(f).getFileName().toString());
    }
    List<String> moved = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    for (Path p : candidates) {
      String name = p.getFileName().toString();
      if (tracked.contains(name)) {
        warnings.add(
            p
                + " is tracked by git (it came with a commit, not from a run here); grove ignores it");
        continue;
      }
      if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
        warnings.add(p + " is not a regular file; grove ignores it");
        continue;
      }
      try {
        Files.createDirectories(runsDir);
        Path to = runsDir.resolve(name);
        if (Files.exists(to, LinkOption.NOFOLLOW_LINKS)) {
          warnings.add(p + " was not moved: " + to + " exists already");
          continue;
        }
        try {
          Files.move(p, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException crossDevice) {
          Files.copy(p, to, LinkOption.NOFOLLOW_LINKS);
          Files.delete(p);
        }
        Files.deleteIfExists(p.resolveSibling(name + ".lock"));
        moved.add(name.substring(0, name.length() - ".jsonl".length()));
      } catch (FileAlreadyExistsException e) {
        warnings.add(p + " was not moved: " + e.getFile() + " exists already");
      } catch (IOException e) {
        warnings.add("cannot move " + p + " to " + runsDir + ": " + e.getMessage());
      }
    }
    return new Migration(moved, warnings);
  }

  /** Run ids, newest first. */
  public static List<String> list(Path sessionsDir) {
    return sessions(sessionsDir).stream().filter(n -> RUN_ID.matcher(n).matches()).toList();
  }

  /**
   * Whether a live process works on the run kept in {@code runFile} (it holds the run's lock; see
   * {@link RunLock}). Cheap: no file is read.
   */
  public static boolean live(Path runFile) {
    return RunLock.holder(runFile).isPresent();
  }

  /** Whether {@code s} looks like a run id. */
  public static boolean isRunId(String s) {
    return s != null && RUN_ID.matcher(s).matches();
  }

  /**
   * The names (without {@code .jsonl}) of every session file in the directory, runs and others,
   * newest first.
   */
  static List<String> sessions(Path sessionsDir) {
    if (!Files.isDirectory(sessionsDir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(sessionsDir)) {
      return files
          .filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))
          .map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".jsonl") && !n.startsWith("."))
          .map(n -> n.substring(0, n.length() - ".jsonl".length()))
          .sorted(Comparator.reverseOrder())
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + sessionsDir, e);
    }
  }

  /**
   * The session file of a run named by its id or a unique prefix of it; null or empty for the
   * newest run. Only files in the repository's runs directory are runs: a path elsewhere is
   * refused.
   */
  public static Path file(Path sessionsDir, String run) {
    List<String> all = list(sessionsDir);
    if (all.isEmpty()) {
      throw new OrchestratorException.NotFound(
          "no runs yet in " + sessionsDir + " (start one with grove run)");
    }
    if (run == null || run.isBlank()) {
      return sessionsDir.resolve(all.get(0) + ".jsonl");
    }
    String id =
        run.endsWith(".jsonl")
            ? Path.of(run).getFileName().toString().replaceFirst("\\.jsonl$", "")
            : run;
    List<String> matches = all.stream().filter(r -> r.startsWith(id)).toList();
    if (matches.size() == 1) {
      return sessionsDir.resolve(matches.get(0) + ".jsonl");
    }
    if (matches.isEmpty()) {
      throw new OrchestratorException.NotFound(
          "no run "
              + run
              + " in "
              + sessionsDir
              + " (runs: "
              + String.join(", ", all.subList(0, Math.min(5, all.size())))
              + (all.size() > 5 ? ", …" : "")
              + ")");
    }
    throw new OrchestratorException(
        "'" + run + "' names several runs (" + String.join(", ", matches) + "); give more of it");
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
    throw new OrchestratorException.NotFound("no run in " + sessionsDir + " has an entry " + entry);
  }
}
