package dev.grove.git;

import dev.grove.fs.FileTree;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The grove worktrees of one repository: each a git worktree at {@code <root>/<slug>} on its own
 * branch {@code task/<slug>}, where the root is {@code GROVE_HOME/worktrees/<repo>-<hash of its
 * path>}. grove records each worktree's base in {@code
 * <git-common-dir>/grove/worktrees/<slug>.json}.
 *
 * <p>Safe for many threads and processes at once. The steps that take git's shared lock files
 * (creating and deleting branches, registering worktrees) run under one lock per repository, {@code
 * <git-common-dir>/grove/lock}, and are retried a bounded number of times should something outside
 * grove hold one of git's lock files; the slow steps (checking files out, deleting them) run
 * outside it, so many worktrees are created side by side. An interrupt never leaves an operation
 * half done: it finishes, and the interrupt flag is set again for the caller (a setup command,
 * which may run for minutes, is the exception: it is stopped).
 *
 * <p>Every file in a worktree is an agent's to write, so every git command here runs with {@link
 * Git#hardened()}, with the filters of the repository's own configuration switched off too, and is
 * pointed at a worktree through git's registry rather than the worktree's {@code .git}; only fetch
 * runs with the user's configuration ({@link Git#forNetwork()}). See {@link Snapshots} for how a
 * worktree's files are read without entering nested repositories.
 */
public final class Worktrees {
  private static final String TASK_BRANCHES = "refs/heads/task/";
  static final String SAVED_PREFIX = "refs/grove/saved/";

  /** Prefix of a removed worktree's directory while it is being deleted. */
  static final String TRASH = ".removing-";

  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  /**
   * An index this large (about 1,500 files) is worth refreshing after a checkout; see {@link
   * #settle}.
   */
  private static final long SETTLE_INDEX_BYTES = 128 * 1024;

  /** git processes one listing runs at once. */
  private static final int PARALLEL = 4;

  /**
   * How to create a worktree.
   *
   * @param base the branch, tag or commit to start from; null for the repository's current branch.
   *     A remote-tracking branch ({@code origin/main}) is fetched first, unless {@code fetch} is
   *     false.
   * @param unique when the slug is taken, add a suffix ({@code fix-login-2}) instead of failing
   * @param setupCommand run in the new worktree after creation (empty: none), with {@code
   *     GROVE_WORKTREE}, {@code GROVE_SLUG}, {@code GROVE_BRANCH} and {@code GROVE_REPO} in its
   *     environment
   */
  public record AddOptions(
      String base,
      boolean unique,
      boolean fetch,
      List<String> setupCommand,
      Duration setupTimeout,
      String owner) {
    public static final Duration DEFAULT_SETUP_TIMEOUT = Duration.ofMinutes(10);

    public AddOptions {
      setupCommand = List.copyOf(setupCommand);
      Objects.requireNonNull(setupTimeout, "setupTimeout");
      if (setupTimeout.isNegative() || setupTimeout.isZero()) {
        throw new IllegalArgumentException("setup timeout must be positive: " + setupTimeout);
      }
    }

    public static AddOptions defaults() {
      return new AddOptions(null, false, true, List.of(), DEFAULT_SETUP_TIMEOUT, null);
    }

    public AddOptions withBase(String ref) {
      return new AddOptions(ref, unique, fetch, setupCommand, setupTimeout, owner);
    }

    public AddOptions withUnique(boolean u) {
      return new AddOptions(base, u, fetch, setupCommand, setupTimeout, owner);
    }

    public AddOptions withFetch(boolean f) {
      return new AddOptions(base, unique, f, setupCommand, setupTimeout, owner);
    }

    public AddOptions withSetup(List<String> command, Duration timeout) {
      return new AddOptions(base, unique, fetch, command, timeout, owner);
    }

    /**
     * Recorded with the worktree: what it is made for (a run's id), so that only that run acts on
     * it.
     */
    public AddOptions withOwner(String run) {
      return new AddOptions(base, unique, fetch, setupCommand, setupTimeout, run);
    }
  }

  /**
   * @param force remove even with uncommitted or unpushed work, after saving it under {@code
   *     refs/grove/saved/}
   * @param keepBranch keep the branch {@code task/<slug>} (then only uncommitted work is at risk)
   */
  public record RemoveOptions(boolean force, boolean keepBranch) {}

  /**
   * What {@link #remove} did.
   *
   * @param changes the uncommitted changes there were ({@code git status --porcelain} lines)
   * @param unpushedCommits commits on the branch that no other branch, tag or remote-tracking
   *     branch has
   * @param savedRef where that work was saved (with {@code force}): a commit of the worktree's
   *     files whose parent is the branch's last commit; empty if there was nothing to save
   */
  public record Removal(
      Worktree worktree,
      List<String> changes,
      int unpushedCommits,
      Optional<String> savedRef,
      Optional<String> savedCommit,
      boolean branchDeleted) {
    public Removal {
      changes = List.copyOf(changes);
    }
  }

  /** What {@link #list} found missing of a worktree grove has a record of. */
  public enum Missing {
    DIRECTORY,
    REGISTRATION,
    BRANCH
  }

  /** A commit, briefly. */
  public record Commit(String id, String subject, Instant time) {}

  /**
   * One worktree's state.
   *
   * @param changes uncommitted changes (paths; an untracked directory counts once); empty if the
   *     directory or registration is missing
   * @param ahead commits on the branch not on the base (the base ref as it is now); empty if the
   *     branch is missing
   * @param behind commits on the base not on the branch
   * @param lastCommit the branch's last commit
   */
  public record Listing(
      Worktree worktree,
      Set<Missing> missing,
      OptionalInt changes,
      OptionalInt ahead,
      OptionalInt behind,
      Optional<Commit> lastCommit) {
    public Listing {
      missing = missing.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(missing));
    }

    public boolean dirty() {
      return changes.orElse(0) > 0;
    }
  }

  public enum DiffFormat {
    PATCH,
    STAT,
    NAME_STATUS
  }

  private final Path dir;
  private final Repo repo;
  private final Git git;
  private final Git user;
  private final Clock clock;
  private final Snapshots snapshots;
  private final SetupRunner setupRunner;

  /**
   * Whether the main worktree's {@code .groveinclude} (given as its path) is honoured as it is now.
   */
  private final java.util.function.Predicate<Path> includes;

  /**
   * The worktrees of the repository containing {@code repository}, kept under {@code groveHome}.
   */
  public Worktrees(Path repository, Path groveHome, Git git) {
    this(repository, groveHome, git, Clock.systemUTC());
  }

  /**
   * @param git the user's runner; worktrees get its {@link Git#hardened()} form, and fetches its
   *     {@link Git#forNetwork()} form
   */
  public Worktrees(Path repository, Path groveHome, Git git, Clock clock) {
    Git hardened = git.hardened();
    this.dir = repository.toAbsolutePath().normalize();
    this.repo = Repo.open(hardened, dir, groveHome);
    Map<String, String> own = ownConfig(hardened, repo.mainWorktree);
    this.git = hardened.withConfig(filtersOff(own.keySet()));
    this.user = git.withoutHooks();
    this.clock = Objects.requireNonNull(clock, "clock");
    this.snapshots =
        new Snapshots(
            this.git,
            repo,
            clock,
            looseObjects(repo.commonDir, own),
            treesInProcess(own),
            own.get("core.excludesfile"),
            refFiles(repo.commonDir, own, clock));
    this.setupRunner = SetupRunner.DIRECT;
    this.includes = list -> true;
  }

  /**
   * What grove must know of the repository's own configuration, read in one git process: its filter
   * drivers, and how it wants objects written. Keys as git prints them (lower case but for
   * subsections); a key set without a value maps to "true".
   */
  static Map<String, String> ownConfig(Git hardened, Path mainWorktree) {
    GitResult r =
        hardened.probe(
            mainWorktree,
            List.of(
                "config",
                "-z",
                "--get-regexp",
                "^filter\\.|^core\\.(sharedrepository|fsync|fsyncobjectfiles|logallrefupdates)$"
                    + "|^i18n\\.commitencoding$|"
                    + STORAGE_KEYS));
    Map<String, String> config = new java.util.LinkedHashMap<>();
    for (String record : r.ok() ? r.records() : List.<String>of()) {
      int newline = record.indexOf('\n');
      config.put(
          newline < 0 ? record : record.substring(0, newline),
          newline < 0 ? "true" : record.substring(newline + 1));
    }
    return config;
  }

  /**
   * The configuration that changes how git turns a worktree's files into an index and a tree (line
   * endings, modes, links, case, index format, object format, which untracked files it ignores):
   * read so that grove makes those trees itself only where git would store the files' bytes as they
   * are, and lists untracked files by the same rules.
   */
  private static final String STORAGE_KEYS =
      "^core\\.(autocrlf|eol|safecrlf|filemode|symlinks|ignorecase|precomposeunicode"
          + "|attributesfile|splitindex|sparsecheckout|protecthfs|protectntfs|excludesfile)$"
          + "|^index\\.sparse$|^extensions\\.(objectformat|worktreeconfig|refstorage)$";

  /**
   * Whether a checkpoint's tree may be made in-process ({@link Trees}): the repository's own
   * configuration ({@code config}, as {@link #ownConfig} reads it) leaves git storing each file's
   * bytes, mode and link as they are, in a SHA-1 repository with a plain index. Anything else
   * (line-ending conversion, {@code core.filemode=false}, a split or sparse index, per-worktree
   * configuration, …) leaves the trees to git.
   */
  static boolean treesInProcess(Map<String, String> config) {
    java.util.function.Predicate<String> on =
        key ->
            Set.of("true", "yes", "on", "1", "input")
                .contains(config.getOrDefault(key, "").toLowerCase(Locale.ROOT));
    java.util.function.Predicate<String> off =
        key ->
            Set.of("false", "no", "off", "0")
                .contains(config.getOrDefault(key, "").toLowerCase(Locale.ROOT));
    return (!config.containsKey("core.autocrlf") || off.test("core.autocrlf"))
        && !config.containsKey("core.eol")
        && !config.containsKey("core.attributesfile")
        && !off.test("core.filemode")
        && !off.test("core.symlinks")
        && !off.test("core.protectntfs")
        && !on.test("core.ignorecase")
        && !on.test("core.precomposeunicode")
        && !on.test("core.splitindex")
        && !on.test("core.sparsecheckout")
        && !on.test("core.protecthfs")
        && !on.test("index.sparse")
        && !on.test("extensions.worktreeconfig")
        && config.getOrDefault("extensions.objectformat", "sha1").equalsIgnoreCase("sha1");
  }

  /**
   * Overrides that switch off every filter driver the repository's own configuration defines
   * ({@code keys} of it): a worktree's {@code .gitattributes} could otherwise apply one to any
   * file, and it would run on the host at every checkpoint. (Drivers in other configuration are not
   * read by the hardened runner.) An empty command is no command to git, and a driver that is not
   * required may be skipped.
   */
  static List<Map.Entry<String, String>> filtersOff(Set<String> keys) {
    Set<String> names = new java.util.TreeSet<>();
    for (String key : keys) {
      int last = key.lastIndexOf('.');
      if (key.startsWith("filter.") && last > "filter.".length()) {
        names.add(key.substring("filter.".length(), last));
      }
    }
    List<Map.Entry<String, String>> off = new ArrayList<>();
    for (String name : names) {
      for (String command : List.of("clean", "smudge", "process")) {
        off.add(Map.entry("filter." + name + "." + command, ""));
      }
      off.add(Map.entry("filter." + name + ".required", "false"));
    }
    return off;
  }

  /**
   * Where grove may write its own commits itself: not where the repository is shared (git sets
   * group permissions on what it writes) nor where it records commit messages in another encoding
   * than UTF-8 (git adds a header for it). Flushed to disk when {@code core.fsync} asks that of
   * loose objects.
   */
  static LooseObjects looseObjects(Path commonDir, Map<String, String> config) {
    String shared = config.getOrDefault("core.sharedrepository", "umask").toLowerCase(Locale.ROOT);
    String encoding = config.getOrDefault("i18n.commitencoding", "utf-8").toLowerCase(Locale.ROOT);
    if (!Set.of("umask", "false", "no", "off", "0").contains(shared)
        || !Set.of("utf-8", "utf8").contains(encoding)) {
      return null;
    }
    String fsync = config.getOrDefault("core.fsync", "").toLowerCase(Locale.ROOT);
    boolean flush =
        Set.of("true", "yes", "on", "1")
                .contains(
                    config.getOrDefault("core.fsyncobjectfiles", "false").toLowerCase(Locale.ROOT))
            || java.util.Arrays.stream(fsync.split(","))
                .map(String::strip)
                .anyMatch(Set.of("loose-object", "objects", "committed", "added", "all")::contains);
    return new LooseObjects(commonDir, flush);
  }

  /**
   * Where grove moves its own refs itself ({@link RefFiles}), or null where git must: flushed to
   * disk when {@code core.fsync} asks that of references, each with a log when {@code
   * core.logAllRefUpdates} is {@code always}.
   */
  static RefFiles refFiles(Path commonDir, Map<String, String> config, Clock clock) {
    if (!RefFiles.usable(commonDir, config)) {
      return null;
    }
    String fsync = config.getOrDefault("core.fsync", "").toLowerCase(Locale.ROOT);
    boolean flush =
        java.util.Arrays.stream(fsync.split(","))
            .map(String::strip)
            .anyMatch(Set.of("reference", "committed", "added", "all")::contains);
    boolean logAll = config.getOrDefault("core.logallrefupdates", "").equalsIgnoreCase("always");
    return new RefFiles(commonDir, clock, flush, logAll);
  }

  private Worktrees(Worktrees w, SetupRunner runner, java.util.function.Predicate<Path> includes) {
    this.git = w.git;
    this.user = w.user;
    this.dir = w.dir;
    this.repo = w.repo;
    this.clock = w.clock;
    this.snapshots = w.snapshots;
    this.setupRunner = Objects.requireNonNull(runner, "setup runner");
    this.includes = Objects.requireNonNull(includes, "includes");
  }

  /** These worktrees, with setup commands run by {@code runner} (grove passes the sandbox's). */
  public Worktrees withSetupRunner(SetupRunner runner) {
    return new Worktrees(this, runner, includes);
  }

  /**
   * These worktrees, copying what the main worktree's {@code .groveinclude} names only when {@code
   * honoured} says so of it (grove passes whether the user trusts the file as it is: it decides
   * which of the user's untracked files agents get).
   */
  public Worktrees withIncludes(java.util.function.Predicate<Path> honoured) {
    return new Worktrees(this, setupRunner, honoured);
  }

  /** The main worktree of the repository. */
  public Path repository() {
    return repo.mainWorktree;
  }

  /** Where new worktrees go: {@code GROVE_HOME/worktrees/<repo>-<hash>}. */
  public Path root() {
    return repo.worktreesRoot;
  }

  /** The repository's common git directory. */
  public Path gitDir() {
    return repo.commonDir;
  }

  /**
   * The runner this uses on worktrees: {@link Git#hardened()}, with the repository's filters off.
   */
  public Git git() {
    return git;
  }

  /** The user's runner (hooks disabled), for commands on the user's behalf in the main checkout. */
  Git user() {
    return user;
  }

  /** Revisions and branch names from outside, checked and resolved in this repository. */
  public Refs refs() {
    return new Refs(git, repo.mainWorktree);
  }

  Repo repo() {
    return repo;
  }

  Snapshots snapshots() {
    return snapshots;
  }

  Clock clock() {
    return clock;
  }

  // --- add

  /**
   * Creates branch {@code task/<slug>} from the base and a worktree for it, copies in the files
   * named by {@code .groveinclude}, and runs the setup command.
   *
   * @param slug normalized with {@link Slug#of}
   * @throws WorktreeException.Taken if the slug, branch or directory is in use (and not {@code
   *     unique})
   * @throws WorktreeException.NotFound if the base does not exist
   * @throws WorktreeException.SetupFailed if the setup command failed; the worktree stays
   */
  public Worktree add(String slug, AddOptions options) {
    Slug wanted = Slug.of(slug);
    if (options.base() != null && (options.base().isBlank() || options.base().startsWith("-"))) {
      throw new IllegalArgumentException("not a usable base: '" + options.base() + "'");
    }
    String baseRef = options.base() == null ? currentBranch() : options.base();
    if (options.fetch()) {
      fetchIfRemote(baseRef);
    }
    String baseCommit =
        commitOf(baseRef)
            .orElseThrow(
                () ->
                    new WorktreeException.NotFound(
                        "base '"
                            + baseRef
                            + "' is not a commit in "
                            + repo.mainWorktree
                            + "; give --base a branch, tag or commit"));
    return create(wanted, options, baseRef, baseCommit, baseCommit, null);
  }

  /**
   * Creates a worktree whose branch starts at {@code start}; its files are {@code start}'s, or,
   * with an {@code overlay} commit, that commit's files as uncommitted changes.
   */
  Worktree create(
      Slug wanted,
      AddOptions options,
      String baseRef,
      String baseCommit,
      String start,
      String overlay) {
    Worktree w =
        repo.locked(
            () -> register(wanted, options.unique(), baseRef, baseCommit, start, options.owner()));
    // setup may have the network: it runs on the base's files, never on an overlay an agent wrote
    boolean setupFirst = overlay != null && !options.setupCommand().isEmpty();
    Snapshots.Layout at;
    long written;
    try {
      at = snapshots.layout(w.path());
      if (overlay == null) {
        git.run(at.top(), at.args("read-tree", "--reset", "-u", "HEAD"), Snapshots.FILE_HEAVY);
      } else if (setupFirst) {
        git.run(at.top(), at.args("read-tree", "--reset", "-u", baseCommit), Snapshots.FILE_HEAVY);
      } else {
        overlay(at, overlay);
      }
      written = System.currentTimeMillis();
      if (includes.test(repo.mainWorktree.resolve(Includes.FILE))) {
        Includes.copy(git, repo.mainWorktree, w.path());
      }
    } catch (RuntimeException e) {
      try {
        dispose(w, worktreeId(w.path()), true); // nothing in it is anyone's work yet
      } catch (RuntimeException cleanup) {
        e.addSuppressed(cleanup);
      }
      throw e;
    }
    try {
      if (!options.setupCommand().isEmpty()) {
        setup(w, options);
      }
    } finally {
      if (setupFirst) {
        overlay(
            at,
            overlay); // also after a failed setup: the worktree is left as the checkpoint had it
        written = System.currentTimeMillis();
      }
    }
    settle(w, written);
    making(w.slug(), false);
    return w;
  }

  /**
   * Discards {@code w} — worktree, branch and record, as a failed {@link #add} does — when its
   * files were still being written as the process making it died (a crash in its checkout, {@code
   * .groveinclude} copy or setup): nothing in it is anyone's work yet. Returns whether it did; the
   * caller makes it again. Only for a worktree no live process is making (its run's lock held).
   */
  public boolean discardIfUnfinished(Worktree w) {
    if (!Files.exists(repo.makingFile(w.slug()), LinkOption.NOFOLLOW_LINKS)) {
      return false;
    }
    dispose(w, worktreeId(w.path()), true);
    return true;
  }

  private void making(Slug slug, boolean on) {
    Path mark = repo.makingFile(slug);
    try {
      if (on) {
        Files.createDirectories(mark.getParent());
        Files.write(mark, new byte[0]);
      } else {
        Files.deleteIfExists(mark);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + mark + ": " + e.getMessage(), e);
    }
  }

  /**
   * The overlay's files, untracked ones included, then the index back to HEAD keeping what matches.
   */
  private void overlay(Snapshots.Layout at, String overlay) {
    git.run(at.top(), at.args("read-tree", "--reset", "-u", overlay), Snapshots.FILE_HEAVY);
    git.run(at.top(), at.args("read-tree", "-m", "HEAD"), Snapshots.FILE_HEAVY);
  }

  /**
   * Refreshes the new worktree's index once, in a later second than its files were written. git
   * (built without nanosecond timestamps, as most are) cannot trust the cached stat data of files
   * written in the same second as the index, and reads them all again on every status and every
   * checkpoint until the index is written again; grove never writes an agent's index after this, so
   * it pays once here (at most a second's wait, usually hidden by the setup command) instead. Small
   * worktrees, which are read again in no time, skip it. The file system's clock decides, hence the
   * system clock rather than the injected one.
   */
  private void settle(Worktree w, long writtenMillis) {
    Snapshots.Layout at = snapshots.layout(w.path());
    try {
      if (Files.size(at.gitDir().resolve("index")) < SETTLE_INDEX_BYTES) {
        return;
      }
    } catch (IOException e) {
      return; // no index to settle
    }
    long nextSecond = (writtenMillis / 1000 + 1) * 1000;
    long wait = nextSecond - System.currentTimeMillis();
    if (wait > 0) {
      Repo.sleepUninterruptibly(Duration.ofMillis(wait));
    }
    git.probe(
        at.top(), at.args("update-index", "-q", "--refresh"), Map.of(), null, Snapshots.FILE_HEAVY);
  }

  private Worktree register(
      Slug wanted, boolean unique, String baseRef, String baseCommit, String start, String owner) {
    Set<String> branches = taskBranchTips().keySet();
    Slug slug = wanted;
    for (int n = 2; ; n++) {
      String taken = taken(slug, branches);
      if (taken == null) {
        break;
      }
      if (!unique) {
        throw new WorktreeException.Taken(
            taken + "; pick another slug, or pass --unique to add a suffix");
      }
      slug = wanted.withSuffix(n);
    }
    Worktree w =
        new Worktree(slug, repo.pathFor(slug), baseRef, baseCommit, clock.instant(), owner);
    // the record first: a crash from here on leaves something grove worktree prune can find;
    // and the mark that its files are still being written, until create() has written them
    making(w.slug(), true);
    repo.write(w);
    boolean branched = false;
    try {
      Repo.retrying(
          () -> git.run(repo.mainWorktree, List.of("branch", "--no-track", w.branch(), start)));
      branched = true;
      Repo.retrying(
          () ->
              git.run(
                  repo.mainWorktree,
                  List.of("worktree", "add", "--no-checkout", w.path().toString(), w.branch())));
      return w;
    } catch (RuntimeException e) {
      try {
        if (branched) {
          Repo.retrying(() -> git.run(repo.mainWorktree, List.of("branch", "-D", w.branch())));
        }
        repo.delete(w.slug());
      } catch (RuntimeException cleanup) {
        e.addSuppressed(cleanup);
      }
      throw e;
    }
  }

  private String taken(Slug s, Set<String> branches) {
    Optional<Worktree> existing = repo.read(s);
    if (existing.isPresent()) {
      return "worktree '" + s + "' already exists at " + existing.get().path();
    }
    if (branches.contains(s.value())) {
      return "branch " + s.branch() + " already exists";
    }
    if (Files.exists(repo.pathFor(s), LinkOption.NOFOLLOW_LINKS)) {
      return "directory "
          + repo.pathFor(s)
          + " already exists (left by a crash? grove worktree prune cleans it up)";
    }
    return null;
  }

  /** The branch checked out where this was opened, or the commit if HEAD is detached there. */
  private String currentBranch() {
    GitResult r = git.probe(dir, List.of("symbolic-ref", "-q", "--short", "HEAD"));
    if (r.ok()) {
      return r.out();
    }
    GitResult head = git.probe(dir, List.of("rev-parse", "-q", "--verify", "HEAD^{commit}"));
    if (!head.ok()) {
      throw new WorktreeException.NotFound(
          dir
              + " has no commit checked out to start from; make a first commit "
              + "or pass --base");
    }
    return head.out();
  }

  /** The commit {@code rev} names, or empty (also for a revision that looks like an option). */
  Optional<String> commitOf(String rev) {
    try {
      return refs().commit(rev);
    } catch (IllegalArgumentException notARevision) {
      return Optional.empty();
    }
  }

  /**
   * Fetches the branch a remote-tracking ref ({@code origin/main}) follows, so the base is current.
   */
  private void fetchIfRemote(String ref) {
    Refs.requireRevision(ref);
    GitResult full =
        git.probe(repo.mainWorktree, List.of("rev-parse", "--symbolic-full-name", ref));
    String name;
    if (full.ok() && !full.out().isEmpty()) {
      if (!full.out().startsWith("refs/remotes/")) {
        return;
      }
      name = full.out().substring("refs/remotes/".length());
    } else {
      name = ref.startsWith("refs/remotes/") ? ref.substring("refs/remotes/".length()) : ref;
    }
    Optional<String> remote =
        git.run(repo.mainWorktree, List.of("remote")).lines().stream()
            .filter(r -> name.startsWith(r + "/"))
            .max(Comparator.comparingInt(String::length));
    if (remote.isEmpty() || name.endsWith("/HEAD")) {
      return;
    }
    String branch = name.substring(remote.get().length() + 1);
    try {
      Repo.retrying(
          () ->
              user.forNetwork()
                  .run(
                      repo.mainWorktree,
                      List.of(
                          "fetch",
                          "--quiet",
                          "--no-write-fetch-head",
                          "--no-auto-maintenance",
                          "--no-recurse-submodules",
                          "--end-of-options",
                          remote.get(),
                          "+refs/heads/" + branch + ":refs/remotes/" + name),
                      Duration.ofMinutes(10)));
    } catch (GitException e) {
      throw new WorktreeException(
          "cannot fetch "
              + branch
              + " from "
              + remote.get()
              + " for the base "
              + ref
              + ": "
              + e.getMessage()
              + "\n(check the network and the remote, or pass --no-fetch to start from the last fetched "
              + ref
              + ")",
          e);
    }
  }

  private void setup(Worktree w, AddOptions options) {
    Path log = repo.setupLog(w.slug());
    Map<String, String> env = new HashMap<>(git.environment());
    env.put("GROVE_WORKTREE", w.path().toString());
    env.put("GROVE_SLUG", w.slug().value());
    env.put("GROVE_BRANCH", w.branch());
    env.put("GROVE_REPO", repo.mainWorktree.toString());
    String shown = GitException.shell(options.setupCommand());
    SetupRunner.Outcome r;
    try {
      Files.deleteIfExists(log);
      r = setupRunner.run(w.path(), options.setupCommand(), env, options.setupTimeout(), log);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new WorktreeException.SetupFailed(
          "the setup command "
              + shown
              + " was interrupted; the worktree is at "
              + w.path()
              + " and its output in "
              + log,
          w);
    } catch (IOException e) {
      throw new WorktreeException.SetupFailed(
          "cannot run the setup command "
              + shown
              + ": "
              + e.getMessage()
              + "; the worktree is at "
              + w.path(),
          w);
    }
    if (r.timedOut() || r.exitCode() != 0) {
      throw new WorktreeException.SetupFailed(
          "the setup command "
              + shown
              + (r.timedOut()
                  ? " did not finish within "
                      + options.setupTimeout().toSeconds()
                      + " s and was stopped"
                  : " failed with exit code " + r.exitCode())
              + "; the worktree is at "
              + w.path()
              + ". Its output ("
              + log
              + ") ends:\n"
              + tail(log, 20),
          w);
    }
  }

  private static String tail(Path file, int lines) {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
      long from = Math.max(0, f.length() - 8192);
      byte[] b = new byte[(int) (f.length() - from)];
      f.seek(from);
      f.readFully(b);
      List<String> all = new String(b, StandardCharsets.UTF_8).lines().toList();
      return all.subList(Math.max(0, all.size() - lines), all.size()).stream()
          .map(l -> "  " + l)
          .collect(Collectors.joining("\n"));
    } catch (IOException e) {
      return "  (cannot read it: " + e.getMessage() + ")";
    }
  }

  // --- find, list, diff

  public Optional<Worktree> find(String slug) {
    return repo.read(Slug.of(slug));
  }

  /**
   * @throws WorktreeException.NotFound if grove has no worktree of that slug
   */
  public Worktree get(String slug) {
    Slug s = Slug.of(slug);
    return repo.read(s)
        .orElseThrow(
            () ->
                new WorktreeException.NotFound(
                    "no grove worktree '"
                        + s
                        + "' in "
                        + repo.mainWorktree
                        + " (grove worktree list shows them)"));
  }

  /**
   * Every worktree grove has a record of, by slug, with its state. Never takes an agent's index
   * lock.
   */
  public List<Listing> list() {
    List<Worktree> all = repo.readAll();
    if (all.isEmpty()) {
      return List.of();
    }
    Set<Path> registered = repo.registered().keySet();
    Map<String, Commit> tips = taskBranchTips();
    Map<String, Optional<String>> basesNow = new HashMap<>();
    for (Worktree w : all) {
      basesNow.computeIfAbsent(w.baseRef(), this::commitOf);
    }
    List<Optional<Listing>> listed =
        parallel(
            all,
            w -> {
              try {
                return Optional.of(
                    listing(
                        w,
                        registered.contains(w.path()),
                        tips.get(w.slug().value()),
                        basesNow.get(w.baseRef()).orElse(w.baseCommit())));
              } catch (GitException e) {
                if (repo.read(w.slug()).isEmpty()) {
                  return Optional.empty(); // removed while we looked
                }
                throw e;
              }
            });
    return listed.stream().flatMap(Optional::stream).toList();
  }

  private Listing listing(Worktree w, boolean registered, Commit tip, String base) {
    EnumSet<Missing> missing = EnumSet.noneOf(Missing.class);
    boolean exists = Files.isDirectory(w.path());
    if (!exists) {
      missing.add(Missing.DIRECTORY);
    }
    if (!registered) {
      missing.add(Missing.REGISTRATION);
    }
    if (tip == null) {
      missing.add(Missing.BRANCH);
    }
    OptionalInt changes =
        exists && registered ? OptionalInt.of(status(w.path()).size()) : OptionalInt.empty();
    OptionalInt ahead = OptionalInt.empty();
    OptionalInt behind = OptionalInt.empty();
    if (tip != null) {
      String[] lr =
          git.run(
                  repo.mainWorktree,
                  List.of("rev-list", "--left-right", "--count", base + "..." + tip.id()))
              .out()
              .split("\\s+");
      behind = OptionalInt.of(Integer.parseInt(lr[0]));
      ahead = OptionalInt.of(Integer.parseInt(lr[1]));
    }
    return new Listing(w, missing, changes, ahead, behind, Optional.ofNullable(tip));
  }

  /**
   * The worktree's changes against its base, as {@code git diff} prints them: committed and
   * uncommitted changes, untracked files included (ignored files are not). The base is where the
   * branch forked from the base ref as it is now (as a pull request shows it), or the recorded base
   * commit if the base ref is gone.
   */
  public String diff(String slug, DiffFormat format) {
    Worktree w = get(slug);
    Snapshots.Located at = snapshots.locate(w.path());
    String tree = snapshots.writeTree(at.layout(), Snapshots.Rules.ALL).id();
    String base = w.baseCommit();
    Optional<String> now = commitOf(w.baseRef());
    if (now.isPresent()) {
      GitResult mb =
          git.probe(
              repo.mainWorktree, List.of("merge-base", "--end-of-options", now.get(), at.head()));
      if (mb.ok()) {
        base = mb.out();
      }
    }
    List<String> args =
        new ArrayList<>(
            List.of(
                "diff", "--no-ext-diff", "--no-textconv", "--no-color", "--ignore-submodules=all"));
    switch (format) {
      case PATCH -> {}
      case STAT -> args.add("--stat");
      case NAME_STATUS -> args.add("--name-status");
    }
    args.add("--end-of-options");
    args.add(base);
    args.add(tree);
    return git.run(repo.mainWorktree, args, Snapshots.FILE_HEAVY).stdout();
  }

  /**
   * {@code git status --porcelain} lines, read without taking the worktree's index lock and without
   * looking into submodules or nested repositories (an untracked one shows as {@code ?? dir/}).
   */
  List<String> status(Path worktree) {
    Snapshots.Layout at = snapshots.layout(worktree);
    List<String> records =
        git.run(
                at.top(),
                at.args(
                    "--no-optional-locks",
                    "status",
                    "--porcelain=v1",
                    "-z",
                    "--untracked-files=normal",
                    "--ignore-submodules=all"),
                Snapshots.FILE_HEAVY)
            .records();
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < records.size(); i++) {
      String r = records.get(i);
      lines.add(r);
      if (r.charAt(0) == 'R' || r.charAt(0) == 'C') {
        i++; // a rename's second record is its old path
      }
    }
    return lines;
  }

  /**
   * The worktree's files as git sees them, tracked and untracked but not ignored (relative paths,
   * each once), read with the hardened runner through git's registry, never the worktree's {@code
   * .git}. A nested repository shows as {@code dir/}; nothing in it is listed.
   */
  public List<String> files(Path worktree) {
    Snapshots.Layout at = snapshots.layout(worktree);
    List<String> all =
        git.run(
                at.top(),
                at.args(
                    "--no-optional-locks",
                    "ls-files",
                    "-z",
                    "--cached",
                    "--others",
                    "--exclude-standard"),
                Snapshots.FILE_HEAVY)
            .records();
    return List.copyOf(new java.util.LinkedHashSet<>(all));
  }

  /** The last commit of every {@code task/*} branch, by slug. */
  Map<String, Commit> taskBranchTips() {
    Map<String, Commit> tips = new HashMap<>();
    for (String line :
        git.run(
                repo.mainWorktree,
                List.of(
                    "for-each-ref",
                    "--format=%(refname)%00%(objectname)%00%(committerdate:iso-strict)%00%(subject)",
                    TASK_BRANCHES))
            .lines()) {
      String[] f = line.split("\0", 4);
      tips.put(
          f[0].substring(TASK_BRANCHES.length()),
          new Commit(
              f[1], f.length > 3 ? f[3] : "", java.time.OffsetDateTime.parse(f[2]).toInstant()));
    }
    return tips;
  }

  private <T, R> List<R> parallel(List<T> items, Function<T, R> f) {
    Semaphore permits = new Semaphore(PARALLEL);
    List<Future<R>> futures = new ArrayList<>();
    try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
      for (T item : items) {
        futures.add(
            ex.submit(
                () -> {
                  permits.acquireUninterruptibly();
                  try {
                    return f.apply(item);
                  } finally {
                    permits.release();
                  }
                }));
      }
      List<R> results = new ArrayList<>();
      boolean interrupted = false;
      for (Future<R> fu : futures) {
        while (true) {
          try {
            results.add(fu.get());
            break;
          } catch (InterruptedException e) {
            interrupted = true;
          } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
              throw re;
            }
            throw new IllegalStateException(e.getCause());
          }
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
      return results;
    }
  }

  // --- scratch checkouts

  /**
   * A throwaway checkout of a commit: a detached worktree (no branch, no record of grove's) under
   * grove's worktrees directory, for a check that needs files rather than objects — the merge queue
   * verifies a merge there before it lands. Its files are checked out as agents' worktrees are
   * (nothing a repository configures runs). Closing it removes it.
   */
  public final class Scratch implements AutoCloseable {
    private final Path path;

    private Scratch(Path path) {
      this.path = path;
    }

    public Path path() {
      return path;
    }

    @Override
    public void close() {
      repo.locked(
          () -> {
            GitResult r =
                git.probe(
                    repo.mainWorktree,
                    List.of("worktree", "remove", "--force", "--force", path.toString()));
            if (!r.ok()) {
              git.probe(repo.mainWorktree, List.of("worktree", "prune"));
            }
          });
      if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
        FileTree.deleteOrThrow(path);
      }
    }
  }

  /** {@link Scratch}: a detached checkout of {@code commit} (a full object id). */
  public Scratch scratch(String commit) {
    if (!Refs.isObjectId(commit)) {
      throw new IllegalArgumentException(
          "a scratch checkout takes a commit id, not '" + commit + "'");
    }
    Path path =
        repo.worktreesRoot.resolve(
            ".scratch-" + commit.substring(0, 12) + "-" + Long.toHexString(System.nanoTime()));
    try {
      Files.createDirectories(repo.worktreesRoot);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot create " + repo.worktreesRoot, e);
    }
    repo.locked(
        () ->
            Repo.retrying(
                () ->
                    git.run(
                        repo.mainWorktree,
                        List.of(
                            "worktree",
                            "add",
                            "--detach",
                            "--no-checkout",
                            path.toString(),
                            commit))));
    Scratch scratch = new Scratch(path);
    try {
      Snapshots.Layout at = snapshots.layout(path);
      git.run(at.top(), at.args("read-tree", "--reset", "-u", "HEAD"), Snapshots.FILE_HEAVY);
    } catch (RuntimeException e) {
      scratch.close();
      throw e;
    }
    return scratch;
  }

  // --- remove

  /** {@link #remove(String, RemoveOptions)} that deletes the branch. */
  public Removal remove(String slug, boolean force) {
    return remove(slug, new RemoveOptions(force, false));
  }

  /**
   * Removes the worktree, its branch (unless kept) and grove's record of it. Refuses when there is
   * uncommitted work, or commits on the branch that no other branch, tag or remote-tracking branch
   * has; with {@code force} it first saves all of it as one commit under {@code
   * refs/grove/saved/<slug>/<time>} (the worktree's files, on top of the branch), so nothing is
   * lost.
   *
   * @throws WorktreeException.HasWork if there is work and not {@code force}
   */
  public Removal remove(String slug, RemoveOptions options) {
    Worktree w = get(slug);
    boolean exists = Files.isDirectory(w.path());
    String id = worktreeId(w.path());
    Optional<String> lock = id == null ? Optional.empty() : repo.lockReason(id);
    if (lock.isPresent() && !options.force()) {
      throw new WorktreeException(
          "worktree '"
              + w.slug()
              + "' is locked ("
              + lock.get()
              + "); unlock it with git worktree "
              + "unlock "
              + w.path()
              + ", or pass --force");
    }
    Snapshots.Located at = exists && id != null ? snapshots.locate(w.path()) : null;
    boolean orphan = exists && id == null && hasFiles(w.path());
    List<String> changes =
        at != null
            ? status(w.path())
            : orphan
                ? List.of("?? " + w.path() + " (a directory git no longer knows as a worktree)")
                : List.of();
    Optional<String> tip = commitOf(TASK_BRANCHES + w.slug().value());
    int unpushed = tip.isPresent() && !options.keepBranch() ? uniqueCommits(w.slug()) : 0;
    Optional<String> savedRef = Optional.empty();
    Optional<String> saved = Optional.empty();
    if (!changes.isEmpty() || unpushed > 0) {
      if (!options.force()) {
        throw new WorktreeException.HasWork(describeWork(w, changes, unpushed), changes, unpushed);
      }
      String parent = at != null ? at.head() : tip.orElse(null);
      String tree =
          at != null
              ? snapshots.writeTree(at.layout(), Snapshots.Rules.ALL).id()
              : orphan
                  ? snapshots.writeTreeOfDirectory(repo.commonDir, w.path()).id()
                  : git.run(
                          repo.mainWorktree,
                          List.of("rev-parse", "--verify", "--end-of-options", parent + "^{tree}"))
                      .out();
      saved =
          Optional.of(
              snapshots.commit(
                  tree,
                  parent,
                  "grove: work saved before removing worktree " + w.slug() + "\n\n" + trailers(w)));
      savedRef =
          Optional.of(
              save(w.slug(), saved.get(), "grove: saved before removing worktree " + w.slug()));
    }
    boolean deleteBranch = tip.isPresent() && !options.keepBranch();
    dispose(w, id, deleteBranch);
    return new Removal(w, changes, unpushed, savedRef, saved, deleteBranch);
  }

  /**
   * Deletes a worktree's files, its registration, its branch (if asked), its last-checkpoint ref
   * and grove's record of it, checking nothing. The files are moved out of the way at once (a
   * rename) and deleted after the registration, outside the lock: git reads every worktree's
   * registration while deregistering one, and fails on one that another process is half way through
   * making or deleting, so registrations change only under the lock.
   */
  private void dispose(Worktree w, String id, boolean deleteBranch) {
    Path trash = Files.isDirectory(w.path()) ? moveToTrash(w.path()) : null;
    repo.locked(
        () -> {
          if (id != null && repo.registered().containsValue(id)) {
            Repo.retrying(
                () ->
                    git.run(
                        repo.mainWorktree,
                        List.of("worktree", "remove", "--force", "--force", w.path().toString())));
          }
          if (deleteBranch
              && commitOf(TASK_BRANCHES + w.slug().value())
                  .isPresent()) { // prune may have been first
            Repo.retrying(() -> git.run(repo.mainWorktree, List.of("branch", "-D", w.branch())));
          }
          if (id != null) {
            git.probe(
                repo.mainWorktree,
                List.of("update-ref", "-d", Checkpoints.LAST_PREFIX + "worktrees/" + id));
          }
          repo.delete(w.slug());
        });
    if (trash != null) {
      FileTree.deleteOrThrow(trash);
    }
  }

  /**
   * Creates {@code refs/grove/saved/<slug>/<time>} (with a suffix if taken) at {@code commit};
   * returns its name.
   */
  String save(Slug slug, String commit, String reason) {
    String stamp = SAVED_PREFIX + slug + "/" + STAMP.format(clock.instant());
    for (int n = 1; ; n++) {
      String ref = n == 1 ? stamp : stamp + "-" + n;
      if (Repo.retrying(() -> snapshots.create(ref, commit, reason))) {
        return ref;
      }
    }
  }

  /**
   * Trailers that tell {@link Checkpoints#restore} which worktree a commit came from and its base.
   */
  static String trailers(Worktree w) {
    return "Grove-Worktree: "
        + w.slug()
        + "\nGrove-Base: "
        + w.baseRef()
        + "\nGrove-Base-Commit: "
        + w.baseCommit()
        + "\n";
  }

  /** Commits on {@code task/<slug>} that no other branch, tag or remote-tracking branch has. */
  int uniqueCommits(Slug slug) {
    return Integer.parseInt(
        git.run(
                repo.mainWorktree,
                List.of(
                    "rev-list",
                    "--count",
                    slug.branch(),
                    "--not",
                    "--exclude=" + slug.branch(),
                    "--branches",
                    "--remotes",
                    "--tags"))
            .out());
  }

  private static String describeWork(Worktree w, List<String> changes, int unpushed) {
    StringBuilder sb = new StringBuilder("worktree '").append(w.slug()).append("' has ");
    if (!changes.isEmpty()) {
      sb.append(changes.size())
          .append(changes.size() == 1 ? " uncommitted change (" : " uncommitted changes (")
          .append(changes.stream().limit(3).map(String::strip).collect(Collectors.joining(", ")))
          .append(changes.size() > 3 ? ", …)" : ")");
    }
    if (unpushed > 0) {
      sb.append(changes.isEmpty() ? "" : " and ")
          .append(unpushed)
          .append(unpushed == 1 ? " commit" : " commits")
          .append(" on ")
          .append(w.branch())
          .append(" that no other branch has");
    }
    return sb.append("; commit and push, or pass --force to save it all under ")
        .append(SAVED_PREFIX)
        .append(w.slug())
        .append("/ and remove the worktree")
        .toString();
  }

  /** git's id of the linked worktree registered at {@code path}, or null if none is. */
  String worktreeId(Path path) {
    return repo.registered().get(Repo.canonical(path));
  }

  /** Renames a worktree's directory to a hidden sibling, to be deleted at leisure. */
  private Path moveToTrash(Path path) {
    Path trash =
        path.resolveSibling(TRASH + path.getFileName() + "-" + Long.toHexString(System.nanoTime()));
    try {
      Files.move(path, trash, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      return trash;
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot move " + path + " aside to delete it: " + e.getMessage(), e);
    }
  }

  /** True if the directory holds anything but git's {@code .git} link file. */
  static boolean hasFiles(Path dir) {
    try (var entries =
        Files.newDirectoryStream(dir, p -> !p.getFileName().toString().equals(".git"))) {
      return entries.iterator().hasNext();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + dir + ": " + e.getMessage(), e);
    }
  }

  // --- housekeeping

  /**
   * Reconciles grove's records, git's worktree registrations, the directories under {@link #root()}
   * and the {@code task/*} branches after a crash or a hand-deleted directory: removes
   * registrations whose directory is gone, deletes directories git no longer knows (saving any
   * files in them under {@code refs/grove/saved/} first), deletes branches of gone worktrees that
   * hold no unique commits (keeping, and reporting, those that do), drops records of worktrees that
   * are wholly gone, and removes git lock files and grove temporary files older than {@code
   * staleAfter}. Leaves worktrees that are not grove's alone.
   */
  public PruneReport prune(boolean dryRun, Duration staleAfter) {
    return repo.locked(() -> new Housekeeping(this).prune(dryRun, staleAfter));
  }

  /** {@link #prune(boolean, Duration)} treating lock files older than ten minutes as stale. */
  public PruneReport prune(boolean dryRun) {
    return prune(dryRun, PruneReport.DEFAULT_STALE_AFTER);
  }

  /**
   * Deletes the checkpoint refs ({@code refs/grove/checkpoints/<session-id>/…}) of sessions not in
   * {@code liveSessionIds}. The commits themselves go at git's next garbage collection.
   */
  public GcReport gc(boolean dryRun, Set<String> liveSessionIds) {
    return repo.locked(() -> new Housekeeping(this).gc(dryRun, liveSessionIds));
  }
}
