package dev.grove.git;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Revisions and branch names that come from outside (a session file, a command line, a forge) made
 * safe to hand to git: an object id is checked by its form, a branch name by git's rules, and
 * anything else is resolved once, after {@code --end-of-options}, to the commit id that is then
 * passed on.
 */
public final class Refs {
  private static final Pattern OBJECT_ID = Pattern.compile("[0-9a-f]{40}|[0-9a-f]{64}");

  /** Characters git-check-ref-format(1) forbids anywhere in a ref name. */
  private static final Pattern FORBIDDEN = Pattern.compile("[\\x00-\\x20\\x7f~^:?*\\[\\\\]");

  private final Git git;
  private final Path repository;

  Refs(Git git, Path repository) {
    this.git = git;
    this.repository = repository;
  }

  /** A full object id: 40 (SHA-1) or 64 (SHA-256) lowercase hex digits. */
  public static boolean isObjectId(String s) {
    return s != null && OBJECT_ID.matcher(s).matches();
  }

  /**
   * Returns {@code name} if it is a usable branch name ({@code git check-ref-format --branch}'s
   * rules, and never starting with {@code -}, so it cannot be read as an option).
   *
   * @throws IllegalArgumentException naming what is wrong
   */
  public static String requireBranchName(String name) {
    String why = branchNameProblem(name);
    if (why != null) {
      throw new IllegalArgumentException("not a usable branch name: '" + name + "' (" + why + ")");
    }
    return name;
  }

  private static String branchNameProblem(String name) {
    if (name == null || name.isEmpty()) {
      return "it is empty";
    }
    if (name.startsWith("-")) {
      return "it starts with '-'";
    }
    if (name.equals("HEAD") || name.equals("@")) {
      return "it is reserved";
    }
    if (FORBIDDEN.matcher(name).find()) {
      return "it has a space, a control character or one of ~ ^ : ? * [ \\";
    }
    if (name.contains("..") || name.contains("@{") || name.contains("//")) {
      return "it has '..', '@{' or '//'";
    }
    if (name.startsWith("/") || name.endsWith("/") || name.endsWith(".")) {
      return "it starts or ends with '/', or ends with '.'";
    }
    for (String part : name.split("/")) {
      if (part.startsWith(".") || part.endsWith(".lock")) {
        return "a component starts with '.' or ends with '.lock'";
      }
    }
    return null;
  }

  /**
   * The commit a revision names ({@code rev-parse -q --verify --end-of-options <rev>^{commit}}), or
   * empty if it names none.
   *
   * @throws IllegalArgumentException if it is blank or starts with {@code -}
   */
  public Optional<String> commit(String rev) {
    requireRevision(rev);
    GitResult r =
        git.probe(
            repository,
            List.of("rev-parse", "-q", "--verify", "--end-of-options", rev + "^{commit}"));
    return r.ok() && isObjectId(r.out()) ? Optional.of(r.out()) : Optional.empty();
  }

  /** {@link #commit} that must exist. @throws WorktreeException.NotFound naming {@code what} */
  String requireCommit(String rev, String what) {
    return commit(rev)
        .orElseThrow(
            () ->
                new WorktreeException.NotFound(
                    what + " '" + rev + "' is not a commit in " + repository));
  }

  /**
   * @throws IllegalArgumentException if {@code rev} is blank, option-like or holds a NUL or a line
   *     break
   */
  static String requireRevision(String rev) {
    if (rev == null
        || rev.isBlank()
        || rev.startsWith("-")
        || rev.indexOf('\0') >= 0
        || rev.indexOf('\n') >= 0) {
      throw new IllegalArgumentException(
          "not a usable revision: '"
              + rev
              + "' (empty, or starts with '-', or has a "
              + "line break)");
    }
    return rev;
  }
}
