package dev.grove.git;

import dev.grove.fs.Confined;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * Copies the untracked files agents need ({@code .env}, local configuration) from the main worktree
 * into a new one. Which files is said by {@code .groveinclude} at the top of the main worktree, in
 * gitignore syntax; git itself matches it ({@code ls-files --others --ignored --exclude-from}), so
 * negation, directories and {@code **} mean exactly what they mean in {@code .gitignore}.
 *
 * <p>The list can come from a merge, and a new worktree can be restored from an agent's checkpoint,
 * so neither side is trusted. Whatever the list says, grove's own files ({@code .grove} in any case
 * and everything under it, {@code .groveinclude}) and git's ({@code .git} at any depth) are never
 * copied. Both trees are {@link Confined}: a source is read without following links out of the main
 * worktree, and a symbolic link is copied as a link only if it is relative and stays inside it; in
 * the new worktree no link is followed, so a linked directory there receives nothing. Files already
 * in the new worktree are never overwritten. What is not copied is reported, with why.
 */
final class Includes {
  static final String FILE = ".groveinclude";

  /** Never copied, at any depth, ignoring case. */
  static final Set<String> NEVER = Set.of(".grove", FILE, ".git");

  /** A list of patterns longer than this is not a list of a few local files. */
  static final int MAX_LIST_BYTES = 1024 * 1024;

  private Includes() {}

  /** A path not copied, and why. */
  record Skipped(String path, String reason) {
    Skipped {
      Objects.requireNonNull(path, "path");
      Objects.requireNonNull(reason, "reason");
    }
  }

  /** The relative paths copied, in git's order, and those skipped. */
  record Report(List<String> copied, List<Skipped> skipped) {
    static final Report NOTHING = new Report(List.of(), List.of());

    Report {
      copied = List.copyOf(copied);
      skipped = List.copyOf(skipped);
    }
  }

  /**
   * Copies what the main worktree's {@code .groveinclude} names, if it has one. The list is read
   * inside the main worktree: a link to elsewhere is not followed, and is reported.
   */
  static Report copy(Git git, Path mainWorktree, Path target) {
    Confined main = Confined.at(mainWorktree, "main worktree", Set.of(".git", ".grove"));
    String patterns;
    try (Confined.OpenFile f = main.open(FILE)) {
      byte[] b = f.readAtMost(MAX_LIST_BYTES + 1);
      if (b.length > MAX_LIST_BYTES) {
        throw new WorktreeException(
            mainWorktree.resolve(FILE)
                + " is larger than "
                + MAX_LIST_BYTES
                + " bytes; it should name a few untracked files to copy into new worktrees (gitignore syntax)");
      }
      patterns = new String(b, StandardCharsets.UTF_8);
    } catch (Confined.Refused e) {
      return e.reason() == Confined.Refused.Reason.NOT_FOUND
          ? Report.NOTHING
          : new Report(List.of(), List.of(new Skipped(FILE, e.getMessage())));
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot read " + mainWorktree.resolve(FILE) + ": " + e.getMessage(), e);
    }
    return copy(git, mainWorktree, patterns, target);
  }

  /**
   * Copies the untracked files of the main worktree that {@code patterns} (gitignore syntax) match.
   * The caller decides where the patterns come from: this is where a decision to trust the
   * repository's {@code .groveinclude}, or not, plugs in.
   *
   * @throws WorktreeException if a file in the new worktree stands where a directory is needed
   * @throws UncheckedIOException if a file cannot be copied
   */
  static Report copy(Git git, Path mainWorktree, String patterns, Path target) {
    List<String> paths = untrackedMatching(git, mainWorktree, patterns);
    Confined from = Confined.at(mainWorktree, "main worktree", Set.of(".git", ".grove"));
    Confined to = Confined.at(target, "new worktree", NEVER);
    List<String> copied = new ArrayList<>();
    List<Skipped> skipped = new ArrayList<>();
    for (String p : paths) {
      if (grovesOrGits(p)) {
        skipped.add(new Skipped(p, "grove's and git's own files are never copied"));
        continue;
      }
      try {
        from.copy(p, to);
        copied.add(p);
      } catch (Confined.Refused e) {
        if (e.reason() == Confined.Refused.Reason.NOT_A_DIRECTORY) {
          throw new WorktreeException(
              "cannot copy "
                  + mainWorktree.resolve(p)
                  + " (listed by "
                  + FILE
                  + ") to "
                  + target.resolve(p)
                  + ": "
                  + e.getMessage(),
              e);
        }
        skipped.add(new Skipped(p, e.getMessage()));
      } catch (UncheckedIOException e) {
        throw new UncheckedIOException(
            "cannot copy "
                + mainWorktree.resolve(p)
                + " (listed by "
                + FILE
                + ") to "
                + target.resolve(p)
                + ": "
                + e.getMessage(),
            e.getCause());
      }
    }
    return new Report(copied, skipped);
  }

  /**
   * git matches the patterns, from a private copy of them (git would follow a link named by the
   * list's path).
   */
  private static List<String> untrackedMatching(Git git, Path mainWorktree, String patterns) {
    Path list = null;
    try {
      list = Files.createTempFile("grove-include-", ".txt"); // owner-only
      Files.writeString(list, patterns);
      return git.run(
              mainWorktree,
              List.of("ls-files", "-z", "--others", "--ignored", "--exclude-from=" + list))
          .records();
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot pass the " + FILE + " patterns to git: " + e.getMessage(), e);
    } finally {
      if (list != null) {
        try {
          Files.deleteIfExists(list);
        } catch (IOException ignored) {
          // a temporary file of patterns; the system's clean-up takes it
        }
      }
    }
  }

  private static boolean grovesOrGits(String path) {
    for (String name : path.split("/")) {
      if (NEVER.contains(name.toLowerCase(Locale.ROOT))) {
        return true;
      }
    }
    return false;
  }
}
