package dev.grove.git;

import java.time.Duration;
import java.util.List;

/**
 * Patches between two commits of the repository (checkpoints, a lane's commit, its base), read with
 * the hardened runner: no external diff, no textconv, no submodule look-ups — the files are an
 * agent's, and nothing in them may make git start a program. A patch is cut at {@link #MAX_CHARS}.
 */
public final class Diffs {
  /** The longest patch returned (in characters); the rest is cut and said to be. */
  public static final int MAX_CHARS = 4 << 20;

  private static final Duration TIMEOUT = Duration.ofMinutes(2);

  /**
   * A patch.
   *
   * @param cut whether the patch was longer than {@link #MAX_CHARS} and is cut there
   */
  public record Patch(String from, String to, String text, boolean cut) {}

  private final Worktrees worktrees;

  public Diffs(Worktrees worktrees) {
    this.worktrees = worktrees;
  }

  /**
   * The patch from commit {@code from} to commit {@code to}, renames found.
   *
   * @throws IllegalArgumentException when either is not a full commit id
   */
  public Patch between(String from, String to) {
    for (String c : List.of(from, to)) {
      if (!Refs.isObjectId(c)) {
        throw new IllegalArgumentException("not a commit id: '" + c + "'");
      }
    }
    String out =
        worktrees
            .git()
            .run(
                worktrees.repository(),
                List.of(
                    "diff",
                    "--no-ext-diff",
                    "--no-textconv",
                    "--no-color",
                    "--ignore-submodules=all",
                    "-M",
                    "--end-of-options",
                    from,
                    to),
                TIMEOUT)
            .stdout();
    boolean cut = out.length() > MAX_CHARS;
    return new Patch(from, to, cut ? out.substring(0, MAX_CHARS) : out, cut);
  }
}
