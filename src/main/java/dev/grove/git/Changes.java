package dev.grove.git;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What commits change, read from the object database alone — no worktree is read or touched: the
 * files many commits change against a base (one git process for all of them), the hunks of a
 * change, its patch (capped), and a trial merge of two commits. For the conflict radar, which runs
 * beside agents at work and must cost them little, and for judging attempts.
 *
 * <p>Every revision must be a full object id (the caller read it from grove's own records); none is
 * resolved, so no call spends a process on {@code rev-parse}. Patches are made without external
 * diff drivers or text conversion: a repository's attributes configure nothing that runs.
 */
public final class Changes {
  private static final Pattern HUNK =
      Pattern.compile("^@@ -(\\d+)(?:,(\\d+))? \\+\\d+(?:,\\d+)? @@");

  /**
   * Lines of a file that a change replaces, in the numbering of the file before it: lines {@code
   * start} to {@code start + lines - 1}; with {@code lines} 0, an insertion after line {@code
   * start}.
   */
  public record Hunk(String path, int start, int lines) {
    public Hunk {
      Objects.requireNonNull(path, "path");
      if (start < 0 || lines < 0) {
        throw new IllegalArgumentException("not a hunk: " + start + "," + lines);
      }
    }

    /**
     * Whether two changes of the same file touch: they replace lines in common, or lines next to
     * each other (git does not merge those either).
     */
    public boolean touches(Hunk other) {
      return path.equals(other.path) && low() <= other.high() && other.low() <= high();
    }

    // as line boundaries: [low, high]; an insertion after line s is the boundary s + 1
    private int low() {
      return lines == 0 ? start + 1 : start;
    }

    private int high() {
      return lines == 0 ? start + 1 : start + lines;
    }

    /** {@code path:12-14}, or {@code path:12} for one line or an insertion. */
    public String describe() {
      return path + ":" + (lines <= 1 ? String.valueOf(low()) : start + "-" + (start + lines - 1));
    }
  }

  private final Git git;
  private final Path dir;

  public Changes(Worktrees worktrees) {
    this.git = worktrees.git();
    this.dir = worktrees.repo().mainWorktree;
  }

  /**
   * The files each commit changes against {@code base}, in one git process ({@code diff-tree
   * --stdin}); a commit that changes nothing maps to an empty list.
   */
  public Map<String, List<String>> files(String base, Collection<String> commits) {
    requireId(base);
    Set<String> wanted = new LinkedHashSet<>();
    for (String c : commits) {
      wanted.add(requireId(c));
    }
    Map<String, List<String>> out = new LinkedHashMap<>();
    wanted.forEach(c -> out.put(c, new ArrayList<>()));
    wanted.remove(base);
    if (wanted.isEmpty()) {
      return out;
    }
    StringBuilder input = new StringBuilder();
    // the commit first: diff-tree echoes the first of the two before its files (the paths are the
    // same either way round)
    wanted.forEach(c -> input.append(c).append(' ').append(base).append('\n'));
    List<String> records =
        git.run(
                dir,
                List.of("diff-tree", "--stdin", "-r", "-z", "--name-only", "--no-renames"),
                Map.of(),
                input.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8),
                Snapshots.FILE_HEAVY)
            .records();
    List<String> current = null;
    for (String r : records) {
      if (wanted.contains(r)) {
        current = out.get(r);
      } else if (current != null && !r.isEmpty()) {
        current.add(r);
      }
    }
    return out;
  }

  /** The hunks of the change from {@code from} to {@code to} in {@code paths}. */
  public List<Hunk> hunks(String from, String to, Collection<String> paths) {
    if (paths.isEmpty()) {
      return List.of();
    }
    List<String> args =
        new ArrayList<>(
            List.of(
                "diff-tree",
                "-r",
                "-p",
                "-U0",
                "--no-renames",
                "--no-ext-diff",
                "--no-textconv",
                requireId(from),
                requireId(to),
                "--"));
    args.addAll(paths);
    String path = null;
    List<Hunk> out = new ArrayList<>();
    for (String line : git.run(dir, args, Snapshots.FILE_HEAVY).stdout().lines().toList()) {
      if (line.startsWith("diff --git ")) {
        path = null;
      } else if (line.startsWith("--- ") || line.startsWith("+++ ")) {
        String p = line.substring(4);
        if (!p.equals("/dev/null") && p.length() > 2) {
          path = p.substring(2); // a/… or b/…
        }
      } else if (path != null) {
        Matcher m = HUNK.matcher(line);
        if (m.find()) {
          out.add(
              new Hunk(
                  path,
                  Integer.parseInt(m.group(1)),
                  m.group(2) == null ? 1 : Integer.parseInt(m.group(2))));
        }
      }
    }
    return out;
  }

  /**
   * The patch from {@code from} to {@code to}, cut to about {@code maxChars} characters (the cut
   * said at its end).
   */
  public String patch(String from, String to, int maxChars) {
    String p =
        git.run(
                dir,
                List.of(
                    "diff-tree",
                    "-r",
                    "-p",
                    "--no-renames",
                    "--no-ext-diff",
                    "--no-textconv",
                    "--no-color",
                    requireId(from),
                    requireId(to)),
                Snapshots.FILE_HEAVY)
            .stdout();
    return p.length() <= maxChars
        ? p
        : p.substring(0, maxChars) + "\n… (" + (p.length() - maxChars) + " more characters)\n";
  }

  /** A trial merge of two commits ({@code git merge-tree --write-tree}); nothing is changed. */
  public Shipping.MergeCheck merge(String ours, String theirs) {
    return Shipping.mergeTree(git, dir, requireId(ours), requireId(theirs));
  }

  /**
   * A commit of {@code tree} on {@code parent}, made with plumbing and pointed at by no ref (an
   * object git collects in time), for a trial merge to stand on.
   */
  public String commitTree(String tree, String parent, String message) {
    return git.run(
            dir,
            List.of(
                "commit-tree",
                "--no-gpg-sign",
                requireId(tree),
                "-p",
                requireId(parent),
                "-m",
                message),
            Map.of(
                "GIT_AUTHOR_NAME",
                Snapshots.NAME,
                "GIT_AUTHOR_EMAIL",
                Snapshots.EMAIL,
                "GIT_COMMITTER_NAME",
                Snapshots.NAME,
                "GIT_COMMITTER_EMAIL",
                Snapshots.EMAIL),
            null,
            Snapshots.FILE_HEAVY)
        .out();
  }

  /** Whether {@code ancestor} is in {@code commit}'s history (or is it). */
  public boolean contains(String commit, String ancestor) {
    GitResult r =
        git.probe(
            dir,
            List.of(
                "merge-base",
                "--is-ancestor",
                "--end-of-options",
                requireId(ancestor),
                requireId(commit)));
    return r.ok();
  }

  private static String requireId(String id) {
    if (!Refs.isObjectId(id)) {
      throw new IllegalArgumentException("not a full object id: '" + id + "'");
    }
    return id;
  }
}
