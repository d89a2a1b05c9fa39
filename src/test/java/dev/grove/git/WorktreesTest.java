package dev.grove.git;

import static dev.grove.git.GitFixture.read;
import static dev.grove.git.GitFixture.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.grove.git.PruneReport.Action;
import dev.grove.git.Worktrees.AddOptions;
import dev.grove.git.Worktrees.Listing;
import dev.grove.git.Worktrees.Missing;
import dev.grove.git.Worktrees.RemoveOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorktreesTest {
  @TempDir Path dir;
  GitFixture f;
  Path repo;
  Worktrees wts;

  @BeforeEach
  void setUp() {
    f = new GitFixture(dir);
    repo = f.repo("app");
    wts = f.worktrees(repo);
  }

  @Test
  void addCreatesABranchAndWorktreeOutsideTheRepositoryFromTheCurrentBranch() throws Exception {
    String main = f.git(repo, "rev-parse", "HEAD");
    Worktree w = wts.add("Fix Login", AddOptions.defaults());
    assertThat(w.slug().value()).isEqualTo("fix-login");
    assertThat(w.branch()).isEqualTo("task/fix-login");
    assertThat(w.baseRef()).isEqualTo("main");
    assertThat(w.baseCommit()).isEqualTo(main);
    assertThat(w.path()).isEqualTo(wts.root().resolve("fix-login"));
    assertThat(wts.root().getParent()).isEqualTo(f.groveHome().toRealPath().resolve("worktrees"));
    assertThat(wts.root().getFileName().toString()).matches("app-[0-9a-f]{8}");
    assertThat(w.path().startsWith(repo)).isFalse();
    assertThat(read(w.path().resolve("src/App.java"))).isEqualTo("class App {}\n");
    assertThat(f.git(w.path(), "symbolic-ref", "HEAD")).isEqualTo("refs/heads/task/fix-login");
    assertThat(f.git(w.path(), "status", "--porcelain")).isEmpty();
    assertThat(wts.get("fix-login")).isEqualTo(w);
    // the record is in the repository's git directory
    assertThat(Files.readString(repo.resolve(".git/grove/worktrees/fix-login.json")))
        .contains("\"baseCommit\" : \"" + main);
  }

  @Test
  void aLargeWorktreesIndexIsWrittenAfterItsFilesSoGitCanTrustItsStatData() throws Exception {
    // git without nanosecond timestamps re-reads every file written in the same second as the index
    Map<String, String> files = new java.util.HashMap<>();
    for (int i = 0; i < 2_000; i++) {
      files.put("src/d" + i / 100 + "/F" + i + ".java", "class F" + i + " {}\n");
    }
    Path big = f.repo("big", files);
    Worktree w = f.worktrees(big).add("big", AddOptions.defaults());
    Path index = Path.of(f.git(w.path(), "rev-parse", "--absolute-git-dir")).resolve("index");
    long indexSecond = Files.getLastModifiedTime(index).toMillis() / 1000;
    try (var walk = Files.walk(w.path().resolve("src"))) {
      assertThat(
              walk.filter(Files::isRegularFile)
                  .mapToLong(
                      p -> {
                        try {
                          return Files.getLastModifiedTime(p).toMillis() / 1000;
                        } catch (java.io.IOException e) {
                          throw new java.io.UncheckedIOException(e);
                        }
                      })
                  .max()
                  .orElseThrow())
          .isLessThan(indexSecond);
    }
  }

  /**
   * A worktree whose making a crash cut off (its mark still there, its checkout half done) is
   * discarded — worktree, branch and record — so that it is made again; a whole one is kept.
   */
  @Test
  void aWorktreeACrashCutOffWhileItWasMadeIsDiscardedAndMadeAgain() throws Exception {
    Worktree whole = wts.add("whole", AddOptions.defaults());
    assertThat(wts.discardIfUnfinished(whole)).isFalse();
    assertThat(wts.find("whole")).isPresent();

    Worktree cut = wts.add("cut", AddOptions.defaults());
    // what kill -9 during its checkout leaves: the mark, and some of the files
    Files.write(wts.repo().makingFile(cut.slug()), new byte[0]);
    Files.delete(cut.path().resolve("src/App.java"));
    assertThat(wts.discardIfUnfinished(cut)).isTrue();
    assertThat(wts.find("cut")).isEmpty();
    assertThat(cut.path()).doesNotExist();
    assertThat(f.git(repo, "branch", "--list", "task/cut")).isEmpty();
    assertThat(wts.repo().makingFile(cut.slug())).doesNotExist();

    Worktree again = wts.add("cut", AddOptions.defaults());
    assertThat(read(again.path().resolve("src/App.java"))).isEqualTo("class App {}\n");
    assertThat(wts.discardIfUnfinished(again)).isFalse();
    assertThat(wts.find("whole")).isPresent();
  }

  @Test
  void addStartsFromAGivenBase() {
    String first = f.git(repo, "rev-parse", "HEAD");
    f.git(repo, "tag", "v1");
    f.commit(repo, "second");
    Worktree w = wts.add("old", AddOptions.defaults().withBase("v1"));
    assertThat(w.baseRef()).isEqualTo("v1");
    assertThat(w.baseCommit()).isEqualTo(first);
    assertThat(f.git(w.path(), "rev-parse", "HEAD")).isEqualTo(first);
    assertThatThrownBy(() -> wts.add("x", AddOptions.defaults().withBase("nope")))
        .isInstanceOf(WorktreeException.NotFound.class)
        .hasMessageContaining("base 'nope' is not a commit");
  }

  @Test
  void withoutABaseADetachedHeadStartsTheBranchAtItsCommit() {
    String first = f.git(repo, "rev-parse", "HEAD");
    f.commit(repo, "second");
    Worktree detached = wts.add("detached", AddOptions.defaults().withBase(first));
    f.git(detached.path(), "checkout", "-q", "--detach", first);
    Worktree w =
        new Worktrees(detached.path(), f.groveHome(), f.git)
            .add("from-detached", AddOptions.defaults());
    assertThat(w.baseRef()).isEqualTo(first);
    assertThat(w.baseCommit()).isEqualTo(first);
  }

  @Test
  void aWorktreeThatCannotBeFinishedLeavesNothingBehind() {
    // at the base, conf is a file; in the main worktree it is a directory holding an included file
    write(repo.resolve("conf"), "a file\n");
    f.git(repo, "add", "conf");
    f.commit(repo, "conf is a file");
    f.git(repo, "tag", "old");
    f.git(repo, "rm", "-q", "conf");
    write(repo.resolve("conf/keep"), "k\n");
    write(repo.resolve(".gitignore"), "conf/local.env\n");
    f.git(repo, "add", "-A");
    f.commit(repo, "conf is a directory");
    write(repo.resolve("conf/local.env"), "X=1\n");
    write(repo.resolve(".groveinclude"), "conf/local.env\n");
    assertThatThrownBy(() -> wts.add("doomed", AddOptions.defaults().withBase("old")))
        .hasMessageContaining("cannot copy")
        .hasMessageContaining("conf/local.env");
    assertThat(wts.find("doomed")).isEmpty();
    assertThat(f.git.probe(repo, List.of("rev-parse", "--verify", "task/doomed")).ok()).isFalse();
    assertThat(wts.root().resolve("doomed")).doesNotExist();
    assertThat(f.git(repo, "worktree", "list")).doesNotContain("doomed");
    assertThat(f.git(repo, "for-each-ref", "refs/grove/")).isEmpty();
  }

  @Test
  void aRemoteBaseIsFetchedFirst() {
    Path upstream = f.repo("upstream");
    f.git(repo, "remote", "add", "origin", upstream.toString());
    f.git(repo, "fetch", "-q", "origin");
    String newer = f.commit(upstream, "upstream moved on");
    Worktree w = wts.add("from-remote", AddOptions.defaults().withBase("origin/main"));
    assertThat(w.baseCommit()).isEqualTo(newer);
    assertThat(f.git(repo, "rev-parse", "origin/main")).isEqualTo(newer);
    // a branch never fetched before works too
    f.git(upstream, "branch", "feature");
    Worktree g = wts.add("feature", AddOptions.defaults().withBase("origin/feature"));
    assertThat(g.baseCommit()).isEqualTo(newer);
  }

  @Test
  void aTakenSlugIsAClearErrorOrGetsASuffix() {
    wts.add("fix", AddOptions.defaults());
    assertThatThrownBy(() -> wts.add("fix", AddOptions.defaults()))
        .isInstanceOf(WorktreeException.Taken.class)
        .hasMessageContaining("worktree 'fix' already exists at")
        .hasMessageContaining("--unique");
    f.git(repo, "branch", "task/other");
    assertThatThrownBy(() -> wts.add("other", AddOptions.defaults()))
        .isInstanceOf(WorktreeException.Taken.class)
        .hasMessageContaining("branch task/other already exists");
    assertThat(wts.add("fix", AddOptions.defaults().withUnique(true)).slug().value())
        .isEqualTo("fix-2");
    assertThat(wts.add("fix", AddOptions.defaults().withUnique(true)).slug().value())
        .isEqualTo("fix-3");
    assertThat(wts.add("other", AddOptions.defaults().withUnique(true)).branch())
        .isEqualTo("task/other-2");
  }

  @Test
  void aBadSlugIsAReadableError() {
    assertThatThrownBy(() -> wts.add("???", AddOptions.defaults()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("has no letters or digits");
  }

  @Test
  void filesNamedByGroveincludeAreCopiedIn() throws Exception {
    write(repo.resolve(".gitignore"), ".env\n*.local.yml\nbuild/\n");
    write(repo.resolve(".env"), "SECRET=1\n");
    write(repo.resolve("conf/db.local.yml"), "db: local\n");
    write(repo.resolve("conf/other.local.yml"), "not wanted\n");
    write(repo.resolve("build/out.bin"), "big\n");
    write(repo.resolve(".groveinclude"), ".env\nconf/*.local.yml\n!conf/other.local.yml\n");
    Files.createSymbolicLink(repo.resolve("conf/link.local.yml"), Path.of("db.local.yml"));
    Worktree w = wts.add("with-env", AddOptions.defaults());
    assertThat(read(w.path().resolve(".env"))).isEqualTo("SECRET=1\n");
    assertThat(read(w.path().resolve("conf/db.local.yml"))).isEqualTo("db: local\n");
    assertThat(Files.readSymbolicLink(w.path().resolve("conf/link.local.yml")))
        .isEqualTo(Path.of("db.local.yml"));
    assertThat(w.path().resolve("conf/other.local.yml")).doesNotExist();
    assertThat(w.path().resolve("build")).doesNotExist();
  }

  @Test
  void theSetupCommandRunsInTheNewWorktree() {
    Worktree w =
        wts.add(
            "setup",
            AddOptions.defaults()
                .withSetup(
                    List.of(
                        "sh",
                        "-c",
                        "echo \"$GROVE_SLUG $GROVE_BRANCH\" > setup.txt; pwd >> setup.txt"),
                    Duration.ofSeconds(30)));
    assertThat(read(w.path().resolve("setup.txt")))
        .isEqualTo("setup task/setup\n" + w.path() + "\n");
  }

  @Test
  void aFailingSetupCommandIsReportedAndTheWorktreeKept() {
    assertThatThrownBy(
            () ->
                wts.add(
                    "broken",
                    AddOptions.defaults()
                        .withSetup(
                            List.of(
                                "sh", "-c", "echo installing; echo 'no such package' >&2; exit 3"),
                            Duration.ofSeconds(30))))
        .isInstanceOfSatisfying(
            WorktreeException.SetupFailed.class,
            e -> {
              assertThat(e.getMessage())
                  .contains("failed with exit code 3")
                  .contains("no such package");
              assertThat(e.worktree().path()).isDirectory();
            });
    assertThat(wts.find("broken")).isPresent();
    assertThatThrownBy(
            () ->
                wts.add(
                    "slow",
                    AddOptions.defaults()
                        .withSetup(List.of("sleep", "30"), Duration.ofMillis(300))))
        .isInstanceOf(WorktreeException.SetupFailed.class)
        .hasMessageContaining("did not finish within");
  }

  @Test
  void listShowsBranchBaseStateAheadBehindAndLastCommit() {
    Worktree clean = wts.add("clean", AddOptions.defaults());
    Worktree busy = wts.add("busy", AddOptions.defaults());
    write(busy.path().resolve("src/App.java"), "class App { int x; }\n");
    write(busy.path().resolve("notes.txt"), "new\n");
    f.git(busy.path(), "add", "notes.txt");
    f.commit(busy.path(), "notes");
    write(busy.path().resolve("untracked.txt"), "u\n");
    f.commit(repo, "main moves on");
    f.commit(repo, "and again");

    List<Listing> all = wts.list();
    assertThat(all).extracting(l -> l.worktree().slug().value()).containsExactly("busy", "clean");
    Listing b = all.get(0);
    assertThat(b.missing()).isEmpty();
    assertThat(b.changes()).hasValue(2);
    assertThat(b.dirty()).isTrue();
    assertThat(b.ahead()).hasValue(1);
    assertThat(b.behind()).hasValue(2);
    assertThat(b.lastCommit().orElseThrow().subject()).isEqualTo("notes");
    Listing c = all.get(1);
    assertThat(c.worktree()).isEqualTo(clean);
    assertThat(c.changes()).hasValue(0);
    assertThat(c.ahead()).hasValue(0);
    assertThat(c.behind()).hasValue(2);
  }

  @Test
  void listReportsAMissingDirectoryRegistrationOrBranch() throws Exception {
    Worktree w = wts.add("gone", AddOptions.defaults());
    dev.grove.fs.FileTree.deleteOrThrow(w.path());
    Listing l = wts.list().get(0);
    assertThat(l.missing()).containsExactly(Missing.DIRECTORY);
    assertThat(l.changes()).isEmpty();
    f.git(repo, "worktree", "prune");
    f.git(repo, "branch", "-D", "task/gone");
    assertThat(wts.list().get(0).missing())
        .containsExactlyInAnyOrder(Missing.DIRECTORY, Missing.REGISTRATION, Missing.BRANCH);
  }

  @Test
  void listingNeverTakesAnAgentsIndexLock() throws Exception {
    Worktree w = wts.add("busy", AddOptions.defaults());
    write(w.path().resolve("src/App.java"), "changed\n");
    Path gitDir = Path.of(f.git(w.path(), "rev-parse", "--absolute-git-dir"));
    // an agent's git holds its index lock: status polling must neither fail nor wait for it
    Files.writeString(gitDir.resolve("index.lock"), "");
    assertThat(wts.list().get(0).changes()).hasValue(1);
    assertThat(gitDir.resolve("index.lock")).exists();
  }

  @Test
  void diffShowsCommittedUncommittedAndUntrackedChangesButNotIgnoredOnes() {
    write(repo.resolve(".gitignore"), "*.log\n");
    f.git(repo, "add", ".gitignore");
    f.commit(repo, "ignore logs");
    Worktree w = wts.add("d", AddOptions.defaults());
    write(w.path().resolve("committed.txt"), "c\n");
    f.git(w.path(), "add", "committed.txt");
    f.commit(w.path(), "c");
    write(w.path().resolve("src/App.java"), "class App { void run() {} }\n");
    write(w.path().resolve("brand-new.txt"), "hello\n");
    write(w.path().resolve("debug.log"), "noise\n");
    f.commit(repo, "main moves on");
    String patch = wts.diff("d", Worktrees.DiffFormat.PATCH);
    assertThat(patch)
        .contains("+++ b/committed.txt")
        .contains("+++ b/brand-new.txt")
        .contains("+hello")
        .contains("+class App { void run() {} }")
        .doesNotContain("debug.log")
        .doesNotContain("main moves on");
    assertThat(wts.diff("d", Worktrees.DiffFormat.NAME_STATUS).lines())
        .containsExactlyInAnyOrder("A\tbrand-new.txt", "A\tcommitted.txt", "M\tsrc/App.java");
    // nothing of the worktree's state was touched
    assertThat(f.git(w.path(), "status", "--porcelain"))
        .isEqualTo(" M src/App.java\n?? brand-new.txt");
  }

  @Test
  void removeDeletesACleanWorktreeItsBranchAndRecord() {
    Worktree w = wts.add("done", AddOptions.defaults());
    Worktrees.Removal r = wts.remove("done", false);
    assertThat(r.branchDeleted()).isTrue();
    assertThat(r.savedRef()).isEmpty();
    assertThat(w.path()).doesNotExist();
    assertThat(f.git.probe(repo, List.of("rev-parse", "--verify", "task/done")).ok()).isFalse();
    assertThat(wts.find("done")).isEmpty();
    assertThat(f.git(repo, "worktree", "list")).doesNotContain("done");
    assertThatThrownBy(() -> wts.remove("done", false))
        .isInstanceOf(WorktreeException.NotFound.class);
  }

  @Test
  void removeRefusesUncommittedOrUnpushedWork() {
    Worktree w = wts.add("dirty", AddOptions.defaults());
    write(w.path().resolve("wip.txt"), "wip\n");
    assertThatThrownBy(() -> wts.remove("dirty", false))
        .isInstanceOfSatisfying(
            WorktreeException.HasWork.class,
            e -> {
              assertThat(e.getMessage())
                  .contains("1 uncommitted change (?? wip.txt)")
                  .contains("--force");
              assertThat(e.unpushedCommits()).isZero();
            });
    Worktree c = wts.add("committed", AddOptions.defaults());
    write(c.path().resolve("work.txt"), "w\n");
    f.git(c.path(), "add", "-A");
    f.commit(c.path(), "work");
    assertThatThrownBy(() -> wts.remove("committed", false))
        .isInstanceOfSatisfying(
            WorktreeException.HasWork.class,
            e ->
                assertThat(e.getMessage())
                    .contains("1 commit on task/committed that no other branch has"));
    // once the commit is on another branch, nothing would be lost
    f.git(repo, "branch", "keep-it", "task/committed");
    assertThat(wts.remove("committed", false).branchDeleted()).isTrue();
    assertThat(w.path()).isDirectory();
  }

  @Test
  void removeWithForceSavesEverythingFirst() throws Exception {
    Worktree w = wts.add("lost", AddOptions.defaults());
    write(w.path().resolve("a.txt"), "committed\n");
    f.git(w.path(), "add", "-A");
    String head = f.commit(w.path(), "a");
    write(w.path().resolve("src/App.java"), "modified\n");
    write(w.path().resolve("untracked.txt"), "untracked\n");
    Worktrees.Removal r = wts.remove("lost", true);
    assertThat(r.changes()).hasSize(2);
    assertThat(r.unpushedCommits()).isEqualTo(1);
    assertThat(r.savedRef().orElseThrow()).matches("refs/grove/saved/lost/\\d{8}T\\d{6}Z");
    assertThat(w.path()).doesNotExist();
    String saved = r.savedCommit().orElseThrow();
    assertThat(f.git(repo, "rev-parse", r.savedRef().get())).isEqualTo(saved);
    assertThat(f.git(repo, "rev-parse", saved + "^")).isEqualTo(head);
    assertThat(f.git(repo, "show", saved + ":untracked.txt")).isEqualTo("untracked");
    assertThat(f.git(repo, "show", saved + ":src/App.java")).isEqualTo("modified");
    assertThat(f.git(repo, "show", saved + ":a.txt")).isEqualTo("committed");
  }

  @Test
  void removeCanKeepTheBranch() {
    Worktree w = wts.add("pushed", AddOptions.defaults());
    write(w.path().resolve("a.txt"), "a\n");
    f.git(w.path(), "add", "-A");
    String head = f.commit(w.path(), "a");
    Worktrees.Removal r = wts.remove("pushed", new RemoveOptions(false, true));
    assertThat(r.branchDeleted()).isFalse();
    assertThat(f.git(repo, "rev-parse", "task/pushed")).isEqualTo(head);
    assertThat(w.path()).doesNotExist();
  }

  @Test
  void pruneCleansUpAfterAWorktreeDirectoryWasDeletedByHand() {
    Worktree w = wts.add("deleted", AddOptions.defaults());
    Worktree kept = wts.add("kept-work", AddOptions.defaults());
    write(kept.path().resolve("a.txt"), "a\n");
    f.git(kept.path(), "add", "-A");
    f.commit(kept.path(), "unique work");
    Worktree fine = wts.add("fine", AddOptions.defaults());
    dev.grove.fs.FileTree.deleteOrThrow(w.path());
    dev.grove.fs.FileTree.deleteOrThrow(kept.path());

    PruneReport dry = wts.prune(true);
    assertThat(dry.dryRun()).isTrue();
    assertThat(dry.actions())
        .hasOnlyElementsOfTypes(
            Action.RemovedRegistration.class,
            Action.DeletedBranch.class,
            Action.DroppedRecord.class,
            Action.KeptBranch.class);
    assertThat(f.git(repo, "worktree", "list")).contains("deleted"); // nothing done yet

    PruneReport r = wts.prune(false);
    assertThat(r.actions())
        .contains(
            new Action.DeletedBranch("task/deleted"),
            new Action.DroppedRecord(w.slug()),
            new Action.KeptBranch("task/kept-work", 1));
    assertThat(r.actions()).filteredOn(a -> a instanceof Action.RemovedRegistration).hasSize(2);
    assertThat(r.bytesFreed()).isPositive();
    assertThat(f.git(repo, "worktree", "list"))
        .doesNotContain("deleted")
        .doesNotContain("kept-work")
        .contains("fine");
    assertThat(f.git.probe(repo, List.of("rev-parse", "--verify", "task/deleted")).ok()).isFalse();
    assertThat(f.git(repo, "rev-parse", "--verify", "task/kept-work")).isNotEmpty();
    assertThat(wts.list())
        .extracting(l -> l.worktree().slug().value())
        .containsExactly("fine", "kept-work");
    assertThat(fine.path()).isDirectory();
    // a second prune has nothing left to do but keep reporting the branch with work
    assertThat(wts.prune(false).actions())
        .containsExactly(new Action.KeptBranch("task/kept-work", 1));
  }

  @Test
  void pruneSavesAndDeletesDirectoriesGitNoLongerKnows() throws Exception {
    Worktree w = wts.add("orphan", AddOptions.defaults());
    write(w.path().resolve("precious.txt"), "do not lose me\n");
    // git forgets the worktree (as if its registration were lost), the directory stays
    dev.grove.fs.FileTree.deleteOrThrow(repo.resolve(".git/worktrees/orphan"));
    Path junk = wts.root().resolve("half-made");
    Files.createDirectories(junk);
    PruneReport r = wts.prune(false);
    Action.RemovedDirectory orphan =
        r.actions().stream()
            .filter(a -> a instanceof Action.RemovedDirectory d && d.path().equals(w.path()))
            .map(Action.RemovedDirectory.class::cast)
            .findFirst()
            .orElseThrow();
    assertThat(orphan.hadFiles()).isTrue();
    String saved = orphan.savedRef().orElseThrow();
    assertThat(f.git(repo, "show", saved + ":precious.txt")).isEqualTo("do not lose me");
    assertThat(f.git(repo, "rev-parse", saved + "^")).isEqualTo(w.baseCommit());
    assertThat(r.actions())
        .contains(new Action.RemovedDirectory(junk, 0, false, java.util.Optional.empty()));
    assertThat(w.path()).doesNotExist();
    assertThat(junk).doesNotExist();
    assertThat(wts.find("orphan")).isEmpty();
  }

  @Test
  void pruneRemovesStaleLockFilesButNotFreshOnes() throws Exception {
    Worktree w = wts.add("locked-up", AddOptions.defaults());
    Path admin = repo.resolve(".git/worktrees/locked-up");
    Path stale = admin.resolve("index.lock");
    Files.writeString(stale, "");
    Files.setLastModifiedTime(stale, FileTime.from(Instant.now().minus(Duration.ofHours(1))));
    Path fresh = repo.resolve(".git/packed-refs.lock");
    Files.writeString(fresh, "");
    Path staleRef = repo.resolve(".git/refs/heads/task/locked-up.lock");
    Files.writeString(staleRef, "");
    Files.setLastModifiedTime(staleRef, FileTime.from(Instant.now().minus(Duration.ofHours(2))));
    PruneReport r = wts.prune(false);
    assertThat(r.actions())
        .filteredOn(a -> a instanceof Action.DeletedStaleFile)
        .extracting(a -> ((Action.DeletedStaleFile) a).path())
        .containsExactlyInAnyOrder(stale, staleRef);
    assertThat(stale).doesNotExist();
    assertThat(fresh).exists();
    assertThat(w.path()).isDirectory();
    // the worktree works again
    write(w.path().resolve("x"), "x");
    f.git(w.path(), "add", "x");
  }

  @Test
  void gcDeletesTheCheckpointRefsOfSessionsThatNoLongerExist() {
    Worktree w = wts.add("gc", AddOptions.defaults());
    Checkpoints cps = new Checkpoints(wts);
    write(w.path().resolve("a"), "1");
    String c1 = cps.snapshot(w.path()).commit();
    cps.keep(w.path(), c1, "live-session", "aaaa0001");
    write(w.path().resolve("a"), "2");
    String c2 = cps.snapshot(w.path()).commit();
    cps.keep(w.path(), c2, "dead-session", "bbbb0001");
    cps.keep(w.path(), c1, "dead-session", "bbbb0002");

    GcReport dry = wts.gc(true, Set.of("live-session"));
    assertThat(dry.deletedBySession()).isEqualTo(Map.of("dead-session", 2));
    assertThat(cps.kept("dead-session")).hasSize(2);

    GcReport r = wts.gc(false, Set.of("live-session"));
    assertThat(r.deletedRefs()).isEqualTo(2);
    assertThat(r.keptRefs()).isEqualTo(1);
    assertThat(cps.kept("dead-session")).isEmpty();
    assertThat(cps.kept("live-session")).isEqualTo(Map.of("aaaa0001", c1));
  }

  @Test
  void theRepositoryIsFoundFromAnyOfItsWorktreesAndSubdirectories() {
    Worktree w = wts.add("x", AddOptions.defaults());
    Worktrees fromWorktree = new Worktrees(w.path().resolve("src"), f.groveHome(), f.git);
    assertThat(fromWorktree.repository()).isEqualTo(wts.repository());
    assertThat(fromWorktree.root()).isEqualTo(wts.root());
    assertThat(fromWorktree.get("x")).isEqualTo(w);
    assertThatThrownBy(() -> new Worktrees(dir, f.groveHome(), f.git))
        .isInstanceOf(WorktreeException.NotARepository.class)
        .hasMessageContaining("is not in a git repository");
  }
}
