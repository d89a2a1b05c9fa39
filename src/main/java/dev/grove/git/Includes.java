package dev.grove.git;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Copies the untracked files agents need ({@code .env}, local configuration) from the main worktree
 * into a new one. Which files is said by {@code .groveinclude} at the top of the main worktree, in
 * gitignore syntax; git itself matches it ({@code ls-files --others --ignored --exclude-from}), so
 * negation, directories and {@code **} mean exactly what they mean in {@code .gitignore}.
 * Files already in the new worktree are never overwritten; symbolic links are copied as links.
 */
final class Includes {
  static final String FILE = ".groveinclude";

  private Includes() {}

  /** The relative paths copied, in git's order. */
  static List<String> copy(Git git, Path mainWorktree, Path target) {
    Path list = mainWorktree.resolve(FILE);
    if (!Files.isRegularFile(list)) {
      return List.of();
    }
    List<String> paths = git.run(mainWorktree, List.of("ls-files", "-z", "--others", "--ignored",
        "--exclude-from=" + list)).records();
    List<String> copied = new ArrayList<>();
    for (String p : paths) {
      Path from = mainWorktree.resolve(p);
      Path to = target.resolve(p).normalize();
      if (!to.startsWith(target) || Files.exists(to, LinkOption.NOFOLLOW_LINKS)) {
        continue;
      }
      try {
        Files.createDirectories(to.getParent());
        Files.copy(from, to, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
        copied.add(p);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot copy " + from + " (listed by " + list + ") to " + to + ": " + e, e);
      }
    }
    return copied;
  }
}
