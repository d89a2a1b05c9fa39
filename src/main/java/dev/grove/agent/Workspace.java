package dev.grove.agent;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * The one directory an agent's file tools may touch: its worktree. Every path an agent gives is
 * resolved here and refused unless it stays inside: absolute paths, {@code ..} segments, the
 * worktree's {@code .git}, and symbolic links that lead out are refused with a message the model can
 * act on. Checks use real paths, so a link planted by an earlier command cannot smuggle a write out.
 */
public final class Workspace {
  private final Path root;

  /** @param root the worktree; must exist */
  public Workspace(Path root) {
    try {
      this.root = root.toRealPath();
    } catch (IOException e) {
      throw new UncheckedIOException("worktree " + root + " is not readable", e);
    }
  }

  public Path root() {
    return root;
  }

  /** A path the agent named that the workspace refuses; the message is meant for the model. */
  public static final class Refused extends RuntimeException {
    public Refused(String message) {
      super(message);
    }
  }

  /**
   * Resolves a path the agent gave (relative to the worktree) for reading: it must exist, and its real
   * path must be inside the worktree.
   */
  public Path existing(String given) {
    Path p = lexical(given);
    Path real;
    try {
      real = p.toRealPath();
    } catch (NoSuchFileException e) {
      throw new Refused("no such file or directory: " + given);
    } catch (IOException e) {
      throw new Refused("cannot read " + given + ": " + e.getMessage());
    }
    requireInside(real, given);
    return real;
  }

  /**
   * Resolves a path for writing: the deepest existing ancestor's real path must be inside the
   * worktree, and the file itself, if it exists, must not be a symbolic link or a hard link shared with
   * another file.
   */
  public Path writable(String given) {
    Path p = lexical(given);
    if (p.equals(root)) {
      throw new Refused("cannot write to the worktree root itself; name a file");
    }
    Path ancestor = p.getParent();
    while (ancestor != null && !Files.exists(ancestor, LinkOption.NOFOLLOW_LINKS)) {
      ancestor = ancestor.getParent();
    }
    try {
      Path realAncestor = ancestor == null ? root : ancestor.toRealPath();
      requireInside(realAncestor, given);
      Path target = realAncestor.resolve(ancestor == null ? root.relativize(p) : ancestor.relativize(p));
      if (Files.isSymbolicLink(target)) {
        throw new Refused(given + " is a symbolic link; write the file it points to instead, if that is inside the worktree");
      }
      if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
        throw new Refused(given + " is a directory");
      }
      if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)
          && ((Number) Files.getAttribute(target, "unix:nlink", LinkOption.NOFOLLOW_LINKS)).intValue() > 1) {
        throw new Refused(given + " is a hard link shared with another file; refusing to write through it");
      }
      return target;
    } catch (IOException e) {
      throw new Refused("cannot write " + given + ": " + e.getMessage());
    }
  }

  /** The path relative to the worktree, with {@code /} separators, for messages. */
  public String relative(Path p) {
    return root.relativize(p).toString().replace('\\', '/');
  }

  /** Checks the path as written: relative, no {@code ..}, not into {@code .git}. */
  private Path lexical(String given) {
    if (given == null || given.isBlank()) {
      throw new Refused("a path is required (relative to the worktree root, e.g. src/Main.java)");
    }
    if (given.indexOf('\0') >= 0) {
      throw new Refused("the path contains a NUL character");
    }
    String g = given.strip();
    if (g.startsWith("/") || g.startsWith("~") || (g.length() > 1 && g.charAt(1) == ':')) {
      throw new Refused("absolute paths are not allowed (" + given + "); give a path relative to the worktree root");
    }
    Path rel = Path.of(g);
    for (Path segment : rel) {
      String s = segment.toString();
      if (s.equals("..")) {
        throw new Refused("'..' is not allowed in paths (" + given + "); the worktree root is the top");
      }
      if (s.equals(".git")) {
        throw new Refused("the .git directory is off limits (" + given + "); grove commits and checkpoints for you");
      }
    }
    return root.resolve(rel).normalize();
  }

  private void requireInside(Path real, String given) {
    if (!real.startsWith(root)) {
      throw new Refused(given + " leads outside the worktree (through a symbolic link?); refused");
    }
    Path rel = root.relativize(real);
    if (rel.getNameCount() > 0 && rel.getName(0).toString().equals(".git")) {
      throw new Refused("the .git directory is off limits (" + given + "); grove commits and checkpoints for you");
    }
  }
}
