package dev.grove.git;

import static dev.grove.git.GitFixture.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The in-process listing of untracked files ({@link Untracked}, {@link Ignores}) lists what {@code
 * git ls-files --others --exclude-standard} lists: on hand-picked cases of gitignore(5), and on
 * random worktrees with random ignore files (seeded; the seed is printed), each compared with the
 * real git on this machine.
 */
class UntrackedTest {
  @TempDir Path dir;

  /** What git lists, run as grove runs it on a worktree (hardened: no global configuration). */
  private static List<String> git(GitFixture f, Path top) {
    return f.git
        .hardened()
        .run(top, List.of("ls-files", "-z", "--others", "--exclude-standard"))
        .records();
  }

  private static List<String> ours(GitFixture f, Path top, String excludesFile) throws Exception {
    GitIndex.Index index = GitIndex.read(top.resolve(".git/index"));
    assertThat(index).as("index read in-process").isNotNull();
    return Untracked.list(
        top,
        index,
        new HashSet<>(Trees.changed(top, index)),
        Untracked.Everywhere.read(top.resolve(".git"), excludesFile, f.env));
  }

  private Path repo(GitFixture f, String ignore, String... files) {
    Path repo = f.repo("r", Map.of("tracked.txt", "t\n", "src/Main.java", "m\n"));
    if (ignore != null) {
      write(repo.resolve(".gitignore"), ignore);
    }
    for (String file : files) {
      write(repo.resolve(file), file + "\n");
    }
    return repo;
  }

  private void same(String ignore, String... files) throws Exception {
    GitFixture f = new GitFixture(dir.resolve("case" + System.nanoTime()));
    Path repo = repo(f, ignore, files);
    assertThat(ours(f, repo, null)).as("with .gitignore:\n" + ignore).isEqualTo(git(f, repo));
  }

  @Test
  void listsWhatGitListsForTheManualsExamples() throws Exception {
    String[] files = {
      "a.log",
      "logs/debug.log",
      "logs/keep.log",
      "build/out.class",
      "src/build/x",
      "doc/frotz/a",
      "a/doc/frotz/b",
      "foo/bar",
      "x/foo/y",
      "abc/foo",
      "foo/x/y/bar",
      "abc/x",
      "hello.c",
      "sub/hello.c",
      "#hash",
      "!bang",
      "trail ",
      "dir/file",
      "node_modules/m/index.js",
      "deep/a/b/c/d.txt",
      "[x]",
      "q?",
      "star*"
    };
    same("*.log\n!logs/keep.log\n", files);
    same("build/\n", files);
    same("/build\n", files);
    same("doc/frotz/\n", files);
    same("**/foo\n", files);
    same("foo/**\n", files);
    same("a/**/b\nfoo/**/bar\n", files);
    same("abc/**\n!abc/x\n", files);
    same("*\n!*/\n!*.c\n", files);
    same("/*.c\n", files);
    same("\\#hash\n\\!bang\n", files);
    same("trail\\ \nspaced   \n", files);
    same("# a comment\n\n   \nnode_modules\r\n", files);
    same("\uFEFFhello.c\n", files);
    same("deep/**/d.txt\n", files);
    same("deep/a\n!deep/a/b\n", files); // a file in an excluded directory is not re-included
    same("\\[x]\nq\\?\nstar\\*\n", files);
    same("[x]\n[!a-z]*\n[[:punct:]]*\n[a-\n", files);
    same("foo**/bar\nd*/\n", files);
    same("*/\n", files);
    same("**\n!dir/\n!dir/file\n", files);
  }

  @Test
  void nestedIgnoreFilesApplyBelowThemDeepestFirst() throws Exception {
    GitFixture f = new GitFixture(dir);
    Path repo = repo(f, "*.tmp\n", "a.tmp", "sub/b.tmp", "sub/c.txt", "sub/deeper/d.txt");
    write(repo.resolve("sub/.gitignore"), "!b.tmp\n*.txt\n");
    write(repo.resolve("sub/deeper/.gitignore"), "!d.txt\n/also\n");
    write(repo.resolve(".git/info/exclude"), "sub/deeper/e\n");
    write(repo.resolve("sub/deeper/e"), "e\n");
    write(repo.resolve("sub/deeper/also"), "also\n");
    write(f.home.resolve(".config/git/ignore"), "tracked*\nsub/c.txt\n");
    write(repo.resolve("tracked-too"), "x\n");

    assertThat(ours(f, repo, null))
        .isEqualTo(git(f, repo))
        .contains("sub/b.tmp", "sub/deeper/d.txt")
        .doesNotContain("a.tmp", "sub/c.txt", "sub/deeper/e", "sub/deeper/also", "tracked-too");
  }

  @Test
  void aConfiguredExcludesFileIsReadWhereGitReadsIt() throws Exception {
    GitFixture f = new GitFixture(dir);
    Path repo = repo(f, null, "secret.key", "notes.md");
    write(f.home.resolve("mine/ignore"), "*.key\n");
    f.git(repo, "config", "core.excludesFile", "~/mine/ignore");
    assertThat(ours(f, repo, "~/mine/ignore")).isEqualTo(git(f, repo)).containsExactly("notes.md");
    assertThatThrownBy(() -> ours(f, repo, "relative/ignore"))
        .isInstanceOf(Trees.GitMustDoIt.class);
  }

  @Test
  void linksAreListedNotFollowedAndAnIgnoreFileThatIsALinkIsNotRead() throws Exception {
    GitFixture f = new GitFixture(dir);
    Path repo = repo(f, null);
    Path outside = Files.createDirectories(dir.resolve("outside"));
    write(outside.resolve("secret.txt"), "s\n");
    write(outside.resolve("rules"), "*.md\n");
    Files.createSymbolicLink(repo.resolve("out"), outside);
    Files.createDirectories(repo.resolve("docs"));
    write(repo.resolve("docs/a.md"), "a\n");
    Files.createSymbolicLink(repo.resolve("docs/.gitignore"), outside.resolve("rules"));
    Files.createSymbolicLink(repo.resolve("dangling"), Path.of("no/such"));
    new ProcessBuilder("mkfifo", repo.resolve("pipe").toString()).start().waitFor();

    assertThat(ours(f, repo, null))
        .isEqualTo(git(f, repo))
        .contains("out", "docs/a.md", "docs/.gitignore", "dangling")
        .doesNotContain("pipe", "out/secret.txt");
  }

  @Test
  void anUntrackedDirectoryWithAGitOfItsOwnIsLeftToGit() throws Exception {
    GitFixture f = new GitFixture(dir);
    Path repo = repo(f, null);
    write(repo.resolve("vendor/lib/.git"), "gitdir: /nowhere\n");
    assertThatThrownBy(() -> ours(f, repo, null))
        .isInstanceOf(Trees.GitMustDoIt.class)
        .hasMessageContaining("vendor/lib");
  }

  @Test
  void aHostileWorktreeNeitherHangsTheWalkNorLeadsItOutside() throws Exception {
    GitFixture f = new GitFixture(dir);
    Path repo = repo(f, "*.o\n");
    Files.createSymbolicLink(repo.resolve("root"), Path.of("/"));
    Files.createDirectories(repo.resolve("dirs/.gitignore"));
    write(repo.resolve("dirs/x"), "x\n");
    String longName = "a".repeat(200) + "c";
    write(repo.resolve(longName), "long name\n");
    String deepFile = "y/".repeat(30) + "z";
    write(repo.resolve(deepFile), "deep\n");
    List<String> listed = git(f, repo);
    assertThat(ours(f, repo, null))
        .isEqualTo(listed)
        .contains("root", "dirs/x", longName, deepFile)
        .noneMatch(p -> p.startsWith("root/"));

    // a pipe named .gitignore: git opens it and waits for a writer (for ever); the walk reads no
    // rules from it, and lists what it listed before (a pipe is not a file to list)
    Files.createDirectories(repo.resolve("pipes"));
    new ProcessBuilder("mkfifo", repo.resolve("pipes/.gitignore").toString()).start().waitFor();
    assertThat(ours(f, repo, null)).isEqualTo(listed);

    // patterns on which git 2.39's matcher backtracks for minutes (the first against the long
    // name, the second against the deep path); the walk's table answers at once
    Files.writeString(
        repo.resolve(".gitignore"),
        "*.o\n*a*a*a*a*a*a*a*a*a*a*a*a*b\n**/**/**/**/**/**/**/**/z\n*a*a*a*a*a*a*a*a*a*a*a*c\n");
    List<String> without = new java.util.ArrayList<>(listed);
    without.removeAll(List.of(deepFile, longName));
    long start = System.nanoTime();
    assertThat(ours(f, repo, null)).isEqualTo(without);
    assertThat(System.nanoTime() - start).as("no backtracking").isLessThan(30_000_000_000L);

    Path deep = repo.resolve("d/".repeat(Untracked.MAX_DEPTH + 1));
    write(deep.resolve("f"), "too deep\n");
    assertThatThrownBy(() -> ours(f, repo, null))
        .isInstanceOf(Trees.GitMustDoIt.class)
        .hasMessageContaining("deeper");
  }

  /** A worktree wider than the walk's bound is left to git, which lists the same files. */
  @Test
  void aWorktreeWiderThanTheBoundIsListedByGit() throws Exception {
    GitFixture f = new GitFixture(dir);
    Path repo = repo(f, "*.o\n");
    for (int i = 0; i < 40; i++) {
      write(repo.resolve("wide/f" + i + (i % 4 == 0 ? ".o" : ".txt")), "x\n");
    }
    GitIndex.Index index = GitIndex.read(repo.resolve(".git/index"));
    Set<String> changed = new HashSet<>(Trees.changed(repo, index));
    Untracked.Everywhere rules = Untracked.Everywhere.read(repo.resolve(".git"), null, f.env);
    // the top holds .gitignore, tracked.txt, src and wide; src holds 1, wide 40: 45 entries
    assertThat(Untracked.list(repo, index, changed, rules, 45)).isEqualTo(git(f, repo)).hasSize(31);
    assertThatThrownBy(() -> Untracked.list(repo, index, changed, rules, 44))
        .isInstanceOf(Trees.GitMustDoIt.class)
        .hasMessageContaining("more than 44 entries");
  }

  /** Random worktrees and ignore files, each listing compared with git's. */
  @Test
  void listsWhatGitListsOnRandomWorktrees() throws Exception {
    long seed = Long.getLong("grove.test.seed", System.nanoTime());
    int rounds = Integer.getInteger("grove.untracked.rounds", 40);
    System.out.println("UntrackedTest seed: " + seed + " (-Dgrove.test.seed=" + seed + ")");
    Random rnd = new Random(seed);
    for (int round = 0; round < rounds; round++) {
      GitFixture f = new GitFixture(dir.resolve("round" + round));
      Path repo = f.repo("r", Map.of("seed.txt", "s\n"));
      List<String> made = randomTree(rnd, repo);
      // track some of it, then change some of what is tracked
      for (String p : made) {
        if (rnd.nextInt(3) == 0 && Files.isRegularFile(repo.resolve(p))) {
          f.git(repo, "add", "-f", "--", p);
        }
      }
      f.commit(repo, "some tracked");
      for (String p : made) {
        if (rnd.nextInt(6) == 0 && Files.isRegularFile(repo.resolve(p))) {
          write(repo.resolve(p), "changed " + rnd.nextInt() + "\n");
        }
      }
      List<String> dirs = new ArrayList<>(List.of(""));
      for (String p : made) {
        if (Files.isDirectory(repo.resolve(p))) {
          dirs.add(p + "/");
        }
      }
      for (String d : dirs) {
        if (rnd.nextInt(2) == 0) {
          write(repo.resolve(d + ".gitignore"), randomIgnore(rnd, made));
        }
      }
      write(repo.resolve(".git/info/exclude"), randomIgnore(rnd, made));
      write(f.home.resolve(".config/git/ignore"), randomIgnore(rnd, made));
      List<String> expected = git(f, repo);
      assertThat(ours(f, repo, null))
          .as("round %d of seed %d; ignore files: %s", round, seed, ignoreFiles(repo, dirs))
          .isEqualTo(expected);
    }
  }

  private static String ignoreFiles(Path repo, List<String> dirs) throws IOException {
    StringBuilder sb = new StringBuilder();
    for (String d : dirs) {
      Path p = repo.resolve(d + ".gitignore");
      if (Files.isRegularFile(p)) {
        sb.append("\n--- ").append(d).append(".gitignore\n").append(Files.readString(p));
      }
    }
    sb.append("\n--- info/exclude\n").append(Files.readString(repo.resolve(".git/info/exclude")));
    return sb.toString();
  }

  private static final String[] NAMES = {
    "a",
    "b",
    "ab",
    "a.log",
    "b.txt",
    "x y",
    "#h",
    "!n",
    "[a]",
    "s*",
    "q?",
    "build",
    "out",
    "node_modules",
    "d.e",
    "foo",
    "bar",
    "-",
    "ü",
    "t ",
    "b\\s",
    "A",
    "foo.c",
    "x.tmp"
  };

  private static List<String> randomTree(Random rnd, Path repo) throws IOException {
    List<String> made = new ArrayList<>();
    List<String> dirs = new ArrayList<>(List.of(""));
    int n = 5 + rnd.nextInt(25);
    for (int i = 0; i < n; i++) {
      String parent = dirs.get(rnd.nextInt(dirs.size()));
      String path = parent + NAMES[rnd.nextInt(NAMES.length)];
      Path p = repo.resolve(path);
      if (Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
        continue;
      }
      int kind = rnd.nextInt(10);
      if (kind < 3 && parent.split("/").length < 4) {
        Files.createDirectories(p);
        dirs.add(path + "/");
      } else if (kind == 3) {
        Files.createSymbolicLink(p, Path.of(rnd.nextBoolean() ? "a" : "../b"));
      } else {
        Files.writeString(p, path + "\n");
      }
      made.add(path);
    }
    return made;
  }

  private static final String[] PIECES = {
    "*",
    "**",
    "*.log",
    "a*",
    "?",
    "[ab]",
    "[!a]",
    "[a-c]*",
    "\\#h",
    "\\!n",
    "[[:alpha:]]*",
    "*.txt",
    "b",
    "build",
    "foo",
    "node_modules",
    "x\\ y",
    "t\\ ",
    "*.tmp",
    "[[:space:]]*",
    "[]a]",
    "ü",
    "A",
    "d.e",
    "s\\*",
    "q\\?",
    "b\\\\s",
    "**.c",
    "f*o",
    "[a"
  };

  private static String randomIgnore(Random rnd, List<String> made) {
    StringBuilder sb = new StringBuilder();
    if (rnd.nextInt(8) == 0) {
      sb.append('\uFEFF');
    }
    int lines = rnd.nextInt(7);
    for (int i = 0; i < lines; i++) {
      int kind = rnd.nextInt(12);
      if (kind == 0) {
        sb.append("# comment\n");
        continue;
      }
      if (kind == 1) {
        sb.append(rnd.nextBoolean() ? "\n" : "   \n");
        continue;
      }
      if (rnd.nextInt(4) == 0) {
        sb.append('!');
      }
      if (kind == 2 && !made.isEmpty()) {
        sb.append(rnd.nextBoolean() ? "/" : "").append(made.get(rnd.nextInt(made.size())));
      } else {
        if (rnd.nextInt(4) == 0) {
          sb.append('/');
        }
        int parts = 1 + rnd.nextInt(3);
        for (int k = 0; k < parts; k++) {
          if (k > 0) {
            sb.append('/');
          }
          sb.append(PIECES[rnd.nextInt(PIECES.length)]);
        }
      }
      if (rnd.nextInt(4) == 0) {
        sb.append('/');
      }
      if (rnd.nextInt(8) == 0) {
        sb.append("  ");
      }
      sb.append(rnd.nextInt(8) == 0 ? "\r\n" : "\n");
    }
    return sb.toString(); // written as UTF-8: '\uFEFF' is the byte-order mark
  }
}
