package dev.grove.git;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The git side of shipping an agent's work and merging it: committing a worktree's files on its
 * task branch, checking what a commit range carries, pushing, and checking a merge.
 *
 * <p>A worktree's files are committed with plumbing only ({@link Snapshots}' way of reading a
 * worktree, {@code write-tree}, {@code commit-tree}, {@code update-ref}), never {@code git commit},
 * which would look into submodules and nested repositories and run what they configure. A commit
 * never carries grove's own state or a new nested repository ({@link LeftOut.Reason}). Every
 * revision from outside is checked ({@link Refs}) and passed after {@code --end-of-options}.
 * Pushing, and reading the user's identity and remotes, use the user's configuration ({@link
 * Git#forNetwork()}), never with a model key in git's environment.
 */
public final class Shipping {
  /** How long a push (a large change over a slow link) may take. */
  public static final Duration PUSH_TIMEOUT = Duration.ofMinutes(10);

  static final String FALLBACK_NAME = "grove";
  static final String FALLBACK_EMAIL = "grove@localhost";
  private static final Pattern REMOTE =
      Pattern.compile("[^\\s\\x00-\\x1f\\x7f-][^\\s\\x00-\\x1f\\x7f]*");
  private static final String GITLINK = "160000";

  /** Who commits: author and committer. */
  public record Identity(String name, String email) {
    public Identity {
      for (String s : new String[] {name, email}) {
        if (s == null || s.isBlank() || s.chars().anyMatch(c -> c < 0x20 || c == '<' || c == '>')) {
          throw new IllegalArgumentException(
              "not a usable git identity: '"
                  + name
                  + " <"
                  + email
                  + ">' (a name and "
                  + "an email, without '<', '>' or line breaks)");
        }
      }
    }

    Map<String, String> environment() {
      return Map.of(
          "GIT_AUTHOR_NAME",
          name,
          "GIT_AUTHOR_EMAIL",
          email,
          "GIT_COMMITTER_NAME",
          name,
          "GIT_COMMITTER_EMAIL",
          email);
    }
  }

  /**
   * What {@link #commit} did.
   *
   * @param commit the task branch's last commit afterwards
   * @param changed whether a commit was made (false: the files were those of the last commit
   *     already)
   * @param files paths that differ between the worktree's base commit and {@code commit}
   * @param shortstat {@code git diff --shortstat} of the same, e.g. {@code 2 files changed, 3
   *     insertions(+)}
   * @param leftOut paths of the worktree not committed, and why; for the pull request to say so
   */
  public record Shipment(
      String commit, boolean changed, List<String> files, String shortstat, List<LeftOut> leftOut) {
    public Shipment {
      if (!Refs.isObjectId(commit)) {
        throw new IllegalArgumentException("not a commit id: " + commit);
      }
      files = List.copyOf(files);
      Objects.requireNonNull(shortstat, "shortstat");
      leftOut = List.copyOf(leftOut);
    }
  }

  /**
   * What merging a branch into another would meet ({@code git merge-tree --write-tree}); nothing is
   * changed.
   */
  public sealed interface MergeCheck {
    /** The commit merged into. */
    String into();

    /** The commit of the branch merged. */
    String branch();

    /** A clean merge, whose result is {@code tree}. */
    record Clean(String into, String branch, String tree) implements MergeCheck {}

    /**
     * Conflicts in {@code files}; {@code messages} are git's, one line each; {@code tree} is the
     * merge's result with conflict markers in the conflicting files (null when not known).
     */
    record Conflicts(
        String into, String branch, List<String> files, List<String> messages, String tree)
        implements MergeCheck {
      public Conflicts {
        files = List.copyOf(files);
        messages = List.copyOf(messages);
      }

      public Conflicts(String into, String branch, List<String> files, List<String> messages) {
        this(into, branch, files, messages, null);
      }
    }
  }

  private final Worktrees worktrees;
  private final Repo repo;
  private final Git git;
  private final Git user;
  private final Snapshots snapshots;

  public Shipping(Worktrees worktrees) {
    this.worktrees = Objects.requireNonNull(worktrees, "worktrees");
    this.repo = worktrees.repo();
    this.git = worktrees.git();
    this.user = worktrees.user();
    this.snapshots = worktrees.snapshots();
  }

  /**
   * The user's identity: {@code GIT_AUTHOR_NAME}/{@code GIT_AUTHOR_EMAIL} in grove's environment,
   * else {@code user.name}/{@code user.email} as the main checkout's configuration has them (global
   * configuration included: it is the user's), else grove's ({@code grove <grove@localhost>}), so a
   * commit works on a fresh machine.
   */
  public Identity identity() {
    return new Identity(
        identityPart("GIT_AUTHOR_NAME", "user.name", FALLBACK_NAME),
        identityPart("GIT_AUTHOR_EMAIL", "user.email", FALLBACK_EMAIL));
  }

  private String identityPart(String variable, String key, String fallback) {
    String fromEnv = user.environment().get(variable);
    if (fromEnv != null && !fromEnv.isBlank()) {
      return fromEnv;
    }
    GitResult r = user.probe(repo.mainWorktree, List.of("config", "--get", key));
    return r.ok() && !r.out().isBlank() ? r.out() : fallback;
  }

  /**
   * Commits the worktree's files on {@code task/<slug>}: tracked changes and untracked, non-ignored
   * files, except what is never shipped — {@code .grove} at the top in any case and form, {@code
   * .groveinclude}, a new nested repository, and a root {@code .gitignore} change that would let
   * either in — which keeps its version at HEAD (or stays out, if new) and is listed in {@link
   * Shipment#leftOut}. The branch moves only if it is still where it was read ({@code update-ref}
   * with the old value); the worktree's index is then set to the new commit ({@code read-tree}
   * without {@code -u}: no file is touched). Nothing changed: no commit.
   *
   * @throws WorktreeException if the worktree does not have its task branch checked out
   */
  public Shipment commit(String slug, String message, Identity who) {
    return commit(slug, message, who, Generated.DEFAULT);
  }

  /**
   * {@link #commit(String, String, Identity)}, with {@code generated} deciding which new files are
   * build output, left out ({@link LeftOut.Reason#GENERATED}).
   */
  public Shipment commit(String slug, String message, Identity who, Generated generated) {
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(who, "who");
    Worktree w = worktrees.get(slug);
    Snapshots.Located at = snapshots.locate(w.path());
    Snapshots.Layout layout = at.layout();
    String branchRef = "refs/heads/" + w.branch();
    GitResult head = git.probe(layout.top(), layout.args("symbolic-ref", "-q", "HEAD"));
    if (!head.ok() || !head.out().equals(branchRef)) {
      throw new WorktreeException(
          "worktree '"
              + w.slug()
              + "' has "
              + (head.ok() ? head.out() : "a detached HEAD")
              + " checked out, not "
              + branchRef
              + "; grove commits only on a worktree's task branch (git switch "
              + w.branch()
              + " in "
              + w.path()
              + ")");
    }
    Snapshots.Tree tree = snapshots.writeTree(layout, Snapshots.Rules.shipment(generated));
    String headTree =
        snapshots.resolve(layout, List.of(at.head() + "^{tree}")).get(0).orElseThrow();
    String commit = at.head();
    boolean changed = !tree.id().equals(headTree);
    if (changed) {
      commit = snapshots.commit(tree.id(), at.head(), message, who.environment());
      git.run(
          repo.mainWorktree,
          List.of(
              "update-ref",
              "-m",
              "grove: commit of worktree " + w.slug(),
              branchRef,
              commit,
              at.head()));
      git.run(layout.top(), layout.args("read-tree", "--reset", commit), Snapshots.FILE_HEAVY);
    }
    return new Shipment(
        commit,
        changed,
        diffTree(w.baseCommit(), commit, "--name-only").records(),
        diffTree(w.baseCommit(), commit, "--shortstat").out().strip(),
        tree.leftOut());
  }

  /**
   * What {@link #commit} would have left out, found in the commits between {@code baseCommit} and
   * {@code commit} (their trees compared): for {@code grove merge} to refuse a branch carrying any
   * of it.
   */
  public List<LeftOut> unshippable(String baseCommit, String commit) {
    Refs refs = worktrees.refs();
    String from = refs.requireCommit(baseCommit, "base");
    String to = refs.requireCommit(commit, "commit");
    List<String> raw =
        git.run(
                repo.mainWorktree,
                List.of(
                    "diff-tree", "-r", "-z", "--raw", "--no-renames", "--end-of-options", from, to),
                Snapshots.FILE_HEAVY)
            .records();
    Set<LeftOut> found = new LinkedHashSet<>();
    for (int i = 0; i + 1 < raw.size(); i += 2) {
      // :<old mode> <new mode> <old id> <new id> <status>, then the path
      String[] meta = raw.get(i).substring(1).split(" ");
      String path = raw.get(i + 1);
      boolean deleted = meta[4].equals("D");
      if (GroveState.contains(path)) {
        found.add(new LeftOut(GroveState.topEntry(path), LeftOut.Reason.GROVE_STATE));
      } else if (meta[1].equals(GITLINK) && !meta[0].equals(GITLINK)) {
        found.add(new LeftOut(path + "/", LeftOut.Reason.NESTED_REPOSITORY));
      } else if (path.equals(".gitignore")
          && !deleted
          && reincludes(meta[3])
          && (meta[0].equals("000000") || !reincludes(meta[2]))) {
        found.add(new LeftOut(path, LeftOut.Reason.REINCLUDES_GROVE_STATE));
      }
    }
    return List.copyOf(found);
  }

  private boolean reincludes(String blob) {
    GitResult r = git.probe(repo.mainWorktree, List.of("cat-file", "blob", blob));
    return r.ok() && GroveState.reincludedBy(r.stdout());
  }

  /**
   * {@code git push <remote> <commit>:refs/heads/<branch>} from the main checkout, with the user's
   * configuration (credential helpers, {@code url.*.insteadOf}), hooks off, no submodule recursion,
   * and an environment of {@link Git#forNetwork()}'s allowlist: no model key reaches git, ssh or a
   * credential helper.
   *
   * @throws IllegalArgumentException for an option-like remote, a bad branch name or a commit that
   *     is not an id
   */
  public void push(String remote, String branch, String commit) {
    requireRemote(remote);
    Refs.requireBranchName(branch);
    if (!Refs.isObjectId(commit)) {
      throw new IllegalArgumentException("push takes a full commit id, not '" + commit + "'");
    }
    user.forNetwork()
        .run(
            repo.mainWorktree,
            List.of(
                "push",
                "--quiet",
                "--no-verify",
                "--recurse-submodules=no",
                "--end-of-options",
                remote,
                commit + ":refs/heads/" + branch),
            Map.of(),
            null,
            PUSH_TIMEOUT);
  }

  /**
   * The remote's URL as configured ({@code remote.<name>.url}, not rewritten by {@code
   * url.*.insteadOf}), a relative path ({@code ../x.git}) resolved against the main checkout; empty
   * if there is no such remote.
   */
  public Optional<String> remoteUrl(String remote) {
    requireRemote(remote);
    GitResult r =
        user.probe(repo.mainWorktree, List.of("config", "--get", "remote." + remote + ".url"));
    if (!r.ok() || r.out().isBlank()) {
      return Optional.empty();
    }
    String url = r.out();
    boolean scheme = url.matches("[A-Za-z][A-Za-z0-9+.-]*://.*");
    int colon = url.indexOf(':');
    int slash = url.indexOf('/');
    boolean scpLike = colon > 0 && (slash < 0 || colon < slash);
    if (scheme || scpLike || Path.of(url).isAbsolute()) {
      return Optional.of(url);
    }
    return Optional.of(repo.mainWorktree.resolve(url).normalize().toString());
  }

  /**
   * The paths that differ between two commits (their trees compared, renames as a deletion and an
   * addition).
   *
   * @throws IllegalArgumentException if a revision looks like an option
   * @throws WorktreeException.NotFound if one is not a commit
   */
  public List<String> changedFiles(String base, String head) {
    Refs refs = worktrees.refs();
    return diffTree(
            refs.requireCommit(base, "base"), refs.requireCommit(head, "head"), "--name-only")
        .records();
  }

  private GitResult diffTree(String from, String to, String format) {
    return git.run(
        repo.mainWorktree,
        List.of("diff-tree", "-r", "-z", "--no-renames", format, "--end-of-options", from, to),
        Snapshots.FILE_HEAVY);
  }

  /**
   * Whether {@code branch} merges cleanly into {@code into}, without touching any worktree. Exit
   * code 1 of {@code merge-tree} means conflicts; a revision that is not a commit, or looks like an
   * option, is an error before git is asked, never "conflicts".
   *
   * @throws IllegalArgumentException if a revision looks like an option
   * @throws WorktreeException.NotFound if one is not a commit
   * @throws GitException if merge-tree fails otherwise
   */
  public MergeCheck mergeCheck(String into, String branch) {
    Refs refs = worktrees.refs();
    String ours = refs.requireCommit(into, "branch to merge into");
    String theirs = refs.requireCommit(branch, "branch to merge");
    return mergeTree(git, repo.mainWorktree, ours, theirs);
  }

  /**
   * {@code git merge-tree --write-tree} of two commit ids (checked by the caller), in {@code dir}.
   */
  static MergeCheck mergeTree(Git git, Path dir, String ours, String theirs) {
    GitResult r =
        git.probe(
            dir,
            List.of(
                "merge-tree",
                "--write-tree",
                "--name-only",
                "--messages",
                "--end-of-options",
                ours,
                theirs),
            Map.of(),
            null,
            Snapshots.FILE_HEAVY);
    // stdout: the tree; with conflicts, then the conflicted files, an empty line and git's messages
    List<String> lines = r.stdout().lines().toList();
    if (r.exitCode() == 0 && !lines.isEmpty() && Refs.isObjectId(lines.get(0))) {
      return new MergeCheck.Clean(ours, theirs, lines.get(0));
    }
    if (r.exitCode() != 1 || lines.isEmpty() || !Refs.isObjectId(lines.get(0))) {
      throw new GitException(r.command(), dir, r.exitCode(), r.stderr());
    }
    List<String> files = new ArrayList<>();
    int i = 1;
    for (; i < lines.size() && !lines.get(i).isEmpty(); i++) {
      if (!files.contains(lines.get(i))) {
        files.add(lines.get(i));
      }
    }
    List<String> messages = i + 1 < lines.size() ? lines.subList(i + 1, lines.size()) : List.of();
    return new MergeCheck.Conflicts(ours, theirs, files, messages, lines.get(0));
  }

  private static void requireRemote(String remote) {
    if (remote == null || !REMOTE.matcher(remote).matches()) {
      throw new IllegalArgumentException(
          "not a usable remote: '"
              + remote
              + "' (a remote's name or URL, not "
              + "starting with '-', without spaces)");
    }
  }
}
