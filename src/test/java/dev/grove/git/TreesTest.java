package dev.grove.git;

import static dev.grove.git.GitFixture.write;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checkpoint trees made in-process ({@link Trees}, {@link GitIndex}) are the trees git makes of the
 * same worktree, and git makes them wherever it would do more than store bytes.
 */
class TreesTest {
  @TempDir Path dir;
  GitFixture f;
  Path repo;
  Worktrees wts;
  Snapshots snapshots;
  Worktree w;
  final Snapshots.Rules rules = Snapshots.Rules.checkpoint(Checkpoints.Limits.defaults());

  @BeforeEach
  void setUp() throws IOException {
    f = new GitFixture(dir);
    repo =
        f.repo(
            "app",
            Map.of(
                "README.md", "# app\n",
                "src/App.java", "class App {}\n",
                "src/deep/er/Old.java", "old\n",
                "run.sh", "#!/bin/sh\n",
                "docs/guide.md", "guide\n",
                ".github/workflows/ci.yml", "on: push\n",
                ".gitignore", "*.log\nbuild/\n"));
    Files.setPosixFilePermissions(
        repo.resolve("run.sh"), PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.createSymbolicLink(repo.resolve("link"), Path.of("README.md"));
    f.git(repo, "add", "-A");
    f.commit(repo, "modes and links");
    wts = f.worktrees(repo);
    snapshots = wts.snapshots();
    w = wts.add("agent", Worktrees.AddOptions.defaults());
  }

  private Snapshots.Layout at() {
    return snapshots.layout(w.path());
  }

  /** The tree of the worktree's files as {@code git add -A} into a fresh index makes it. */
  private String gitFromAFreshIndex() {
    Path index = dir.resolve("fresh-" + System.nanoTime() + ".index");
    Map<String, String> env = Map.of("GIT_INDEX_FILE", index.toString());
    Git git = f.git;
    git.run(w.path(), List.of("add", "-A"), env);
    return git.run(w.path(), List.of("write-tree"), env).out();
  }

  private String inProcess() {
    Snapshots.Tree t = snapshots.writeTreeInProcess(at(), rules);
    assertThat(t).as("made in-process").isNotNull();
    return t.id();
  }

  @Test
  void anUntouchedWorktreesTreeIsItsCommitsTree() {
    assertThat(inProcess()).isEqualTo(f.git(repo, "rev-parse", "HEAD^{tree}"));
  }

  @Test
  void treesMadeInProcessAreTheTreesGitMakes() throws IOException {
    Path t = w.path();
    write(t.resolve("src/App.java"), "class App { int changed; }\n");
    write(t.resolve("src/New.java"), "class New {}\n");
    write(t.resolve("debug.log"), "ignored\n");
    write(t.resolve("build/out.class"), "ignored too\n");
    Files.delete(t.resolve("docs/guide.md"));
    Files.createDirectories(t.resolve("empty/dirs/only"));
    write(t.resolve("tool.py"), "print(1)\n");
    Files.setPosixFilePermissions(
        t.resolve("tool.py"), PosixFilePermissions.fromString("rwx------"));
    Files.setPosixFilePermissions(
        t.resolve("run.sh"), PosixFilePermissions.fromString("rw-r--r--"));
    Files.createSymbolicLink(t.resolve("dangling"), Path.of("no/such/file"));
    Files.createSymbolicLink(t.resolve("passwd"), Path.of("/etc/passwd"));
    Files.delete(t.resolve("link"));
    Files.createSymbolicLink(t.resolve("link"), Path.of("src"));
    write(t.resolve("café/naïve 日本語 🌲.txt"), "unicode\n");
    write(t.resolve("a-b"), "sorts before a/\n");
    write(t.resolve("a/b"), "in a directory\n");
    write(t.resolve("a0"), "sorts after a/\n");
    byte[] large = new byte[3 << 20];
    new Random(11).nextBytes(large);
    Files.write(t.resolve("large.bin"), large);
    // a tracked file replaced by a directory of files, and a directory by a file
    Files.delete(t.resolve("README.md"));
    write(t.resolve("README.md/part"), "now a directory\n");
    Files.delete(t.resolve("src/deep/er/Old.java"));
    Files.delete(t.resolve("src/deep/er"));
    write(t.resolve("src/deep/er"), "now a file\n");

    String made = inProcess();

    assertThat(made).isEqualTo(gitFromAFreshIndex());
    assertThat(made).isEqualTo(snapshots.writeTreeWithGit(at(), rules).id());
    assertThat(f.git(repo, "ls-tree", "-r", made))
        .contains("120000 blob")
        .contains("100755 blob")
        .doesNotContain("debug.log")
        .doesNotContain("empty");
    assertThat(f.git(repo, "cat-file", "-p", made + ":passwd")).isEqualTo("/etc/passwd");
    assertThat(f.git(repo, "fsck", "--strict", "--no-dangling")).isEmpty();
  }

  @Test
  void aLargeIndexIsComparedByGitAndTheTreeStillMadeInProcess() {
    for (int i = 0; i <= Snapshots.STAT_IN_PROCESS; i++) {
      write(w.path().resolve("many/d" + i % 10 + "/f" + i + ".txt"), "file " + i + "\n");
    }
    f.git(w.path(), "add", "-A");
    write(w.path().resolve("many/d3/f3.txt"), "changed\n");
    write(w.path().resolve("many/new.txt"), "new\n");

    String made = inProcess();

    assertThat(made).isEqualTo(gitFromAFreshIndex());
    assertThat(f.git(repo, "cat-file", "-p", made + ":many/d3/f3.txt")).isEqualTo("changed");
  }

  @Test
  void aNestedRepositoryIsLeftOutAsGitLeavesItOut() {
    Path nested = w.path().resolve("vendor/lib");
    write(nested.resolve("x.txt"), "nested\n");
    f.git(nested.getParent(), "init", "-q", "lib");
    f.git(nested, "add", "-A");
    f.commit(nested, "nested");
    write(w.path().resolve("vendor/other.txt"), "beside it\n");

    Snapshots.Tree made = snapshots.writeTreeInProcess(at(), rules);

    assertThat(made).isNotNull();
    assertThat(made.id()).isEqualTo(snapshots.writeTreeWithGit(at(), rules).id());
    assertThat(made.leftOut())
        .containsExactly(new LeftOut("vendor/lib/", LeftOut.Reason.NESTED_REPOSITORY));
  }

  @Test
  void aFileChangedWithinTheIndexsOwnTimestampIsReadAgain() throws IOException {
    Path file = w.path().resolve("src/App.java");
    FileTime before = Files.getLastModifiedTime(file);
    write(file, "class Ap2 {}\n"); // same size
    Files.setLastModifiedTime(file, before);

    String made = inProcess();

    assertThat(f.git(repo, "cat-file", "-p", made + ":src/App.java")).isEqualTo("class Ap2 {}");
    assertThat(made).isEqualTo(gitFromAFreshIndex());
  }

  @Test
  void anIndexOfVersionFourIsReadAsGitReadsIt() throws IOException {
    write(w.path().resolve("src/deep/er/Newer.java"), "newer\n");
    Snapshots.Layout at = at();
    wts.git().run(w.path(), at.args("update-index", "--index-version", "4"));
    GitIndex.Index index = GitIndex.read(at.gitDir().resolve("index"));

    assertThat(index).isNotNull();
    assertThat(index.entries().stream().map(GitIndex.Entry::path).toList())
        .isEqualTo(List.of(wts.git().run(w.path(), at.args("ls-files", "-z")).records().toArray()));
    assertThat(inProcess()).isEqualTo(gitFromAFreshIndex());
  }

  @Test
  void attributesAndSubmodulesLeaveTheTreeToGit() throws IOException {
    write(w.path().resolve(".gitattributes"), "*.txt text\n");
    write(w.path().resolve("crlf.txt"), "a\r\nb\r\n");
    assertThat(snapshots.writeTreeInProcess(at(), rules)).isNull();
    String byGit = snapshots.writeTree(at(), rules).id();
    assertThat(f.git(repo, "cat-file", "-p", byGit + ":crlf.txt")).isEqualTo("a\nb");
    Files.delete(w.path().resolve(".gitattributes"));

    Path sub = dir.resolve("sub");
    f.repo("sub");
    f.git(
        repo, "-c", "protocol.file.allow=always", "submodule", "add", "-q", sub.toString(), "sub");
    f.commit(repo, "a submodule");
    Worktree other = wts.add("other", Worktrees.AddOptions.defaults());
    assertThat(snapshots.writeTreeInProcess(snapshots.layout(other.path()), rules)).isNull();
  }

  @Test
  void namesGitJudgesAreLeftToGit() {
    assertThat(Trees.plainName(".github/workflows/ci.yml")).isTrue();
    assertThat(Trees.plainName(".gitignore")).isTrue();
    assertThat(Trees.plainName("src/naïve 日本語.txt")).isTrue();
    for (String name :
        List.of(
            ".git/config",
            ".GIT/x",
            "a/.Git. /x",
            "git~1/x",
            ".gitmodules",
            "a/.gitattributes",
            "a\\b",
            "c:d",
            "trailing.",
            "a/../b")) {
      assertThat(Trees.plainName(name)).as(name).isFalse();
    }
  }

  @Test
  void repositoriesThatConvertOrHideWhatTheyStoreLeaveTheTreeToGit() {
    assertThat(Worktrees.treesInProcess(Map.of())).isTrue();
    assertThat(Worktrees.treesInProcess(Map.of("core.autocrlf", "false"))).isTrue();
    assertThat(Worktrees.treesInProcess(Map.of("core.filemode", "true"))).isTrue();
    for (Map<String, String> config :
        List.of(
            Map.of("core.autocrlf", "input"),
            Map.of("core.eol", "crlf"),
            Map.of("core.filemode", "false"),
            Map.of("core.symlinks", "false"),
            Map.of("core.ignorecase", "true"),
            Map.of("core.attributesfile", "/x"),
            Map.of("core.splitindex", "true"),
            Map.of("index.sparse", "true"),
            Map.of("extensions.worktreeconfig", "true"),
            Map.of("extensions.objectformat", "sha256"))) {
      assertThat(Worktrees.treesInProcess(config)).as(config.toString()).isFalse();
    }
  }
}
