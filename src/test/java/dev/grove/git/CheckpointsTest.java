package dev.grove.git;

import static dev.grove.git.GitFixture.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.grove.git.Worktrees.AddOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointsTest {
  @TempDir Path dir;
  GitFixture f;
  Path repo;
  Worktrees wts;
  Checkpoints cps;
  Worktree w;

  @BeforeEach
  void setUp() {
    f = new GitFixture(dir);
    repo =
        f.repo(
            "app",
            Map.of(
                "README.md",
                "# app\n",
                "src/App.java",
                "class App {}\n",
                "src/Old.java",
                "old\n",
                ".gitignore",
                "*.log\nbuild/\n"));
    wts = f.worktrees(repo);
    cps = new Checkpoints(wts);
    w = wts.add("agent", AddOptions.defaults());
  }

  @Test
  void aSnapshotHoldsTrackedChangesAndUntrackedFilesButNotIgnoredOnes() {
    write(w.path().resolve("src/App.java"), "class App { int changed; }\n");
    write(w.path().resolve("src/New.java"), "class New {}\n");
    write(w.path().resolve("debug.log"), "ignored\n");
    String c = cps.snapshot(w.path()).commit();
    assertThat(f.git(repo, "show", c + ":src/App.java")).isEqualTo("class App { int changed; }");
    assertThat(f.git(repo, "show", c + ":src/New.java")).isEqualTo("class New {}");
    assertThat(f.git(repo, "ls-tree", "-r", "--name-only", c)).doesNotContain("debug.log");
    assertThat(f.git(repo, "rev-parse", c + "^")).isEqualTo(w.baseCommit());
    assertThat(f.git(repo, "log", "-1", "--format=%an <%ae>", c))
        .isEqualTo("grove <grove@grove.invalid>");
    assertThat(f.git(repo, "log", "-1", "--format=%B", c))
        .contains("Grove-Worktree: agent")
        .contains("Grove-Base: main");
  }

  @Test
  void aSnapshotTouchesNeitherTheIndexNorHeadNorTheBranch() throws Exception {
    write(w.path().resolve("src/App.java"), "changed\n");
    write(w.path().resolve("staged.txt"), "staged\n");
    f.git(w.path(), "add", "staged.txt");
    write(w.path().resolve("untracked.txt"), "u\n");
    Path index = Path.of(f.git(w.path(), "rev-parse", "--absolute-git-dir")).resolve("index");
    String status =
        f.git(w.path(), "status", "--porcelain"); // may refresh the index: read it after
    byte[] indexBefore = Files.readAllBytes(index);
    String head = f.git(w.path(), "rev-parse", "HEAD");
    cps.snapshot(w.path());
    assertThat(Files.readAllBytes(index)).isEqualTo(indexBefore);
    assertThat(f.git(w.path(), "rev-parse", "HEAD")).isEqualTo(head);
    assertThat(f.git(w.path(), "rev-parse", "task/agent")).isEqualTo(head);
    assertThat(f.git(w.path(), "symbolic-ref", "HEAD")).isEqualTo("refs/heads/task/agent");
    assertThat(f.git(w.path(), "status", "--porcelain")).isEqualTo(status);
    try (Stream<Path> files = Files.list(index.getParent())) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .noneMatch(n -> n.startsWith("grove-snapshot"));
    }
  }

  @Test
  void anUnchangedWorktreeGivesThePreviousCheckpointAndAChangeANewOne() {
    write(w.path().resolve("a.txt"), "1\n");
    String first = cps.snapshot(w.path()).commit();
    assertThat(cps.snapshot(w.path()).commit()).isEqualTo(first);
    write(w.path().resolve("a.txt"), "2\n");
    String second = cps.snapshot(w.path()).commit();
    assertThat(second).isNotEqualTo(first);
    assertThat(f.git(repo, "rev-parse", Checkpoints.LAST_PREFIX + "worktrees/agent"))
        .isEqualTo(second);
    // same files again, but HEAD moved: a new checkpoint on the new HEAD
    f.git(w.path(), "add", "-A");
    String head = f.commit(w.path(), "agent commit");
    String third = cps.snapshot(w.path()).commit();
    assertThat(third).isNotEqualTo(second);
    assertThat(f.git(repo, "rev-parse", third + "^")).isEqualTo(head);
    // the last checkpoint's reflog keeps the earlier ones reachable
    assertThat(
            f.git(repo, "reflog", "--format=%H", Checkpoints.LAST_PREFIX + "worktrees/agent")
                .lines())
        .contains(first, second, third);
  }

  @Test
  void keepBindsACheckpointToASessionEntryOnce() {
    write(w.path().resolve("a.txt"), "1\n");
    String c = cps.snapshot(w.path()).commit();
    cps.keep(w.path(), c, "0b6c5c2e-1f2a-4c1d-9f0e-2a3b4c5d6e7f", "3c4d5e6f");
    cps.keep(w.path(), c, "0b6c5c2e-1f2a-4c1d-9f0e-2a3b4c5d6e7f", "3c4d5e6f"); // idempotent
    assertThat(
            f.git(
                repo,
                "rev-parse",
                "refs/grove/checkpoints/0b6c5c2e-1f2a-4c1d-9f0e-2a3b4c5d6e7f/3c4d5e6f"))
        .isEqualTo(c);
    assertThat(cps.kept("0b6c5c2e-1f2a-4c1d-9f0e-2a3b4c5d6e7f")).isEqualTo(Map.of("3c4d5e6f", c));
    write(w.path().resolve("a.txt"), "2\n");
    String other = cps.snapshot(w.path()).commit();
    assertThatThrownBy(
            () -> cps.keep(w.path(), other, "0b6c5c2e-1f2a-4c1d-9f0e-2a3b4c5d6e7f", "3c4d5e6f"))
        .isInstanceOf(WorktreeException.Taken.class)
        .hasMessageContaining("already has checkpoint " + c);
    assertThatThrownBy(() -> cps.keep(w.path(), c, "../etc", "x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("session id cannot name a git ref");
    // the kept commit survives later snapshots and git's garbage collection
    write(w.path().resolve("a.txt"), "3\n");
    cps.snapshot(w.path());
    f.git(repo, "reflog", "expire", "--expire=now", "--all");
    f.git(repo, "gc", "-q", "--prune=now");
    assertThat(f.git(repo, "cat-file", "-t", c)).isEqualTo("commit");
  }

  @Test
  void checkpointModifyCheckpointRestoreGivesByteIdenticalFiles() throws Exception {
    // state 1: a modified file, a deleted file, untracked text and binary files, an executable, a
    // link, ignored output
    write(w.path().resolve("src/App.java"), "class App { int one; }\n");
    Files.delete(w.path().resolve("src/Old.java"));
    write(w.path().resolve("notes/todo.md"), "- one\n");
    Files.write(w.path().resolve("data.bin"), new byte[] {0, 1, 2, (byte) 255, 10, 13});
    write(w.path().resolve("run.sh"), "#!/bin/sh\necho hi\n");
    Files.setPosixFilePermissions(
        w.path().resolve("run.sh"), PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.createSymbolicLink(w.path().resolve("link"), Path.of("src/App.java"));
    write(w.path().resolve("build/out.class"), "ignored\n");
    write(w.path().resolve("trace.log"), "ignored\n");
    Map<String, String> files1 = files(w.path());
    String status1 = f.git(w.path(), "status", "--porcelain");
    String c1 = cps.snapshot(w.path()).commit();

    // state 2: more changes
    write(w.path().resolve("src/App.java"), "class App { int two; }\n");
    write(w.path().resolve("notes/todo.md"), "- one\n- two\n");
    Files.delete(w.path().resolve("data.bin"));
    write(w.path().resolve("README.md"), "# changed\n");
    Map<String, String> files2 = files(w.path());
    String c2 = cps.snapshot(w.path()).commit();

    Worktree r1 = cps.restore(c1, "retry-one");
    Worktree r2 = cps.restore(c2, "retry-two");
    Map<String, String> expected1 = withoutIgnored(files1);
    assertThat(files(r1.path())).isEqualTo(expected1);
    assertThat(files(r2.path())).isEqualTo(withoutIgnored(files2));
    assertThat(Files.isExecutable(r1.path().resolve("run.sh"))).isTrue();
    assertThat(Files.readSymbolicLink(r1.path().resolve("link")))
        .isEqualTo(Path.of("src/App.java"));
    // it looks exactly like the agent's worktree did: same uncommitted and untracked state
    assertThat(f.git(r1.path(), "status", "--porcelain"))
        .isEqualTo(
            status1
                .lines()
                .filter(l -> !l.contains("build/") && !l.contains(".log"))
                .reduce((a, b) -> a + "\n" + b)
                .orElse(""));
  }

  @Test
  void aRestoredWorktreeStartsAtTheCheckpointsParentOnANewBranchWithTheOriginalBase() {
    write(w.path().resolve("a.txt"), "committed\n");
    f.git(w.path(), "add", "-A");
    String head = f.commit(w.path(), "agent's commit");
    write(w.path().resolve("b.txt"), "uncommitted\n");
    String c = cps.snapshot(w.path()).commit();
    Worktree r = cps.restore(c, "Try Again");
    assertThat(r.branch()).isEqualTo("task/try-again");
    assertThat(f.git(r.path(), "rev-parse", "HEAD")).isEqualTo(head);
    assertThat(f.git(r.path(), "log", "--format=%s")).doesNotContain("grove checkpoint");
    assertThat(f.git(r.path(), "status", "--porcelain")).isEqualTo("?? b.txt");
    assertThat(r.baseRef()).isEqualTo("main");
    assertThat(r.baseCommit()).isEqualTo(w.baseCommit());
    assertThat(wts.list())
        .filteredOn(l -> l.worktree().equals(r))
        .singleElement()
        .satisfies(l -> assertThat(l.ahead()).hasValue(1));
  }

  @Test
  void setupOnRestoreRunsTheBasesScriptNeverTheAgents() throws Exception {
    Path ran = dir.resolve("setup-ran");
    write(repo.resolve("setup.sh"), "echo base >> " + ran + "\n");
    f.git(repo, "add", "setup.sh");
    f.commit(repo, "a setup script");
    AddOptions setup =
        AddOptions.defaults()
            .withSetup(List.of("sh", "setup.sh"), java.time.Duration.ofSeconds(30));
    Worktree a = wts.add("agent-one", setup);
    assertThat(GitFixture.read(ran)).isEqualTo("base\n");
    // the agent rewrites the script; a retry from its checkpoint must not run that (it may have the
    // network)
    write(a.path().resolve("setup.sh"), "echo agent >> " + ran + "\n");
    write(a.path().resolve("work.txt"), "work\n");
    String c = cps.snapshot(a.path()).commit();
    Worktree r = cps.restore(c, "agent-retry", setup);
    assertThat(GitFixture.read(ran)).isEqualTo("base\nbase\n");
    // and the restored worktree has the agent's files, script included, exactly as checkpointed
    assertThat(GitFixture.read(r.path().resolve("setup.sh")))
        .isEqualTo("echo agent >> " + ran + "\n");
    assertThat(GitFixture.read(r.path().resolve("work.txt"))).isEqualTo("work\n");
    assertThat(f.git(r.path(), "status", "--porcelain")).isEqualTo(" M setup.sh\n?? work.txt");
  }

  @Test
  void restoreNamesWhatIsWrongWithABadCommit() {
    assertThatThrownBy(() -> cps.restore("0123456789abcdef0123456789abcdef01234567", "x"))
        .isInstanceOf(WorktreeException.NotFound.class)
        .hasMessageContaining("no commit");
    String root = f.git(repo, "rev-list", "--max-parents=0", "HEAD");
    assertThatThrownBy(() -> cps.restore(root, "x"))
        .isInstanceOf(WorktreeException.class)
        .hasMessageContaining("is not a grove checkpoint: it has 0 parents");
  }

  @Test
  void hooksDoNotRunDuringGrovesGitCommands() throws Exception {
    // hooks an agent could plant: in the repository's hooks directory, and in a tracked hooks path
    Path marker = dir.resolve("hook-ran");
    String hook = "#!/bin/sh\necho \"$0\" >> " + marker + "\n";
    for (String name :
        List.of(
            "post-commit",
            "pre-commit",
            "post-checkout",
            "reference-transaction",
            "post-index-change")) {
      write(repo.resolve(".git/hooks/" + name), hook);
      Files.setPosixFilePermissions(
          repo.resolve(".git/hooks/" + name), PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    // sanity check: a plain git commit runs them
    f.commit(repo, "user commit");
    assertThat(marker).exists();
    Files.delete(marker);

    Worktree a = wts.add("hooked", AddOptions.defaults());
    for (String name :
        List.of(
            "post-commit",
            "pre-commit",
            "post-checkout",
            "reference-transaction",
            "post-index-change")) {
      write(a.path().resolve("hooks/" + name), hook);
      Files.setPosixFilePermissions(
          a.path().resolve("hooks/" + name), PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    f.git(a.path(), "config", "core.hooksPath", "hooks");
    write(a.path().resolve("x.txt"), "x\n");
    String c = cps.snapshot(a.path()).commit();
    cps.keep(a.path(), c, "session", "entry0001");
    cps.restore(c, "hooked-again");
    wts.diff("hooked", Worktrees.DiffFormat.STAT);
    wts.list();
    wts.remove("hooked", true);
    wts.remove("hooked-again", true);
    assertThat(marker).doesNotExist();
  }

  @Test
  void snapshotsWorkWhereNoGitIdentityIsConfigured() {
    Path strict = dir.resolve("strict.gitconfig");
    write(strict, "[user]\n\tuseConfigOnly = true\n");
    Map<String, String> env = new HashMap<>(f.env);
    env.put("GIT_CONFIG_GLOBAL", strict.toString());
    Git noIdentity = new Git(env);
    assertThat(noIdentity.probe(repo, List.of("commit", "--allow-empty", "-m", "x")).ok())
        .as("a commit needs an identity here")
        .isFalse();
    Checkpoints strictCps = new Checkpoints(new Worktrees(repo, f.groveHome(), noIdentity));
    write(w.path().resolve("a.txt"), "1\n");
    String c = strictCps.snapshot(w.path()).commit();
    assertThat(f.git(repo, "log", "-1", "--format=%cn", c)).isEqualTo("grove");
  }

  @Test
  void anInterruptedCallerStillGetsItsSnapshotAndKeepsTheInterrupt() throws Exception {
    write(w.path().resolve("a.txt"), "1\n");
    AtomicReference<String> commit = new AtomicReference<>();
    AtomicBoolean flag = new AtomicBoolean();
    Thread t =
        Thread.ofVirtual()
            .start(
                () -> {
                  Thread.currentThread().interrupt();
                  commit.set(cps.snapshot(w.path()).commit());
                  flag.set(Thread.currentThread().isInterrupted());
                });
    t.join();
    assertThat(commit.get()).matches("[0-9a-f]{40}");
    assertThat(flag).isTrue();
    assertThat(f.git(repo, "show", commit.get() + ":a.txt")).isEqualTo("1");
  }

  @Test
  void snapshotsOfTheMainWorktreeWorkToo() {
    write(repo.resolve("scratch.txt"), "s\n");
    String c = cps.snapshot(repo).commit();
    assertThat(f.git(repo, "show", c + ":scratch.txt")).isEqualTo("s");
    assertThat(f.git(repo, "rev-parse", Checkpoints.LAST_PREFIX + "main-worktree")).isEqualTo(c);
    assertThat(f.git(repo, "status", "--porcelain")).isEqualTo("?? scratch.txt");
  }

  @Test
  void grovesOwnCommitsAreTheOnesGitWouldWriteInSha1AndSha256Repositories() {
    Path sha256 = dir.resolve("sha256");
    GitFixture.mkdirs(sha256);
    f.git(sha256, "init", "-q", "--object-format=sha256", "-b", "main");
    write(sha256.resolve("a.txt"), "a\n");
    f.git(sha256, "add", "-A");
    f.commit(sha256, "initial");
    java.time.Instant at = java.time.Instant.parse("2026-11-30T12:00:00Z");
    for (Path r : List.of(repo, sha256)) {
      Snapshots s =
          new Worktrees(
                  r, f.groveHome(), f.git, java.time.Clock.fixed(at, java.time.ZoneOffset.UTC))
              .snapshots();
      String tree = f.git(r, "rev-parse", "HEAD^{tree}");
      String head = f.git(r, "rev-parse", "HEAD");
      String message = "grove checkpoint\n\nGrove-Worktree: agent · ü → ✓\n";
      String ours = s.commit(tree, head, message);
      String root = s.commit(tree, null, message);
      // git reads them, finds their ids right, and would have written the same
      f.git(r, "fsck", "--strict", "--no-dangling");
      assertThat(f.git(r, "log", "-1", "--format=%an <%ae> %at %cn %ct%n%B", ours))
          .isEqualTo(
              "grove <grove@grove.invalid> "
                  + at.getEpochSecond()
                  + " grove "
                  + at.getEpochSecond()
                  + "\n"
                  + message.strip());
      Map<String, String> identity =
          Map.of(
              "GIT_AUTHOR_NAME", "grove",
              "GIT_AUTHOR_EMAIL", "grove@grove.invalid",
              "GIT_AUTHOR_DATE", "@" + at.getEpochSecond() + " +0000",
              "GIT_COMMITTER_NAME", "grove",
              "GIT_COMMITTER_EMAIL", "grove@grove.invalid",
              "GIT_COMMITTER_DATE", "@" + at.getEpochSecond() + " +0000");
      assertThat(s.commit(tree, head, message, identity)).isEqualTo(ours).hasSize(head.length());
      assertThat(s.commit(tree, null, message, identity)).isEqualTo(root);
    }
  }

  @Test
  void gitWritesGrovesCommitsWhereTheRepositoryAsksForMoreThanGroveWrites() {
    Path common = repo.resolve(".git");
    assertThat(Worktrees.looseObjects(common, Map.of())).isNotNull();
    assertThat(Worktrees.looseObjects(common, Map.of("core.sharedrepository", "umask")))
        .isNotNull();
    assertThat(Worktrees.looseObjects(common, Map.of("core.sharedrepository", "group"))).isNull();
    assertThat(Worktrees.looseObjects(common, Map.of("i18n.commitencoding", "ISO-8859-1")))
        .isNull();
    assertThat(Worktrees.looseObjects(common, Map.of("i18n.commitencoding", "UTF-8"))).isNotNull();
    // and a shared repository's checkpoints are git's, with its permissions
    f.git(repo, "config", "core.sharedRepository", "group");
    Checkpoints shared = new Checkpoints(f.worktrees(repo));
    write(w.path().resolve("a.txt"), "shared\n");
    String c = shared.snapshot(w.path()).commit();
    assertThat(f.git(repo, "show", c + ":a.txt")).isEqualTo("shared");
    f.git(repo, "fsck", "--strict", "--no-dangling");
  }

  @Test
  void headIsReadFromTheGitDirectoryAsGitResolvesIt() {
    Snapshots s = wts.snapshots();
    Snapshots.Layout at = s.layout(w.path());
    assertThat(s.head(at)).hasValue(f.git(w.path(), "rev-parse", "HEAD"));
    f.commit(w.path(), "on the branch");
    f.git(repo, "pack-refs", "--all"); // the branch only in packed-refs now
    assertThat(repo.resolve(".git/refs/heads/task/agent")).doesNotExist();
    assertThat(s.head(at)).hasValue(f.git(w.path(), "rev-parse", "HEAD"));
    f.git(w.path(), "checkout", "-q", "--detach");
    f.commit(w.path(), "detached");
    assertThat(s.head(at)).hasValue(f.git(w.path(), "rev-parse", "HEAD"));
    assertThat(s.head(s.layout(repo))).hasValue(f.git(repo, "rev-parse", "HEAD"));
    f.git(w.path(), "checkout", "-q", "--orphan", "unborn");
    assertThat(s.head(at)).isEmpty();
    assertThatThrownBy(() -> cps.snapshot(w.path()))
        .isInstanceOf(WorktreeException.NotARepository.class)
        .hasMessageContaining("has no commit checked out");
  }

  @Test
  void aSnapshotToKeepMovesItsRefWithTheKeepInOneTransaction() {
    String session = "0b6c5c2e-1f2a-4c1d-9f0e-2a3b4c5d6e7f";
    String last = Checkpoints.LAST_PREFIX + "worktrees/agent";
    write(w.path().resolve("a.txt"), "1\n");
    String first = cps.snapshotToKeep(w.path()).commit();
    cps.keep(w.path(), first, session, "e0000001");
    assertThat(f.git(repo, "rev-parse", last)).isEqualTo(first);
    write(w.path().resolve("a.txt"), "2\n");
    String second = cps.snapshotToKeep(w.path()).commit();
    assertThat(second).isNotEqualTo(first);
    assertThat(f.git(repo, "rev-parse", last)).as("moved with the keep").isEqualTo(first);
    cps.keep(w.path(), second, session, "e0000002");
    assertThat(f.git(repo, "rev-parse", last)).isEqualTo(second);
    assertThat(cps.kept(session)).isEqualTo(Map.of("e0000001", first, "e0000002", second));
    // the last checkpoint's log has both; an entry's ref has none
    assertThat(f.git(repo, "reflog", "--format=%H", last).lines()).contains(first, second);
    assertThat(repo.resolve(".git/logs/" + Checkpoints.ref(session, "e0000002"))).doesNotExist();
    // nothing changed: the same commit, kept for another entry
    String third = cps.snapshotToKeep(w.path()).commit();
    assertThat(third).isEqualTo(second);
    cps.keep(w.path(), third, session, "e0000003");
    assertThat(cps.kept(session)).containsEntry("e0000003", second);
    // a snapshot not kept is given again while nothing changes, and recorded by a plain snapshot
    write(w.path().resolve("a.txt"), "3\n");
    String unkept = cps.snapshotToKeep(w.path()).commit();
    assertThat(cps.snapshot(w.path()).commit()).isEqualTo(unkept);
    assertThat(f.git(repo, "rev-parse", last)).isEqualTo(unkept);
    // another process moved the ref meanwhile: the keep still binds the entry, and the ref moves
    write(w.path().resolve("a.txt"), "4\n");
    String mine = cps.snapshotToKeep(w.path()).commit();
    write(w.path().resolve("a.txt"), "5\n");
    String theirs = new Checkpoints(wts).snapshot(w.path()).commit();
    write(w.path().resolve("a.txt"), "4\n");
    cps.keep(w.path(), mine, session, "e0000004");
    assertThat(cps.kept(session)).containsEntry("e0000004", mine);
    assertThat(f.git(repo, "rev-parse", last)).isEqualTo(mine).isNotEqualTo(theirs);
    // an entry bound already is not bound again
    write(w.path().resolve("a.txt"), "6\n");
    String other = cps.snapshotToKeep(w.path()).commit();
    assertThatThrownBy(() -> cps.keep(w.path(), other, session, "e0000004"))
        .isInstanceOf(WorktreeException.Taken.class);
  }

  /**
   * Once a worktree's refs are known, a checkpoint that changed files and is kept runs no git: the
   * tree, its untracked files, the commit and both refs are made in-process (issue 11's step cost).
   * A git that logs each call stands in front of the real one.
   */
  @Test
  void aKeptCheckpointOfASmallWorktreeStartsNoGitProcess() throws Exception {
    Path log = dir.resolve("git-calls.log");
    Path logging = dir.resolve("logging-git");
    Files.writeString(logging, "#!/bin/sh\necho \"$*\" >> '" + log + "'\nexec git \"$@\"\n");
    Files.setPosixFilePermissions(logging, PosixFilePermissions.fromString("rwx------"));
    Checkpoints counted =
        new Checkpoints(
            new Worktrees(repo, f.groveHome(), f.git.withExecutable(logging.toString())));
    String session = "0b6c5c2e-1f2a-4c1d-9f0e-2a3b4c5d6e7f";
    write(w.path().resolve("a.txt"), "0\n");
    counted.keep(w.path(), counted.snapshotToKeep(w.path()).commit(), session, "e0");
    assertThat(log).as("the logging git is the one used").exists();
    Files.delete(log);

    String last = null;
    for (int i = 1; i <= 5; i++) {
      write(w.path().resolve("a.txt"), i + "\n");
      write(w.path().resolve("src/New" + i + ".java"), "class New" + i + " {}\n");
      write(w.path().resolve("debug" + i + ".log"), "ignored\n");
      last = counted.snapshotToKeep(w.path()).commit();
      counted.keep(w.path(), last, session, "e" + i);
    }

    assertThat(log).as("git processes started by five kept checkpoints").doesNotExist();
    assertThat(cps.kept(session)).hasSize(6).containsEntry("e5", last);
    assertThat(f.git(repo, "rev-parse", Checkpoints.LAST_PREFIX + "worktrees/agent"))
        .isEqualTo(last);
    assertThat(f.git(repo, "ls-tree", "-r", "--name-only", last))
        .contains("src/New5.java", "a.txt")
        .doesNotContain("debug5.log");
    assertThat(f.git(repo, "fsck", "--no-dangling")).isEmpty();
  }

  @Test
  void aCheckpointFollowsTheIndexWhenOnlyTheIndexChanged() {
    write(w.path().resolve("build.log"), "tracked although ignored\n");
    f.git(w.path(), "add", "-f", "build.log");
    String tracked = cps.snapshot(w.path()).commit();
    assertThat(cps.snapshot(w.path()).commit()).isEqualTo(tracked);
    assertThat(f.git(repo, "ls-tree", "--name-only", tracked)).contains("build.log");
    // the index alone changes: build.log is now untracked, and ignored
    f.git(w.path(), "rm", "-q", "--cached", "build.log");
    String untracked = cps.snapshot(w.path()).commit();
    assertThat(f.git(repo, "ls-tree", "--name-only", untracked)).doesNotContain("build.log");
  }

  /**
   * Every file under {@code root} but {@code .git}: path → content, executable bit, or link target.
   */
  static Map<String, String> files(Path root) throws IOException {
    Map<String, String> all = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.filter(p -> !p.equals(root)).toList()) {
        String rel = root.relativize(p).toString();
        if (rel.equals(".git") || rel.startsWith(".git/")) {
          continue;
        }
        if (Files.isSymbolicLink(p)) {
          all.put(rel, "link → " + Files.readSymbolicLink(p));
        } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
          all.put(
              rel,
              (Files.isExecutable(p) ? "x " : "- ")
                  + java.util.HexFormat.of().formatHex(Files.readAllBytes(p)));
        }
      }
    }
    return all;
  }

  private static Map<String, String> withoutIgnored(Map<String, String> files) {
    Map<String, String> m = new TreeMap<>(files);
    List<String> ignored = new ArrayList<>();
    m.keySet().stream()
        .filter(k -> k.endsWith(".log") || k.startsWith("build/"))
        .forEach(ignored::add);
    ignored.forEach(m::remove);
    assertThat(ignored).as("the test must have ignored files to leave out").isNotEmpty();
    return m;
  }
}
