package dev.grove.git;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Snapshots of worktrees, bound to session entries, and worktrees restored from them.
 *
 * <p>A checkpoint is an ordinary commit whose tree is the worktree's files at that moment — tracked
 * changes and untracked, non-ignored files — and whose one parent is the worktree's HEAD, made
 * without touching the worktree's index, HEAD or branch (see {@link #snapshot}). It is kept alive
 * by refs:
 *
 * <ul>
 *   <li>{@code refs/grove/last-checkpoint/worktrees/<id>} (or {@code …/main-worktree}): the latest
 *       snapshot of a worktree, where {@code <id>} is git's id of the worktree (its slug, for
 *       grove's). It keeps a new snapshot alive until it is kept, and tells the next snapshot
 *       whether anything changed. Its reflog keeps earlier ones for git's reflog expiry.
 *   <li>{@code refs/grove/checkpoints/<session-id>/<entry-id>}: made by {@link #keep} once the
 *       session entry that carries the commit id is written; deleted by {@link Worktrees#gc} when
 *       the session is gone.
 * </ul>
 *
 * <p>A checkpoint never holds a new nested repository (see {@link Snapshots}), and stays within
 * {@link Limits}: files over a size are left out, large files are left out once the worktree's
 * checkpoints have added a budget of bytes, and no snapshot is made with too little free space
 * left. What was left out is reported in the {@link Checkpoint}, to be told to the model.
 *
 * <p>Safe for many threads and processes; snapshots of different worktrees never wait for each
 * other.
 */
public final class Checkpoints {
  public static final String LAST_PREFIX = "refs/grove/last-checkpoint/";
  public static final String KEPT_PREFIX = "refs/grove/checkpoints/";
  private static final Pattern REF_PART = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
  private static final int ATTEMPTS = 5;

  /**
   * How much checkpoints may take.
   *
   * @param maxFileBytes a file larger than this is left out of every checkpoint (it is read whole
   *     to be stored)
   * @param budgetBytes once a worktree's checkpoints have added this much, files over 1 MiB that
   *     changed are left out; smaller ones still go in
   * @param minFreeBytes a snapshot that would leave less free space than this on the repository's
   *     file system is refused ({@link WorktreeException.NoSpace})
   */
  public record Limits(long maxFileBytes, long budgetBytes, long minFreeBytes) {
    public static final long MB = 1024 * 1024;

    public Limits {
      if (maxFileBytes < 0 || budgetBytes < 0 || minFreeBytes < 0) {
        throw new IllegalArgumentException(
            "checkpoint limits cannot be negative: "
                + maxFileBytes
                + ", "
                + budgetBytes
                + ", "
                + minFreeBytes);
      }
    }

    /** 50 MB per file, 1 GB per worktree, 256 MB kept free. */
    public static Limits defaults() {
      return new Limits(50 * MB, 1024 * MB, 256 * MB);
    }

    public Limits withMaxFileBytes(long bytes) {
      return new Limits(bytes, budgetBytes, minFreeBytes);
    }

    public Limits withBudgetBytes(long bytes) {
      return new Limits(maxFileBytes, bytes, minFreeBytes);
    }

    public Limits withMinFreeBytes(long bytes) {
      return new Limits(maxFileBytes, budgetBytes, bytes);
    }

    static String mb(long bytes) {
      return (bytes + MB / 2) / MB + " MB";
    }
  }

  private final Worktrees worktrees;
  private final Snapshots snapshots;
  private final Git git;
  private final Snapshots.Rules rules;

  public Checkpoints(Worktrees worktrees) {
    this(worktrees, Limits.defaults());
  }

  public Checkpoints(Worktrees worktrees, Limits limits) {
    this.worktrees = Objects.requireNonNull(worktrees, "worktrees");
    this.snapshots = worktrees.snapshots();
    this.git = worktrees.git();
    this.rules = Snapshots.Rules.checkpoint(Objects.requireNonNull(limits, "limits"));
  }

  /** The ref {@link #keep} creates: {@code refs/grove/checkpoints/<session-id>/<entry-id>}. */
  public static String ref(String sessionId, String entryId) {
    return KEPT_PREFIX + refPart("session id", sessionId) + "/" + refPart("entry id", entryId);
  }

  private static String refPart(String what, String s) {
    if (s == null || !REF_PART.matcher(s).matches() || s.endsWith(".lock") || s.contains("..")) {
      throw new IllegalArgumentException(what + " cannot name a git ref: '" + s + "'");
    }
    return s;
  }

  /**
   * Records the worktree's files as a checkpoint commit; if nothing changed since the worktree's
   * previous checkpoint (same files, same HEAD) it returns that one and makes none. The commit is
   * kept alive under {@code refs/grove/last-checkpoint/…} until the next snapshot of the same
   * worktree; {@link #keep} it to bind it to a session entry for good. Paths left out (see {@link
   * Limits}, and nested repositories) keep their previous version in the commit, and are listed in
   * the result.
   *
   * @throws WorktreeException.NoSpace if the snapshot would leave less than {@link
   *     Limits#minFreeBytes} free
   */
  public Checkpoint snapshot(Path worktree) {
    Snapshots.Layout at = snapshots.layout(worktree.toAbsolutePath());
    String ref =
        LAST_PREFIX + (at.worktreeId() == null ? "main-worktree" : "worktrees/" + at.worktreeId());
    List<Optional<String>> now =
        snapshots.resolve(at, List.of("HEAD", ref, ref + "^{tree}", ref + "^"));
    String head =
        now.get(0)
            .orElseThrow(
                () ->
                    new WorktreeException.NotARepository(worktree + " has no commit checked out"));
    Snapshots.Tree tree = snapshots.writeTree(at, rules);
    for (int attempt = 1; ; attempt++) {
      Optional<String> last = now.get(1);
      if (last.isPresent()
          && now.get(2).equals(Optional.of(tree.id()))
          && now.get(3).equals(Optional.of(head))) {
        return new Checkpoint(last.get(), tree.leftOut());
      }
      String commit = snapshots.commit(tree.id(), head, message(at));
      String update =
          last.isPresent()
              ? "update " + ref + " " + commit + " " + last.get()
              : "create " + ref + " " + commit;
      GitResult r =
          git.probe(
              at.top(),
              at.args("update-ref", "--create-reflog", "-m", "grove: checkpoint", "--stdin"),
              Map.of(),
              (update + "\n").getBytes(StandardCharsets.UTF_8),
              git.timeout());
      if (r.ok()) {
        return new Checkpoint(commit, tree.leftOut());
      }
      if (attempt == ATTEMPTS) {
        throw new GitException(r.command(), at.top(), r.exitCode(), r.stderr());
      }
      // another snapshot of this worktree moved (or is moving) the ref: compare against that one
      Repo.sleepUninterruptibly(java.time.Duration.ofMillis(10L * attempt));
      now = snapshots.resolve(at, List.of("HEAD", ref, ref + "^{tree}", ref + "^"));
    }
  }

  private String message(Snapshots.Layout at) {
    String id = at.worktreeId();
    Optional<Worktree> w = Optional.empty();
    if (id != null) {
      try {
        w = worktrees.find(id).filter(found -> found.path().equals(at.top()));
      } catch (IllegalArgumentException notASlug) {
        // a worktree grove did not make
      }
    }
    return "grove checkpoint\n\n"
        + w.map(Worktrees::trailers).orElse("Grove-Worktree: " + (id == null ? "main" : id) + "\n");
  }

  /**
   * Binds a checkpoint to the session entry that carries it: creates {@code
   * refs/grove/checkpoints/<session-id>/<entry-id>}. Idempotent; refuses to move an existing
   * binding to another commit. Runs in {@code worktree}, which may be any worktree of the
   * repository (refs are shared by all of them); git runs in the main worktree, whatever a
   * worktree's {@code .git} says.
   */
  public void keep(Path worktree, String commit, String sessionId, String entryId) {
    String ref = ref(sessionId, entryId);
    Refs.requireRevision(commit);
    Path repo = worktrees.repository();
    if (!Repo.retrying(
        () -> snapshots.create(ref, commit + "^{commit}", "grove: keep checkpoint"))) {
      String now = git.run(repo, List.of("rev-parse", "--verify", "--end-of-options", ref)).out();
      String wanted =
          git.run(repo, List.of("rev-parse", "--verify", "--end-of-options", commit + "^{commit}"))
              .out();
      if (!now.equals(wanted)) {
        throw new WorktreeException.Taken(
            "entry "
                + entryId
                + " of session "
                + sessionId
                + " already has checkpoint "
                + now
                + " ("
                + ref
                + "); it cannot be bound to "
                + wanted
                + " as well");
      }
    }
  }

  /** {@link #keep(Path, String, String, String)} run in the repository's main worktree. */
  public void keep(String commit, String sessionId, String entryId) {
    keep(worktrees.repository(), commit, sessionId, entryId);
  }

  /** The checkpoints kept for a session: entry id to commit id. */
  public Map<String, String> kept(String sessionId) {
    String prefix = KEPT_PREFIX + refPart("session id", sessionId) + "/";
    Map<String, String> all = new HashMap<>();
    for (String line :
        git.run(
                worktrees.repository(),
                List.of("for-each-ref", "--format=%(refname) %(objectname)", prefix))
            .lines()) {
      String[] f = line.split(" ");
      all.put(f[0].substring(prefix.length()), f[1]);
    }
    return all;
  }

  /** {@link #restore(String, String, Worktrees.AddOptions)} with the default options. */
  public Worktree restore(String commit, String newSlug) {
    return restore(commit, newSlug, Worktrees.AddOptions.defaults());
  }

  /**
   * A fresh worktree that looks exactly as the checkpoint's worktree did at that moment: on a new
   * branch {@code task/<newSlug>} that starts at the checkpoint's parent (that worktree's HEAD
   * then, so checkpoint commits never enter a branch's history), with the checkpoint's files as
   * uncommitted changes — untracked files untracked, deleted files deleted. Its base is the
   * original worktree's base when the checkpoint records it, else the parent. {@code .groveinclude}
   * files are copied where the checkpoint has none; the options' base and fetch are not used.
   *
   * <p>The setup command (which may have the network) never runs on an agent's files: with one, the
   * worktree first gets the base commit's files, setup runs on those, and only then are the
   * checkpoint's files laid over them. An agent that rewrote the setup script changes what runs in
   * its next worktree no more than any other file it wrote.
   *
   * @throws WorktreeException.NotFound if there is no such commit
   */
  public Worktree restore(String commit, String newSlug, Worktrees.AddOptions options) {
    Slug slug = Slug.of(newSlug);
    Path repo = worktrees.repository();
    String id =
        worktrees
            .commitOf(commit)
            .orElseThrow(
                () ->
                    new WorktreeException.NotFound(
                        "no commit '" + commit + "' in " + repo + " to restore"));
    String raw = git.run(repo, List.of("cat-file", "commit", id)).stdout();
    int blank = raw.indexOf("\n\n");
    List<String> parents = new ArrayList<>();
    for (String line : raw.substring(0, blank < 0 ? raw.length() : blank).split("\n")) {
      if (line.startsWith("parent ")) {
        parents.add(line.substring("parent ".length()));
      }
    }
    if (parents.size() != 1) {
      throw new WorktreeException(
          "commit "
              + id
              + " is not a grove checkpoint: it has "
              + parents.size()
              + " parents, a checkpoint has one (use grove worktree add --base "
              + id
              + " to start from it)");
    }
    String parent = parents.get(0);
    Map<String, String> trailers = trailers(blank < 0 ? "" : raw.substring(blank + 2));
    String baseRef = trailers.get("Grove-Base");
    String baseCommit = trailers.get("Grove-Base-Commit");
    if (baseRef == null
        || baseCommit == null
        || worktrees.commitOf(baseCommit).filter(baseCommit::equals).isEmpty()) {
      baseRef = parent;
      baseCommit = parent;
    }
    return worktrees.create(slug, options, baseRef, baseCommit, parent, id);
  }

  private static Map<String, String> trailers(String message) {
    Map<String, String> t = new HashMap<>();
    for (String line : message.split("\n")) {
      int colon = line.indexOf(": ");
      if (line.startsWith("Grove-") && colon > 0) {
        t.put(line.substring(0, colon), line.substring(colon + 2).strip());
      }
    }
    return t;
  }
}
