package dev.grove.git;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Turns a worktree's files into git objects without touching its index, HEAD or branch: a temporary
 * index seeded from the real one (so files whose stat data is unchanged are not read again),
 * {@code add -A}, {@code write-tree}; then, for a snapshot, {@code commit-tree} with a fixed grove
 * identity, so it works where no git identity is configured.
 */
final class Snapshots {
  /** Reading or writing every file of a large worktree can take a while on a slow disk. */
  static final Duration FILE_HEAVY = Duration.ofMinutes(15);
  static final String NAME = "grove";
  static final String EMAIL = "grove@grove.invalid";

  private final Git git;
  private final Clock clock;

  Snapshots(Git git, Clock clock) {
    if (!git.hooksDisabled()) {
      throw new IllegalArgumentException("snapshots must run git with hooks disabled");
    }
    this.git = git;
    this.clock = clock;
  }

  /**
   * Where a worktree's pieces are.
   *
   * @param top the worktree's top directory
   * @param gitDir its own git directory ({@code <common>/worktrees/<id>}, or the common one for the main worktree)
   */
  record Layout(Path top, Path gitDir, Path commonDir) {
    /** git's id of a linked worktree (the name of its git directory), or null for a main worktree. */
    String worktreeId() {
      return gitDir.equals(commonDir) ? null : gitDir.getFileName().toString();
    }
  }

  /** A worktree and the commit it has checked out. */
  record Located(Layout layout, String head) {
    Path top() {
      return layout.top();
    }
  }

  /**
   * Reads a worktree's layout from its {@code .git} (a directory for a main worktree; for a linked
   * one a file {@code gitdir: <dir>}, whose {@code commondir} names the repository's git directory:
   * gitrepository-layout(5)) without running git; asks git only for anything else.
   */
  Layout layout(Path worktree) {
    if (!Files.isDirectory(worktree)) {
      throw new WorktreeException.NotFound("worktree directory " + worktree + " does not exist");
    }
    Path top = Repo.canonical(worktree);
    Path dotGit = top.resolve(".git");
    if (Files.isDirectory(dotGit)) {
      return new Layout(top, dotGit, dotGit);
    }
    Optional<String> link = Repo.readSmall(dotGit).map(String::strip).filter(l -> l.startsWith("gitdir: "));
    if (link.isPresent()) {
      Path gitDir = Repo.canonical(top.resolve(link.get().substring("gitdir: ".length())));
      Optional<String> common = Repo.readSmall(gitDir.resolve("commondir")).map(String::strip);
      if (common.isPresent()) {
        return new Layout(top, gitDir, Repo.canonical(gitDir.resolve(common.get())));
      }
    }
    GitResult r = git.probe(worktree, List.of("rev-parse", "--path-format=absolute", "--show-toplevel", "--git-dir",
        "--git-common-dir"));
    if (!r.ok()) {
      throw new WorktreeException.NotARepository(worktree + " is not a git worktree: " + r.stderr().strip());
    }
    List<String> l = r.lines();
    return new Layout(Path.of(l.get(0)), Path.of(l.get(1)), Path.of(l.get(2)));
  }

  Located locate(Path worktree) {
    Layout layout = layout(worktree);
    return new Located(layout, resolve(layout.top(), List.of("HEAD")).get(0).orElseThrow(() ->
        new WorktreeException.NotARepository(worktree + " has no commit checked out")));
  }

  /** Resolves revisions to object ids in one git process; empty for those that do not exist. */
  List<Optional<String>> resolve(Path dir, List<String> revisions) {
    byte[] stdin = (String.join("\n", revisions) + "\n").getBytes(StandardCharsets.UTF_8);
    List<String> lines = git.run(dir, List.of("cat-file", "--batch-check=%(objectname)"), Map.of(), stdin, git.timeout())
        .lines();
    List<Optional<String>> ids = new ArrayList<>();
    for (String line : lines) {
      ids.add(line.matches("[0-9a-f]{40}|[0-9a-f]{64}") ? Optional.of(line) : Optional.empty());
    }
    return ids;
  }

  /** The tree of the worktree's files as they are now: tracked changes and untracked, non-ignored files. */
  String writeTree(Layout w) {
    Path seed = w.gitDir().resolve("index");
    Path tmp = w.gitDir().resolve("grove-snapshot-" + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".index");
    try {
      try {
        // keep the index's mtime: git judges which cached stat data it can trust by it ("racy git")
        Files.copy(seed, tmp, StandardCopyOption.COPY_ATTRIBUTES);
      } catch (NoSuchFileException e) {
        // no index yet: start from an empty one, every file is read
      }
      return writeTree(w.top(), Map.of("GIT_INDEX_FILE", tmp.toString()));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot copy the index " + seed + ": " + e.getMessage(), e);
    } finally {
      deleteQuietly(tmp);
      deleteQuietly(tmp.resolveSibling(tmp.getFileName() + ".lock"));
    }
  }

  /**
   * The tree of a directory that git no longer knows as a worktree (its registration is gone),
   * read against the repository's git directory with a fresh index.
   */
  String writeTreeOfDirectory(Path commonDir, Path dir) {
    Path tmp = commonDir.resolve("grove-snapshot-" + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".index");
    try {
      return writeTree(dir, Map.of("GIT_INDEX_FILE", tmp.toString(), "GIT_DIR", commonDir.toString(),
          "GIT_WORK_TREE", dir.toString()));
    } finally {
      deleteQuietly(tmp);
      deleteQuietly(tmp.resolveSibling(tmp.getFileName() + ".lock"));
    }
  }

  private String writeTree(Path dir, Map<String, String> env) {
    git.run(dir, List.of("-c", "advice.addEmbeddedRepo=false", "add", "-A"), env, null, FILE_HEAVY);
    return git.run(dir, List.of("write-tree"), env).out();
  }

  /** A commit of {@code tree} on {@code parent} (null: none) by grove, dated by the clock. */
  String commit(Path dir, String tree, String parent, String message) {
    String date = "@" + clock.instant().getEpochSecond() + " +0000";
    Map<String, String> env = new HashMap<>();
    env.put("GIT_AUTHOR_NAME", NAME);
    env.put("GIT_AUTHOR_EMAIL", EMAIL);
    env.put("GIT_AUTHOR_DATE", date);
    env.put("GIT_COMMITTER_NAME", NAME);
    env.put("GIT_COMMITTER_EMAIL", EMAIL);
    env.put("GIT_COMMITTER_DATE", date);
    List<String> args = new ArrayList<>(List.of("commit-tree", "--no-gpg-sign", tree));
    if (parent != null) {
      args.add("-p");
      args.add(parent);
    }
    return git.run(dir, args, env, message.getBytes(StandardCharsets.UTF_8), git.timeout()).out();
  }

  /** Creates {@code ref} at {@code commit}; false if the ref already exists (it is left as it was). */
  boolean create(Path dir, String ref, String commit, String reason) {
    GitResult r = git.probe(dir, List.of("update-ref", "-m", reason, "--stdin"),
        Map.of(), ("create " + ref + " " + commit + "\n").getBytes(StandardCharsets.UTF_8), git.timeout());
    if (r.ok()) {
      return true;
    }
    if (r.stderr().contains("reference already exists")) {
      return false;
    }
    throw new GitException(r.command(), dir, r.exitCode(), r.stderr());
  }

  static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      // a leftover temporary file; grove worktree prune removes it
    }
  }
}
