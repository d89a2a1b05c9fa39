package dev.grove.git;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Turns a worktree's files into git objects without touching its index, HEAD or branch, and without
 * letting anything in the worktree steer git (every file there is an agent's to write):
 *
 * <ul>
 *   <li>git is pointed at the worktree with {@code --git-dir}/{@code --work-tree} taken from git's
 *       own registry in the repository's git directory, never from the worktree's {@code .git}
 *       file;
 *   <li>the runner is {@link Git#hardened()}: no hooks, filters, fsmonitor or external programs;
 *   <li>no command ever looks inside a nested repository: {@code add -A} would, to check a
 *       submodule whose files look touched ({@code git status} inside it, which runs that
 *       repository's filters), so the changed paths are listed with {@code diff-files
 *       --ignore-submodules=dirty} (stat data only) and {@code ls-files --others}, and exactly
 *       those are hashed with {@code update-index}; an untracked directory with its own {@code
 *       .git} is never added (it would be a new gitlink) but reported, as is every other path
 *       {@link Rules} leave out.
 * </ul>
 *
 * <p>A checkpoint's tree is made in-process from the worktree's own index where git would store the
 * files' bytes as they are ({@link Trees}; {@code ls-files --others} is the one git process);
 * elsewhere, and for every other tree, the index used is a temporary copy of the worktree's own (so
 * files whose stat data is unchanged are not read again) and {@code write-tree} makes the tree. For
 * a snapshot, the commit is written with a fixed grove identity, so it works where no git identity
 * is configured.
 */
final class Snapshots {
  /** Reading or writing every file of a large worktree can take a while on a slow disk. */
  static final Duration FILE_HEAVY = Duration.ofMinutes(15);

  static final String NAME = "grove";
  static final String EMAIL = "grove@grove.invalid";

  /** Files up to this size always enter a checkpoint, even once the budget is spent. */
  static final long SMALL_FILE = 1024 * 1024;

  /** Where a worktree's checkpoint spending is kept, in its own git directory. */
  static final String SPENT_FILE = "grove-checkpoint-bytes";

  private final Git git;
  private final Repo repo;
  private final Clock clock;

  /** Where grove writes its own commits itself, or null where git must (see {@link #commit}). */
  private final LooseObjects objects;

  /**
   * Whether a checkpoint's tree may be made in-process ({@link Trees}): the repository stores
   * files' bytes as they are (see {@link Worktrees#treesInProcess}) and grove writes its objects.
   */
  private final boolean treesInProcess;

  /**
   * Up to how many index entries a checkpoint compares their stat data in-process; above it {@code
   * diff-files} does (one process more): a Java lstat costs ~10–40 µs here, and starting git ~10 ms
   * (2026-12-01, 2 loaded cores), so for a larger index git's C loop is the cheaper one.
   */
  static final int STAT_IN_PROCESS = 1_000;

  /** An object id of the SHA-1 format, for {@link LooseObjects#write}. */
  private static final String SHA1_FORMAT = "0".repeat(40);

  /**
   * The repository's {@code core.excludesFile} as configured, or null when it is not: where the
   * in-process listing of untracked files ({@link Untracked}) finds the user's ignore rules.
   */
  private final String excludesFile;

  /** Where grove moves its own refs itself, or null where git must. */
  private final RefFiles refs;

  /** Bytes each worktree's checkpoints added, by its git directory. */
  private final Map<Path, Budget> budgets = new ConcurrentHashMap<>();

  /**
   * The tree of each worktree's own index, by its git directory, while that index is the same file
   * ({@link IndexFile}): what {@code write-tree} gives when no path needs updating.
   */
  private final Map<Path, IndexTree> indexTrees = new ConcurrentHashMap<>();

  /**
   * @param objects where grove's own commits are written in-process; null to have git write them
   * @param treesInProcess whether checkpoints' trees may be made in-process ({@link Trees})
   * @param excludesFile the repository's {@code core.excludesFile}, null when unset
   * @param refs where grove moves its own refs itself, or null where git must
   */
  Snapshots(
      Git git,
      Repo repo,
      Clock clock,
      LooseObjects objects,
      boolean treesInProcess,
      String excludesFile,
      RefFiles refs) {
    if (!git.isHardened()) {
      throw new IllegalArgumentException("snapshots must run the hardened git (Git.hardened())");
    }
    this.git = git;
    this.repo = repo;
    this.clock = clock;
    this.objects = objects;
    this.treesInProcess = treesInProcess && objects != null;
    this.excludesFile = excludesFile;
    this.refs = refs;
  }

  /** Where grove moves its own refs itself ({@link RefFiles}); empty where git must. */
  Optional<RefFiles> refs() {
    return Optional.ofNullable(refs);
  }

  /**
   * Where a worktree's pieces are.
   *
   * @param top the worktree's top directory
   * @param gitDir its own git directory ({@code <common>/worktrees/<id>}, or the common one for the
   *     main worktree)
   */
  record Layout(Path top, Path gitDir, Path commonDir) {
    /**
     * git's id of a linked worktree (the name of its git directory), or null for a main worktree.
     */
    String worktreeId() {
      return gitDir.equals(commonDir) ? null : gitDir.getFileName().toString();
    }

    /**
     * {@code --git-dir=… --work-tree=… ARGS}: git is told where everything is, and reads nothing to
     * find out.
     */
    List<String> args(String... args) {
      List<String> all = new ArrayList<>(List.of("--git-dir=" + gitDir, "--work-tree=" + top));
      all.addAll(List.of(args));
      return all;
    }
  }

  /** A worktree and the commit it has checked out. */
  record Located(Layout layout, String head) {
    Path top() {
      return layout.top();
    }
  }

  /**
   * What a tree may hold. A checkpoint leaves out files over a size and large files once the
   * worktree's budget is spent, and refuses below a free-space floor; a shipment leaves out grove's
   * own state; all leave out new nested repositories. A limit of {@link Long#MAX_VALUE} is none.
   */
  record Rules(
      boolean shipment,
      long maxFileBytes,
      long budgetBytes,
      long minFreeBytes,
      Generated generated) {
    /** Everything but nested repositories (diffs, work saved before a removal). */
    static final Rules ALL = new Rules(false, Long.MAX_VALUE, Long.MAX_VALUE, 0, Generated.NONE);

    /**
     * A shipment: no grove state, no file over a checkpoint's size limit (a forge refuses files
     * that large, and a 100 MB blob is rarely work), and new files that {@code generated} takes for
     * build output left out.
     */
    static Rules shipment(Generated generated) {
      return new Rules(
          true, Checkpoints.Limits.defaults().maxFileBytes(), Long.MAX_VALUE, 0, generated);
    }

    static Rules checkpoint(Checkpoints.Limits limits) {
      return new Rules(
          false,
          limits.maxFileBytes(),
          limits.budgetBytes(),
          limits.minFreeBytes(),
          Generated.NONE);
    }

    boolean budgeted() {
      return budgetBytes != Long.MAX_VALUE;
    }
  }

  /** A tree written, and the paths left out of it. */
  record Tree(String id, List<LeftOut> leftOut) {
    Tree {
      leftOut = List.copyOf(leftOut);
    }
  }

  /**
   * A worktree's layout, from git's registry in the repository's git directory (which an agent
   * cannot write): the main worktree, or a linked one whose {@code <common>/worktrees/<id>/gitdir}
   * names it. The worktree's own {@code .git} file is never read: an agent could point it at a
   * repository of its making.
   */
  Layout layout(Path worktree) {
    if (!Files.isDirectory(worktree)) {
      throw new WorktreeException.NotFound("worktree directory " + worktree + " does not exist");
    }
    Path top = Repo.canonical(worktree);
    if (top.equals(repo.mainWorktree)) {
      return new Layout(top, repo.commonDir, repo.commonDir);
    }
    String id = repo.idOf(top);
    if (id == null) {
      throw new WorktreeException.NotARepository(
          worktree
              + " is not a worktree of "
              + repo.mainWorktree
              + " (git has no registration for it; grove worktree list shows grove's worktrees)");
    }
    return new Layout(top, repo.commonDir.resolve("worktrees").resolve(id), repo.commonDir);
  }

  Located locate(Path worktree) {
    Layout layout = layout(worktree);
    return new Located(
        layout,
        resolve(layout, List.of("HEAD"))
            .get(0)
            .orElseThrow(
                () ->
                    new WorktreeException.NotARepository(worktree + " has no commit checked out")));
  }

  /**
   * The commit the worktree has checked out, or empty when its branch has none yet. Read from its
   * git directory, which no agent can write, as git reads it (a symbolic ref to a loose or packed
   * ref, or a commit id); what this does not read itself (a reftable repository, a ref being packed
   * meanwhile) is asked of git.
   */
  Optional<String> head(Layout at) {
    String read = readHead(at);
    return read != null ? Optional.of(read) : resolve(at, List.of("HEAD")).get(0);
  }

  /** HEAD as a commit id read from the files, or null when git must be asked. */
  private static String readHead(Layout at) {
    String content = Repo.readSmall(at.gitDir().resolve("HEAD")).map(String::strip).orElse(null);
    for (int depth = 0; content != null && depth < 5; depth++) {
      if (Refs.isObjectId(content)) {
        return content;
      }
      if (!content.startsWith("ref: ")) {
        return null;
      }
      String name = content.substring("ref: ".length()).strip();
      if (!name.startsWith("refs/")
          || name.contains("..")
          || name.contains("//")
          || name.endsWith("/")
          || name.chars().anyMatch(c -> c <= ' ' || c == '\\')) {
        return null;
      }
      // refs of one worktree (bisect, worktree) are in its own directory; the rest are shared
      Path dir =
          name.startsWith("refs/bisect/") || name.startsWith("refs/worktree/")
              ? at.gitDir()
              : at.commonDir();
      Optional<String> loose = Repo.readSmall(dir.resolve(name)).map(String::strip);
      content = loose.isPresent() ? loose.get() : packed(at.commonDir(), name);
    }
    return null;
  }

  /** {@code name}'s id in {@code packed-refs}, or null. */
  private static String packed(Path commonDir, String name) {
    Path file = commonDir.resolve("packed-refs");
    // a stream, not a channel, like every read here: an interrupted caller still gets an answer
    try (java.io.BufferedReader in =
        new java.io.BufferedReader(
            new java.io.InputStreamReader(
                new java.io.FileInputStream(file.toFile()), StandardCharsets.UTF_8))) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        int space = line.indexOf(' ');
        if (space == 40 || space == 64) {
          if (line.substring(space + 1).equals(name)) {
            String id = line.substring(0, space);
            return Refs.isObjectId(id) ? id : null;
          }
        }
      }
    } catch (IOException e) {
      // no packed refs, or unreadable: git is asked
    }
    return null;
  }

  /**
   * Resolves revisions (as the worktree sees them: HEAD is its own) to object ids in one git
   * process.
   */
  List<Optional<String>> resolve(Layout at, List<String> revisions) {
    byte[] stdin = (String.join("\n", revisions) + "\n").getBytes(StandardCharsets.UTF_8);
    List<String> lines =
        git.run(
                at.top(),
                at.args("cat-file", "--batch-check=%(objectname)"),
                Map.of(),
                stdin,
                git.timeout())
            .lines();
    List<Optional<String>> ids = new ArrayList<>();
    for (String line : lines) {
      ids.add(Refs.isObjectId(line) ? Optional.of(line) : Optional.empty());
    }
    return ids;
  }

  /**
   * The tree of the worktree's files as they are now: tracked changes and untracked, non-ignored
   * files.
   */
  Tree writeTree(Layout w, Rules rules) {
    if (!rules.budgeted()) {
      return writeTree(w.top(), w.gitDir(), w.gitDir().resolve("index"), w.gitDir(), rules, null);
    }
    Budget budget = budgets.computeIfAbsent(w.gitDir(), Budget::new);
    synchronized (budget) {
      budget.refresh();
      Tree made = treesInProcess ? inProcess(w, rules, budget) : null;
      return made != null
          ? made
          : writeTree(w.top(), w.gitDir(), w.gitDir().resolve("index"), w.gitDir(), rules, budget);
    }
  }

  /**
   * {@link #writeTree(Layout, Rules)} made in-process alone (for checkpoint rules), or null where
   * git must make it.
   */
  Tree writeTreeInProcess(Layout w, Rules rules) {
    Budget budget = budgets.computeIfAbsent(w.gitDir(), Budget::new);
    synchronized (budget) {
      budget.refresh();
      return treesInProcess ? inProcess(w, rules, budget) : null;
    }
  }

  /** {@link #writeTree(Layout, Rules)} by git alone, as where {@link Trees} cannot be used. */
  Tree writeTreeWithGit(Layout w, Rules rules) {
    Budget budget = rules.budgeted() ? budgets.computeIfAbsent(w.gitDir(), Budget::new) : null;
    if (budget != null) {
      budget.refresh();
    }
    return writeTree(w.top(), w.gitDir(), w.gitDir().resolve("index"), w.gitDir(), rules, budget);
  }

  /**
   * The tree made in-process ({@link Trees}) from the worktree's index, its untracked files listed
   * in-process too ({@link Untracked}; by {@code ls-files --others} where that walk leaves it to
   * git), and the stat data compared by {@code diff-files} when the index is larger than {@link
   * #STAT_IN_PROCESS}; null where git must make it: the index holds what {@link GitIndex} does not
   * read, a {@code .gitattributes} applies anywhere, or {@link Trees.GitMustDoIt}.
   */
  private Tree inProcess(Layout at, Rules rules, Budget budget) {
    if (attributesOutsideTheWorktree()) {
      return null;
    }
    try {
      GitIndex.Index index = GitIndex.read(at.gitDir().resolve("index"));
      if (index == null || index.entries().stream().anyMatch(e -> !Trees.plainName(e.path()))) {
        return null;
      }
      List<String> changed =
          index.entries().size() <= STAT_IN_PROCESS
              ? Trees.changed(at.top(), index)
              : git.run(
                      at.top(),
                      at.args("diff-files", "-z", "--name-only", "--ignore-submodules=dirty"),
                      Map.of(),
                      null,
                      FILE_HEAVY)
                  .records();
      Plan plan = plan(at, rules, budget, changed, untracked(at, index, changed));
      String id =
          Trees.write(
              at.top(),
              index,
              plan.updates,
              plan.removals,
              objects,
              SHA1_FORMAT,
              rules.maxFileBytes());
      budget.spend(plan.fingerprints, plan.addedBytes);
      return new Tree(id, List.copyOf(plan.leftOut));
    } catch (NoSuchFileException noIndex) {
      return null;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the index of " + at.top() + ": " + e, e);
    } catch (Trees.GitMustDoIt e) {
      return null;
    }
  }

  /**
   * The worktree's untracked, non-ignored paths: listed in-process ({@link Untracked}), or by git
   * where that walk cannot judge them as git would.
   */
  private List<String> untracked(Layout at, GitIndex.Index index, List<String> changed) {
    try {
      return Untracked.list(
          at.top(),
          index,
          new java.util.HashSet<>(changed),
          Untracked.Everywhere.read(repo.commonDir, excludesFile, git.environment()));
    } catch (Trees.GitMustDoIt e) {
      return lsFiles(at, Map.of());
    }
  }

  /**
   * Whether attributes apply from outside the worktree: the repository's {@code info/attributes},
   * or the user's default attributes file (git reads it even without a global configuration).
   */
  private boolean attributesOutsideTheWorktree() {
    if (Files.exists(repo.commonDir.resolve("info").resolve("attributes"))) {
      return true;
    }
    Map<String, String> env = git.environment();
    String xdg = env.get("XDG_CONFIG_HOME");
    String home = env.get("HOME");
    Path user =
        xdg != null && !xdg.isEmpty()
            ? Path.of(xdg, "git", "attributes")
            : home != null && !home.isEmpty()
                ? Path.of(home, ".config", "git", "attributes")
                : null;
    return user != null && Files.exists(user);
  }

  /**
   * The tree of a directory that git no longer knows as a worktree (its registration is gone), read
   * against the repository's git directory with a fresh index.
   */
  Tree writeTreeOfDirectory(Path commonDir, Path dir) {
    return writeTree(Repo.canonical(dir), commonDir, null, commonDir, Rules.ALL, null);
  }

  private Tree writeTree(
      Path top, Path gitDir, Path seed, Path tmpDir, Rules rules, Budget budget) {
    Path tmp =
        tmpDir.resolve(
            "grove-snapshot-"
                + Long.toHexString(ThreadLocalRandom.current().nextLong())
                + ".index");
    Layout at = new Layout(top, gitDir, repo.commonDir);
    Map<String, String> env = Map.of("GIT_INDEX_FILE", tmp.toString());
    IndexFile seeded = null;
    try {
      if (seed != null) {
        try {
          IndexFile before = IndexFile.of(seed);
          // keep the index's mtime: git judges which cached stat data it can trust by it ("racy
          // git")
          Files.copy(seed, tmp, StandardCopyOption.COPY_ATTRIBUTES);
          seeded = before != null && before.equals(IndexFile.of(seed)) ? before : null;
        } catch (NoSuchFileException e) {
          // no index yet: start from an empty one, every file is read
        }
      }
      // stat data only: no file is read, and no submodule is looked into (`dirty` is what would run
      // git there)
      List<String> changed =
          git.run(
                  top,
                  at.args("diff-files", "-z", "--name-only", "--ignore-submodules=dirty"),
                  env,
                  null,
                  FILE_HEAVY)
              .records();
      Plan plan = plan(at, rules, budget, changed, lsFiles(at, env));
      if (!plan.removals.isEmpty()) {
        git.run(
            top,
            at.args("update-index", "--force-remove", "-z", "--stdin"),
            env,
            nulJoined(plan.removals),
            FILE_HEAVY);
      }
      if (!plan.updates.isEmpty()) {
        git.run(
            top,
            at.args("update-index", "--add", "--remove", "--replace", "-z", "--stdin"),
            env,
            nulJoined(plan.updates),
            FILE_HEAVY);
      }
      String id;
      IndexTree known = seeded == null ? null : indexTrees.get(gitDir);
      boolean asIndexed = plan.removals.isEmpty() && plan.updates.isEmpty();
      if (asIndexed && known != null && known.index().equals(seeded)) {
        id = known.tree(); // nothing to update: the tree of the index, as written before
      } else {
        id = git.run(top, at.args("write-tree"), env).out();
        if (asIndexed && seeded != null) {
          indexTrees.put(gitDir, new IndexTree(seeded, id));
        }
      }
      if (budget != null) {
        budget.spend(plan.fingerprints, plan.addedBytes);
      }
      return new Tree(id, List.copyOf(plan.leftOut));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot copy the index " + seed + ": " + e.getMessage(), e);
    } finally {
      deleteQuietly(tmp);
      deleteQuietly(tmp.resolveSibling(tmp.getFileName() + ".lock"));
    }
  }

  /**
   * What goes into the tree: the {@code changed} tracked paths, and the {@code untracked},
   * non-ignored ones.
   */
  private Plan plan(
      Layout at, Rules rules, Budget budget, List<String> changed, List<String> untracked) {
    Plan plan = new Plan(at, rules, budget);
    changed.forEach(p -> plan.consider(p, true));
    untracked.forEach(p -> plan.consider(p, false));
    plan.checkFreeSpace();
    return plan;
  }

  /**
   * The untracked, non-ignored paths as git lists them (its {@code .gitignore} rules), with the
   * index {@code env} names.
   */
  private List<String> lsFiles(Layout at, Map<String, String> env) {
    return git.run(
            at.top(),
            at.args("ls-files", "-z", "--others", "--exclude-standard"),
            env,
            null,
            FILE_HEAVY)
        .records();
  }

  private static byte[] nulJoined(List<String> paths) {
    StringBuilder sb = new StringBuilder();
    paths.forEach(p -> sb.append(p).append('\0'));
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Which of the changed and untracked paths go into the tree, which are removed, which are left
   * out.
   */
  private final class Plan {
    final Layout at;
    final Rules rules;
    final Budget budget;
    final List<String> updates = new ArrayList<>();
    final List<String> removals = new ArrayList<>();
    final Set<LeftOut> leftOut = new LinkedHashSet<>();
    final Map<String, String> fingerprints = new HashMap<>();
    long addedBytes;

    Plan(Layout at, Rules rules, Budget budget) {
      this.at = at;
      this.rules = rules;
      this.budget = budget;
    }

    void consider(String path, boolean tracked) {
      if (path.endsWith("/")) {
        // ls-files shows a directory with a .git of its own, and nothing in it, this way
        leftOut.add(new LeftOut(path, LeftOut.Reason.NESTED_REPOSITORY));
        return;
      }
      if (rules.shipment() && GroveState.contains(path)) {
        leftOut.add(new LeftOut(GroveState.topEntry(path), LeftOut.Reason.GROVE_STATE));
        return;
      }
      if (!tracked && rules.generated().matches(path)) {
        leftOut.add(new LeftOut(path, LeftOut.Reason.GENERATED));
        return;
      }
      if (!underRealDirectories(path)) {
        if (tracked) {
          removals.add(
              path); // a tracked file now beyond a symbolic link: gone, as far as git is concerned
        }
        return;
      }
      BasicFileAttributes a;
      try {
        a =
            Files.readAttributes(
                at.top().resolve(path), BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      } catch (IOException gone) {
        updates.add(path); // --remove drops it
        return;
      }
      if (a.isRegularFile() && !admit(path, a)) {
        return;
      }
      if (rules.shipment()
          && path.equals(".gitignore")
          && a.isRegularFile()
          && reincludesGroveState()) {
        leftOut.add(new LeftOut(path, LeftOut.Reason.REINCLUDES_GROVE_STATE));
        return;
      }
      updates.add(path);
    }

    /** Size limit and budget; counts what the tree adds. */
    private boolean admit(String path, BasicFileAttributes a) {
      long size = a.size();
      if (size > rules.maxFileBytes()) {
        leftOut.add(new LeftOut(path, LeftOut.Reason.TOO_LARGE));
        return false;
      }
      if (budget != null) {
        String fingerprint = size + ":" + a.lastModifiedTime().toMillis();
        if (fingerprint.equals(budget.fingerprints.get(path))) {
          return true; // counted by an earlier checkpoint: git stores it once
        }
        if (size > SMALL_FILE && budget.spent + addedBytes + size > rules.budgetBytes()) {
          leftOut.add(new LeftOut(path, LeftOut.Reason.OVER_BUDGET));
          return false;
        }
        fingerprints.put(path, fingerprint);
      }
      addedBytes += size;
      return true;
    }

    /**
     * True if every directory on the way to {@code path} is a real directory, not a symbolic link.
     */
    private boolean underRealDirectories(String path) {
      Path p = at.top();
      String[] parts = path.split("/");
      for (int i = 0; i < parts.length - 1; i++) {
        p = p.resolve(parts[i]);
        if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          return false;
        }
      }
      return true;
    }

    /** The new root .gitignore lets .grove in, and the one at HEAD did not. */
    private boolean reincludesGroveState() {
      Path f = at.top().resolve(".gitignore");
      String text;
      try (FileInputStream in = new FileInputStream(f.toFile())) {
        text = new String(in.readNBytes(1 << 20), StandardCharsets.UTF_8);
      } catch (IOException e) {
        return false; // unreadable: update-index will say so
      }
      if (!GroveState.reincludedBy(text)) {
        return false;
      }
      GitResult head =
          git.probe(
              at.top(),
              at.args("cat-file", "blob", "HEAD:.gitignore"),
              Map.of(),
              null,
              git.timeout());
      return !head.ok() || !GroveState.reincludedBy(head.stdout());
    }

    void checkFreeSpace() {
      if (rules.minFreeBytes() <= 0) {
        return;
      }
      // statvfs on the directory itself (a FileStore would read the mount table first)
      long free = at.commonDir().toFile().getUsableSpace();
      if (free == 0) {
        return; // cannot tell: let git try
      }
      if (free - addedBytes < rules.minFreeBytes()) {
        throw new WorktreeException.NoSpace(
            "no checkpoint of "
                + at.top()
                + ": "
                + Checkpoints.Limits.mb(free)
                + " free on the file system of "
                + at.commonDir()
                + ", and a checkpoint keeps "
                + Checkpoints.Limits.mb(rules.minFreeBytes())
                + " free; free some space (grove gc, git gc --prune=now) "
                + "and go on");
      }
    }
  }

  /**
   * Which index file this is: git replaces an index by renaming a new file over it, so a file with
   * the same inode, size, modification and change times holds what it held.
   */
  record IndexFile(Object key, long size, long modifiedNanos, Object changed) {
    /** The index file's identity, or null where the file system cannot tell it. */
    static IndexFile of(Path index) throws IOException {
      Map<String, Object> a;
      try {
        a = Files.readAttributes(index, "unix:ino,dev,size,lastModifiedTime,ctime");
      } catch (UnsupportedOperationException | IllegalArgumentException noUnixView) {
        return null;
      }
      return new IndexFile(
          List.of(a.get("dev"), a.get("ino")),
          (Long) a.get("size"),
          ((java.nio.file.attribute.FileTime) a.get("lastModifiedTime"))
              .to(java.util.concurrent.TimeUnit.NANOSECONDS),
          a.get("ctime"));
    }
  }

  /** The tree {@code write-tree} made of an index file as it was. */
  private record IndexTree(IndexFile index, String tree) {}

  /**
   * What one worktree's checkpoints have added, kept in its git directory (so it goes with the
   * worktree) and re-read before each snapshot: when another process changed it, or the worktree
   * was made anew, what this one counted is forgotten and counted again.
   */
  private static final class Budget {
    final Path file;

    /** Size and mtime of each file already counted, as of the checkpoint that counted it. */
    final Map<String, String> fingerprints = new HashMap<>();

    long spent;

    Budget(Path gitDir) {
      this.file = gitDir.resolve(SPENT_FILE);
    }

    void refresh() {
      long now =
          Repo.readSmall(file)
              .map(String::strip)
              .filter(s -> s.matches("\\d{1,18}"))
              .map(Long::parseLong)
              .orElse(0L);
      if (now != spent) {
        spent = now;
        fingerprints.clear();
      }
    }

    void spend(Map<String, String> counted, long bytes) {
      fingerprints.putAll(counted);
      if (bytes == 0) {
        return;
      }
      spent += bytes;
      try {
        Repo.writeAtomically(file, (spent + "\n").getBytes(StandardCharsets.UTF_8));
      } catch (IOException e) {
        // counted in memory; the next process starts from the last figure written
      }
    }
  }

  /**
   * A commit of {@code tree} on {@code parent} (null: none) by grove, dated by the clock. Written
   * in-process where the repository lets grove write objects as git would ({@link LooseObjects}):
   * every byte of it is grove's, and it is the commit {@code git commit-tree} would make.
   */
  String commit(String tree, String parent, String message) {
    long seconds = clock.instant().getEpochSecond();
    if (objects != null && message.indexOf('\0') < 0) {
      String who = NAME + " <" + EMAIL + "> " + seconds + " +0000\n";
      StringBuilder c = new StringBuilder().append("tree ").append(tree).append('\n');
      if (parent != null) {
        c.append("parent ").append(parent).append('\n');
      }
      c.append("author ").append(who).append("committer ").append(who).append('\n');
      c.append(message);
      return objects.write("commit", c.toString().getBytes(StandardCharsets.UTF_8), tree);
    }
    String date = "@" + seconds + " +0000";
    return commit(
        tree,
        parent,
        message,
        Map.of(
            "GIT_AUTHOR_NAME",
            NAME,
            "GIT_AUTHOR_EMAIL",
            EMAIL,
            "GIT_AUTHOR_DATE",
            date,
            "GIT_COMMITTER_NAME",
            NAME,
            "GIT_COMMITTER_EMAIL",
            EMAIL,
            "GIT_COMMITTER_DATE",
            date));
  }

  /** A commit of {@code tree} on {@code parent} (null: none) by whom {@code identity} names. */
  String commit(String tree, String parent, String message, Map<String, String> identity) {
    List<String> args = new ArrayList<>(List.of("commit-tree", "--no-gpg-sign", tree));
    if (parent != null) {
      args.add("-p");
      args.add(parent);
    }
    return git.run(
            repo.mainWorktree,
            args,
            identity,
            message.getBytes(StandardCharsets.UTF_8),
            git.timeout())
        .out();
  }

  /**
   * Creates {@code ref} at {@code commit}; false if the ref already exists (it is left as it was).
   */
  boolean create(String ref, String commit, String reason) {
    Path dir = repo.mainWorktree;
    GitResult r =
        git.probe(
            dir,
            List.of("update-ref", "-m", reason, "--stdin"),
            Map.of(),
            ("create " + ref + " " + commit + "\n").getBytes(StandardCharsets.UTF_8),
            git.timeout());
    if (r.ok()) {
      return true;
    }
    if (r.stderr().contains("reference already exists")) {
      return false;
    }
    throw new GitException(r.command(), dir, r.exitCode(), r.stderr());
  }

  static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      // a leftover temporary file; grove worktree prune removes it
    }
  }
}
