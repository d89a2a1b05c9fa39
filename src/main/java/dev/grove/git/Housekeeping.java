package dev.grove.git;

import dev.grove.fs.FileTree;
import dev.grove.git.PruneReport.Action;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/** {@link Worktrees#prune} and {@link Worktrees#gc}; runs under the repository's lock. */
final class Housekeeping {
  private static final String CHECKPOINTS = Checkpoints.KEPT_PREFIX;

  private final Worktrees worktrees;
  private final Repo repo;
  private final Git git;

  Housekeeping(Worktrees worktrees) {
    this.worktrees = worktrees;
    this.repo = worktrees.repo();
    this.git = worktrees.git();
  }

  PruneReport prune(boolean dryRun, Duration staleAfter) {
    List<Action> actions = new ArrayList<>();
    staleFiles(dryRun, staleAfter, actions);
    Map<Slug, Worktree> records = new LinkedHashMap<>();
    repo.readAll().forEach(w -> records.put(w.slug(), w));
    Map<String, Worktrees.Commit> tips = worktrees.taskBranchTips();

    // registrations of grove worktrees whose directory is gone
    Set<Path> registered = new HashSet<>();
    for (Map.Entry<Path, String> reg : repo.registered().entrySet()) {
      Path path = reg.getKey();
      if (!isGroves(path, records) || Files.isDirectory(path)) {
        registered.add(path);
        continue;
      }
      if (repo.lockReason(reg.getValue()).isPresent()) {
        actions.add(new Action.LeftLocked(path));
        registered.add(path);
        continue;
      }
      actions.add(
          new Action.RemovedRegistration(
              path,
              FileTree.sizeOrThrow(repo.commonDir.resolve("worktrees").resolve(reg.getValue()))));
      if (!dryRun) {
        GitResult res =
            git.probe(repo.mainWorktree, List.of("worktree", "remove", "--force", path.toString()));
        if (!res.ok() && worktrees.worktreeId(path) != null) {
          throw new GitException(res.command(), repo.mainWorktree, res.exitCode(), res.stderr());
        }
      }
    }

    // directories under grove's root that git does not know
    Set<Path> removedDirs = new HashSet<>();
    for (Path d : children(repo.worktreesRoot)) {
      if (registered.contains(d) || !Files.isDirectory(d, LinkOption.NOFOLLOW_LINKS)) {
        continue;
      }
      Slug slug = slugOf(d.getFileName().toString());
      // a removed worktree's files that a crash left half deleted: their work was saved before
      boolean hadFiles =
          !d.getFileName().toString().startsWith(Worktrees.TRASH) && Worktrees.hasFiles(d);
      Optional<String> saved = Optional.empty();
      long bytes;
      if (dryRun) {
        bytes = FileTree.sizeOrThrow(d);
      } else {
        if (hadFiles) {
          saved = saveDirectory(d, slug, tips.get(slug.value()), records.get(slug));
        }
        bytes = FileTree.deleteOrThrow(d);
      }
      removedDirs.add(d);
      actions.add(new Action.RemovedDirectory(d, bytes, hadFiles, saved));
    }

    // records of worktrees that are wholly gone, and their branches
    for (Worktree w : records.values()) {
      boolean dirGone = removedDirs.contains(w.path()) || !Files.isDirectory(w.path());
      if (!dirGone || registered.contains(w.path())) {
        continue;
      }
      if (tips.containsKey(w.slug().value())) {
        int unique = worktrees.uniqueCommits(w.slug());
        if (unique > 0) {
          actions.add(new Action.KeptBranch(w.branch(), unique));
          continue;
        }
        actions.add(new Action.DeletedBranch(w.branch()));
        if (!dryRun) {
          Repo.retrying(() -> git.run(repo.mainWorktree, List.of("branch", "-D", w.branch())));
        }
      }
      actions.add(new Action.DroppedRecord(w.slug()));
      if (!dryRun) {
        repo.delete(w.slug());
      }
    }

    // last-checkpoint refs of worktrees git no longer has
    String linked = Checkpoints.LAST_PREFIX + "worktrees/";
    for (String ref :
        git.run(repo.mainWorktree, List.of("for-each-ref", "--format=%(refname)", linked))
            .lines()) {
      if (!Files.isDirectory(
          repo.commonDir.resolve("worktrees").resolve(ref.substring(linked.length())))) {
        actions.add(new Action.DeletedRef(ref));
        if (!dryRun) {
          git.probe(repo.mainWorktree, List.of("update-ref", "-d", ref));
        }
      }
    }
    return new PruneReport(dryRun, actions);
  }

  /**
   * True for a worktree under grove's root, or one on the branch of a worktree grove has a record
   * of.
   */
  private boolean isGroves(Path path, Map<Slug, Worktree> records) {
    return path.startsWith(repo.worktreesRoot)
        || records.values().stream().anyMatch(w -> w.path().equals(path));
  }

  /**
   * Saves the files of a directory git no longer knows, unless its branch already holds exactly
   * them.
   */
  private Optional<String> saveDirectory(Path d, Slug slug, Worktrees.Commit tip, Worktree record) {
    Snapshots snapshots = worktrees.snapshots();
    String tree = snapshots.writeTreeOfDirectory(repo.commonDir, d).id();
    String parent = tip == null ? null : tip.id();
    if (parent != null
        && tree.equals(
            git.run(
                    repo.mainWorktree,
                    List.of("rev-parse", "--verify", "--end-of-options", parent + "^{tree}"))
                .out())) {
      return Optional.empty();
    }
    String message =
        "grove: files of "
            + d
            + ", a directory git no longer knew as a worktree\n\n"
            + (record == null ? "" : Worktrees.trailers(record));
    String commit = snapshots.commit(tree, parent, message);
    return Optional.of(worktrees.save(slug, commit, "grove: saved by grove worktree prune"));
  }

  private static Slug slugOf(String name) {
    try {
      return Slug.of(name);
    } catch (IllegalArgumentException e) {
      return new Slug("unnamed");
    }
  }

  /**
   * Git lock files and grove temporary files older than {@code staleAfter}, in grove's part of the
   * repository.
   */
  private void staleFiles(boolean dryRun, Duration staleAfter, List<Action> actions) {
    List<Path> candidates = new ArrayList<>();
    Path common = repo.commonDir;
    candidates.add(common.resolve("config.lock"));
    candidates.add(common.resolve("packed-refs.lock"));
    candidates.addAll(matching(common, "grove-snapshot-*"));
    for (Map.Entry<Path, String> reg : repo.registered().entrySet()) {
      if (!reg.getKey().startsWith(repo.worktreesRoot)) {
        continue; // not grove's
      }
      Path admin = common.resolve("worktrees").resolve(reg.getValue());
      candidates.add(admin.resolve("index.lock"));
      candidates.add(admin.resolve("HEAD.lock"));
      candidates.addAll(matching(admin, "grove-snapshot-*"));
      if (Repo.readSmall(admin.resolve("locked"))
          .map(String::strip)
          .filter("initializing"::equals)
          .isPresent()) {
        candidates.add(admin.resolve("locked")); // left by a `git worktree add` that never finished
      }
    }
    for (String refs : List.of("refs/heads/task", "refs/grove")) {
      Path dir = common.resolve(refs);
      if (Files.isDirectory(dir)) {
        try {
          FileTree.forEach(
              dir,
              p -> {
                if (p.getFileName().toString().endsWith(".lock")) {
                  candidates.add(p);
                }
              });
        } catch (IOException e) {
          throw new UncheckedIOException("cannot read " + dir + ": " + e.getMessage(), e);
        }
      }
    }
    Instant now = worktrees.clock().instant();
    for (Path p : candidates) {
      BasicFileAttributes a;
      try {
        a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      } catch (IOException e) {
        continue; // not there
      }
      Duration age = Duration.between(a.lastModifiedTime().toInstant(), now);
      if (age.compareTo(staleAfter) > 0) {
        actions.add(new Action.DeletedStaleFile(p, a.size(), age));
        if (!dryRun) {
          Snapshots.deleteQuietly(p);
        }
      }
    }
  }

  GcReport gc(boolean dryRun, Set<String> live) {
    Map<String, List<String>> bySession = new TreeMap<>();
    for (String ref :
        git.run(repo.mainWorktree, List.of("for-each-ref", "--format=%(refname)", CHECKPOINTS))
            .lines()) {
      String rest = ref.substring(CHECKPOINTS.length());
      int slash = rest.indexOf('/');
      bySession
          .computeIfAbsent(slash < 0 ? rest : rest.substring(0, slash), k -> new ArrayList<>())
          .add(ref);
    }
    Map<String, Integer> deleted = new TreeMap<>();
    int kept = 0;
    StringBuilder deletes = new StringBuilder();
    for (Map.Entry<String, List<String>> e : bySession.entrySet()) {
      if (live.contains(e.getKey())) {
        kept += e.getValue().size();
      } else {
        deleted.put(e.getKey(), e.getValue().size());
        e.getValue().forEach(ref -> deletes.append("delete ").append(ref).append('\n'));
      }
    }
    if (!dryRun && !deleted.isEmpty()) {
      byte[] stdin = deletes.toString().getBytes(StandardCharsets.UTF_8);
      Repo.retrying(
          () ->
              git.run(
                  repo.mainWorktree,
                  List.of("update-ref", "--stdin"),
                  Map.of(),
                  stdin,
                  git.timeout()));
    }
    return new GcReport(dryRun, deleted, kept);
  }

  private static List<Path> children(Path dir) {
    return matching(dir, "*");
  }

  private static List<Path> matching(Path dir, String glob) {
    List<Path> all = new ArrayList<>();
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, glob)) {
      s.forEach(all::add);
    } catch (NoSuchFileException e) {
      return List.of();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + dir + ": " + e.getMessage(), e);
    }
    all.sort(null);
    return all;
  }
}
