package dev.grove.git;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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
    synchronized (state(at)) {
      Made made = make(at);
      return made.recorded()
          ? made.checkpoint()
          : new Checkpoint(record(at, made), made.checkpoint().leftOut());
    }
  }

  /**
   * A snapshot that the caller {@link #keep}s next, right after writing the entry that carries it
   * (the agent loop's way): as {@link #snapshot}, but a new commit goes under {@code
   * refs/grove/last-checkpoint/…} in the same ref transaction as the {@code keep}'s ref, a git
   * process fewer per step. Until then this object alone knows it (a later snapshot of the same
   * worktree that finds nothing changed gives it again).
   */
  public Checkpoint snapshotToKeep(Path worktree) {
    Snapshots.Layout at = snapshots.layout(worktree.toAbsolutePath());
    State state = state(at);
    synchronized (state) {
      Made made = make(at);
      state.pending = made.recorded() ? null : made;
      return made.checkpoint();
    }
  }

  /** A snapshot made, and whether the last-checkpoint ref already holds it. */
  private record Made(Checkpoint checkpoint, Last last, boolean recorded) {}

  /** A checkpoint commit, its tree, and its parent (the worktree's HEAD then). */
  private record Last(String commit, String tree, String parent) {}

  /**
   * What this object knows of one worktree: what its last-checkpoint ref holds (as read or written
   * here; null until known), and a snapshot made for {@link #keep} to record.
   */
  private static final class State {
    Last recorded;
    boolean known;
    Made pending;
  }

  /** By worktree git directory; a worktree's snapshots are made one at a time. */
  private final Map<Path, State> states = new java.util.concurrent.ConcurrentHashMap<>();

  private State state(Snapshots.Layout at) {
    return states.computeIfAbsent(at.gitDir(), d -> new State());
  }

  private static String lastRef(Snapshots.Layout at) {
    return LAST_PREFIX
        + (at.worktreeId() == null ? "main-worktree" : "worktrees/" + at.worktreeId());
  }

  /**
   * The worktree's files as a checkpoint: the commit of the previous one when nothing changed, else
   * a new commit (not yet under any ref). One git process ({@code ls-files --others}) where the
   * tree is made in-process (see {@link Snapshots}), else four when something changed ({@code
   * diff-files}, {@code ls-files}, {@code update-index}, {@code write-tree}) and two when nothing
   * did; HEAD is read from the git directory and the commit written in-process.
   */
  private Made make(Snapshots.Layout at) {
    State state = state(at);
    Snapshots.Tree tree = snapshots.writeTree(at, rules);
    String head =
        snapshots
            .head(at)
            .orElseThrow(
                () ->
                    new WorktreeException.NotARepository(at.top() + " has no commit checked out"));
    if (state.pending != null
        && state.pending.last().tree().equals(tree.id())
        && state.pending.last().parent().equals(head)) {
      return new Made(
          new Checkpoint(state.pending.last().commit(), tree.leftOut()),
          state.pending.last(),
          false);
    }
    Last last = recorded(at, state);
    if (last != null && last.tree().equals(tree.id()) && last.parent().equals(head)) {
      return new Made(new Checkpoint(last.commit(), tree.leftOut()), last, true);
    }
    String commit = snapshots.commit(tree.id(), head, message(at));
    return new Made(
        new Checkpoint(commit, tree.leftOut()), new Last(commit, tree.id(), head), false);
  }

  /** What the last-checkpoint ref holds, read from git the first time (or after it moved). */
  private Last recorded(Snapshots.Layout at, State state) {
    if (!state.known) {
      String ref = lastRef(at);
      List<Optional<String>> now = snapshots.resolve(at, List.of(ref, ref + "^{tree}", ref + "^"));
      state.recorded =
          now.get(0).isPresent()
              ? new Last(now.get(0).get(), now.get(1).orElse(""), now.get(2).orElse(""))
              : null;
      state.known = true;
    }
    return state.recorded;
  }

  /**
   * Moves the last-checkpoint ref to a snapshot made by {@link #make}, and returns the commit it
   * then holds: when another process moved it meanwhile to a snapshot of the same files and HEAD,
   * that one, as before (the ref is left where it is).
   */
  private String record(Snapshots.Layout at, Made made) {
    State state = state(at);
    String ref = lastRef(at);
    for (int attempt = 1; ; attempt++) {
      Last last = recorded(at, state);
      if (attempt > 1
          && last != null
          && last.tree().equals(made.last().tree())
          && last.parent().equals(made.last().parent())) {
        state.pending = null;
        return last.commit();
      }
      Optional<GitResult> failed = updateRefs(at, List.of(move(ref, made.last().commit(), last)));
      if (failed.isEmpty()) {
        state.recorded = made.last();
        state.pending = null;
        return made.last().commit();
      }
      state.known = false; // another snapshot of this worktree moved (or is moving) the ref
      if (attempt == ATTEMPTS) {
        GitResult r = failed.get();
        throw new GitException(r.command(), at.top(), r.exitCode(), r.stderr());
      }
      Repo.sleepUninterruptibly(java.time.Duration.ofMillis(10L * attempt));
    }
  }

  /** {@code ref} moved to {@code commit} from where {@code from} has it, or created. */
  private static RefFiles.Update move(String ref, String commit, Last from) {
    return new RefFiles.Update(ref, commit, from == null ? null : from.commit(), false);
  }

  /**
   * One ref transaction: all its refs move, or none; empty when they did, else git's answer. Made
   * in-process where grove moves refs itself ({@link RefFiles}, no process), else (or where that
   * leaves it to git, or finds a ref moved) by {@code update-ref --stdin}. A ref it creates gets a
   * log only when it is the only one (the last-checkpoint ref's, created alone), so an entry's ref,
   * kept with it, gets none; a log that exists is written to.
   */
  private Optional<GitResult> updateRefs(Snapshots.Layout at, List<RefFiles.Update> moves) {
    boolean alone = moves.size() == 1;
    List<RefFiles.Update> logged =
        moves.stream().map(u -> new RefFiles.Update(u.ref(), u.to(), u.from(), alone)).toList();
    if (snapshots.refs().map(r -> r.apply(logged, REF_MESSAGE)).orElse(null)
        == RefFiles.Outcome.DONE) {
      return Optional.empty();
    }
    List<String> args = new ArrayList<>(List.of("update-ref"));
    if (alone) {
      args.add("--create-reflog");
    }
    args.addAll(List.of("-m", REF_MESSAGE, "--stdin"));
    StringBuilder lines = new StringBuilder();
    for (RefFiles.Update u : moves) {
      lines.append(u.from() == null ? "create " : "update ").append(u.ref()).append(' ');
      lines.append(u.to()).append(u.from() == null ? "" : " " + u.from()).append('\n');
    }
    GitResult r =
        git.probe(
            at.top(),
            at.args(args.toArray(new String[0])),
            Map.of(),
            lines.toString().getBytes(StandardCharsets.UTF_8),
            git.timeout());
    return r.ok() ? Optional.empty() : Optional.of(r);
  }

  private static final String REF_MESSAGE = "grove: checkpoint";

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
    if (keptWithSnapshot(worktree, commit, ref)) {
      return;
    }
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

  /**
   * Keeps a snapshot {@link #snapshotToKeep} made of {@code worktree} and the last-checkpoint ref
   * pointing at it in one ref transaction; false when there is no such snapshot, or the transaction
   * failed (the ref moved, the entry is bound already), so that the ref is moved on its own and the
   * entry kept as any other. Not for a worktree's first snapshot: creating the ref creates its log,
   * which the entry's ref must not get.
   */
  private boolean keptWithSnapshot(Path worktree, String commit, String ref) {
    if (!Files.isDirectory(worktree)) {
      return false;
    }
    Snapshots.Layout at = snapshots.layout(worktree.toAbsolutePath());
    State state = states.get(at.gitDir());
    if (state == null) {
      return false;
    }
    synchronized (state) {
      Made pending = state.pending;
      if (pending == null || !pending.last().commit().equals(commit)) {
        return false;
      }
      if (state.known && state.recorded != null) {
        Optional<GitResult> failed =
            updateRefs(
                at,
                List.of(
                    move(lastRef(at), commit, state.recorded),
                    new RefFiles.Update(ref, commit, null, false)));
        if (failed.isEmpty()) {
          state.recorded = pending.last();
          state.pending = null;
          return true;
        }
        state.known = false;
      }
      record(at, pending);
      return false;
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
