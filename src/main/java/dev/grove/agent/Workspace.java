package dev.grove.agent;

import dev.grove.fs.Confined;
import java.nio.file.Path;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The one directory an agent's file tools may touch: its worktree, as a {@link Confined} tree.
 * Every path is walked from an open handle on the worktree one component at a time, without the
 * kernel following any link, so neither a link planted by a command nor one swapped in mid-call
 * leads out. Reads follow links that stay inside; writes follow none; the worktree's {@code .git}
 * is off limits at any depth. Refusals are {@link Refused}, with a message the model can act on.
 */
public final class Workspace {
  private static final Set<String> OFF_LIMITS = Set.of(".git");

  private final Confined tree;

  /**
   * @param root the worktree; must exist
   * @throws UnsupportedOperationException on a platform that cannot open files relative to a
   *     directory
   */
  public Workspace(Path root) {
    this.tree = Confined.at(root, "worktree", OFF_LIMITS);
  }

  public Path root() {
    return tree.root();
  }

  /** A path the agent named that the workspace refuses; the message is meant for the model. */
  public static final class Refused extends RuntimeException {
    private final Confined.Refused.Reason reason;

    Refused(String message, Confined.Refused.Reason reason) {
      super(message);
      this.reason = reason;
    }

    public Confined.Refused.Reason reason() {
      return reason;
    }
  }

  /** What the path names, links inside followed. */
  Confined.Entry stat(String given) {
    return refusing(given, () -> tree.stat(checked(given)));
  }

  /** The regular file at the path, open for reading, links inside followed. */
  Confined.OpenFile open(String given) {
    return refusing(given, () -> tree.open(checked(given)));
  }

  /** Replaces or creates the file at the path, following no link; see {@link Confined#write}. */
  Confined.Written write(String given, byte[] content) {
    return refusing(given, () -> tree.write(checked(given), content));
  }

  /** Refuses what a model means as a path outside the worktree but a file system would not. */
  private static String checked(String given) {
    if (given == null || given.isBlank()) {
      throw new Refused(
          "a path is required (relative to the worktree root, e.g. src/Main.java)",
          Confined.Refused.Reason.INVALID);
    }
    String g = given.strip();
    if (g.startsWith("~") || (g.length() > 1 && g.charAt(1) == ':')) {
      throw new Refused(
          "absolute paths are not allowed ("
              + given
              + "); give a path relative to the worktree root",
          Confined.Refused.Reason.INVALID);
    }
    return g;
  }

  private static <T> T refusing(String given, Supplier<T> operation) {
    try {
      return operation.get();
    } catch (Confined.Refused e) {
      throw new Refused(
          e.reason() == Confined.Refused.Reason.OFF_LIMITS
              ? "the .git directory is off limits ("
                  + given
                  + "); grove commits and checkpoints for you"
              : e.getMessage(),
          e.reason());
    }
  }
}
