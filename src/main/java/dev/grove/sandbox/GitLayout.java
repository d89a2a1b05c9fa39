package dev.grove.sandbox;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Where a worktree's git metadata lives, read from the files git writes (git itself is never run on
 * a worktree an agent has written to: its config could run commands). A {@code .git} file is
 * trusted only if it has the shape {@code git worktree add} gives it, checked both ways: it points
 * to {@code <common>/worktrees/<name>}, and that directory's {@code gitdir} file points back to it.
 * Anything else is {@link Unrecognized}, and gets hidden rather than followed.
 */
sealed interface GitLayout {
  /** No {@code .git} at all. */
  record None() implements GitLayout {}

  /** A repository's main working tree: {@code .git} is its git directory. */
  record Checkout(Path gitDir) implements GitLayout {}

  /**
   * A linked worktree.
   *
   * @param pointer the worktree's {@code .git} file
   * @param privateDir {@code <common>/worktrees/<name>}: its HEAD, index and logs
   * @param commonDir the repository's git directory: objects, refs, config, hooks
   */
  record Linked(Path pointer, Path privateDir, Path commonDir) implements GitLayout {}

  /** A {@code .git} file that does not point to a worktree of a repository in the expected way. */
  record Unrecognized(Path pointer, String why) implements GitLayout {}

  /**
   * The main working tree of the repository, if there is one: the directory holding {@code .git}.
   * Grove's state (.grove) and the user's own uncommitted work live there.
   */
  default Optional<Path> mainWorktree() {
    return switch (this) {
      case None n -> Optional.empty();
      case Unrecognized u -> Optional.empty();
      case Checkout c -> Optional.of(c.gitDir().getParent());
      case Linked l ->
          l.commonDir().getFileName().toString().equals(".git")
              ? Optional.of(l.commonDir().getParent())
              : Optional.empty();
    };
  }

  /**
   * The repository's other worktrees, wherever they are: other agents' work. Read from the {@code
   * gitdir} files git keeps for each in {@code <common>/worktrees/}, which agents cannot write.
   */
  default List<Path> otherWorktrees() {
    Path common;
    Path own;
    switch (this) {
      case None n -> {
        return List.of();
      }
      case Unrecognized u -> {
        return List.of();
      }
      case Checkout c -> {
        common = c.gitDir();
        own = null;
      }
      case Linked l -> {
        common = l.commonDir();
        own = l.privateDir();
      }
    }
    List<Path> others = new ArrayList<>();
    try (Stream<Path> entries = Files.list(common.resolve("worktrees"))) {
      for (Path entry : entries.toList()) {
        Path gitdir = entry.resolve("gitdir");
        if (entry.equals(own) || !Files.isRegularFile(gitdir)) {
          continue;
        }
        Path dotGit = entry.resolve(readSmall(gitdir).strip()).normalize();
        Path worktree = dotGit.getParent();
        if (worktree != null && worktree.getNameCount() > 0) {
          others.add(worktree);
        }
      }
    } catch (IOException e) {
      // no worktrees directory (or it cannot be read): nothing to add
    }
    return others;
  }

  /** The layout of {@code worktree}, a real (symlink-free) absolute path. */
  static GitLayout of(Path worktree) {
    Path dotGit = worktree.resolve(".git");
    if (Files.isSymbolicLink(dotGit)) {
      throw new SandboxException.SetupFailed(
          dotGit
              + " is a symbolic link; grove does not follow it into "
              + "the sandbox. Remove it, or run the command in a real worktree.");
    }
    if (Files.isDirectory(dotGit, LinkOption.NOFOLLOW_LINKS)) {
      return new Checkout(dotGit);
    }
    if (!Files.isRegularFile(dotGit, LinkOption.NOFOLLOW_LINKS)) {
      return new None();
    }
    try {
      String content = readSmall(dotGit);
      if (!content.startsWith("gitdir:")) {
        return new Unrecognized(dotGit, "it does not start with 'gitdir:'");
      }
      Path privateDir = worktree.resolve(content.substring("gitdir:".length()).strip());
      if (!Files.isDirectory(privateDir)) {
        return new Unrecognized(
            dotGit, "it points to " + privateDir + ", which is not a directory");
      }
      privateDir = privateDir.toRealPath();
      Path commondirFile = privateDir.resolve("commondir");
      Path gitdirFile = privateDir.resolve("gitdir");
      if (!Files.isRegularFile(commondirFile) || !Files.isRegularFile(gitdirFile)) {
        return new Unrecognized(
            dotGit, privateDir + " has no commondir or gitdir file (a submodule?)");
      }
      Path common = privateDir.resolve(readSmall(commondirFile).strip()).toRealPath();
      Path back = privateDir.resolve(readSmall(gitdirFile).strip());
      boolean shaped =
          privateDir.getParent().equals(common.resolve("worktrees"))
              && Files.isDirectory(common.resolve("objects"))
              && Files.isRegularFile(common.resolve("HEAD"));
      if (!shaped || !Files.exists(back) || !back.toRealPath().equals(dotGit.toRealPath())) {
        return new Unrecognized(
            dotGit,
            "it points to "
                + privateDir
                + ", which is not this worktree's entry in a repository's worktrees directory");
      }
      return new Linked(dotGit, privateDir, common);
    } catch (IOException e) {
      return new Unrecognized(dotGit, "reading it failed: " + e.getMessage());
    }
  }

  private static String readSmall(Path file) throws IOException {
    if (Files.size(file) > 4096) {
      throw new IOException(file + " is larger than a git pointer file can be");
    }
    return Files.readString(file, StandardCharsets.UTF_8);
  }
}
