package dev.grove.git;

import static dev.grove.git.GitFixture.write;
import static org.assertj.core.api.Assertions.assertThat;

import dev.grove.git.Worktrees.AddOptions;
import dev.grove.git.Worktrees.DiffFormat;
import dev.grove.git.Worktrees.RemoveOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An agent's worktree set up as a hostile agent would, then every host-side operation grove runs on
 * it: nothing the agent planted may run. Each planted command appends its environment to a marker
 * file on the host, so a run would also show whether grove's secrets reached it; the marker must
 * never appear. Each attack is first shown to work with plain git, so the test proves something.
 */
class HostileWorktreeTest {
  static final String SECRET = "sk-test-0123456789abcdefghijklmnop";

  @TempDir Path dir;
  GitFixture f;
  Path repo;
  Path marker;
  Path evil;
  Map<String, String> groveEnv;
  Worktrees wts;
  Checkpoints cps;
  Shipping shipping;

  /** Files whose stat data is made stale again after each demonstration with plain git. */
  final List<Path> aged = new java.util.ArrayList<>();

  long ageSeconds = 978_307_200; // 2001
  boolean demonstrated;

  @BeforeEach
  void setUp() throws IOException {
    f = new GitFixture(dir);
    marker = dir.resolve("PWNED");
    evil = script(dir.resolve("outside/evil.sh"));
    repo =
        f.repo(
            "app",
            Map.of(
                "README.md",
                "# app\n",
                "src/App.java",
                "class App {}\n",
                "notes.txt",
                "notes\n",
                ".gitignore",
                "*.log\n"));
    // the user's own configuration, which grove's git must not let the worktree drive: a global
    // config (through HOME and through GIT_CONFIG_GLOBAL, which includes it) and the repository's
    Path home = dir.resolve("user-home");
    write(
        home.resolve(".gitconfig"),
        "[filter \"g\"]\n\tclean = "
            + evil
            + "\n\tsmudge = "
            + evil
            + "\n"
            + "[diff]\n\texternal = "
            + evil
            + "\n");
    Path global = dir.resolve("global.gitconfig");
    write(
        global,
        "[include]\n\tpath = "
            + home.resolve(".gitconfig")
            + "\n[filter \"g2\"]\n\tclean = "
            + evil
            + "\n\tprocess = "
            + evil
            + "\n");
    f.git(repo, "config", "filter.r.clean", evil.toString());
    f.git(repo, "config", "diff.t.textconv", evil.toString());
    groveEnv = new HashMap<>(f.env);
    groveEnv.put("HOME", home.toString());
    groveEnv.put("OPENAI_API_KEY", SECRET);
    groveEnv.put("GITHUB_TOKEN", "ghp_test_token_0123456789");
    groveEnv.put("GIT_CONFIG_GLOBAL", global.toString());
    groveEnv.put("GIT_EXTERNAL_DIFF", evil.toString());
    groveEnv.put("GIT_SSH_COMMAND", evil.toString());
    wts = new Worktrees(repo, f.groveHome(), new Git(groveEnv));
    cps = new Checkpoints(wts);
    shipping = new Shipping(wts);
  }

  /** A script that records that it ran, with its environment, and passes its input through. */
  Path script(Path where) {
    write(where, "#!/bin/sh\n{ echo \"ran: $0 $*\"; env; } >> '" + marker + "'\ncat\n");
    try {
      Files.setPosixFilePermissions(where, PosixFilePermissions.fromString("rwxr-xr-x"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return where;
  }

  /**
   * Gives the file an old timestamp (another each time), so git must read it again to know it is
   * unchanged.
   */
  void age(Path file) {
    if (!aged.contains(file)) {
      aged.add(file);
    }
    try {
      Files.setLastModifiedTime(file, FileTime.from(Instant.ofEpochSecond(ageSeconds += 3600)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Runs plain git as the user would (with grove's environment); the attack must fire, proving it
   * is live. Then clears the marker, and ages the planted files again.
   */
  void plainGitFalls(Path in, String... args) throws IOException {
    if (!demonstrated) {
      Files.deleteIfExists(marker); // what setting the attack up ran
      demonstrated = true;
    }
    new Git(groveEnv).probe(in, List.of(args));
    assertThat(marker).as("plain git %s runs the planted command", List.of(args)).exists();
    assertThat(Files.readString(marker)).contains(SECRET);
    Files.delete(marker);
    List.copyOf(aged).forEach(this::age);
  }

  /**
   * A nested repository as an agent would make it: its config runs the script every way git allows.
   */
  Path nestedRepository(Path at, Path worktree) {
    GitFixture.mkdirs(at);
    f.git(at, "init", "-q", "-b", "main");
    write(at.resolve("inner.txt"), "inner\n");
    f.git(at, "add", "-A");
    f.commit(at, "inner");
    Path include = worktree.resolve("agent.gitconfig");
    write(include, "[core]\n\tfsmonitor = " + evil + "\n\tsshCommand = " + evil + "\n");
    for (String[] kv :
        new String[][] {
          {"filter.x.clean", evil.toString()},
          {"filter.x.smudge", evil.toString()},
          {"filter.x.process", evil.toString()},
          {"filter.x.required", "true"},
          {"diff.external", evil.toString()},
          {"diff.x.textconv", evil.toString()},
          {"include.path", include.toString()}
        }) {
      f.git(at, "config", kv[0], kv[1]);
    }
    write(at.resolve(".gitattributes"), "* filter=x diff=x\n");
    age(at.resolve("inner.txt"));
    return at;
  }

  /** What grove does on a worktree's behalf: checkpoint, list, diff, ship, restore, remove. */
  void everyHostSideOperation(Worktree w) {
    Checkpoint c = cps.snapshot(w.path());
    cps.keep(w.path(), c.commit(), "session", "entry0001");
    wts.list();
    for (DiffFormat format : DiffFormat.values()) {
      wts.diff(w.slug().value(), format);
    }
    Shipping.Shipment s = shipping.commit(w.slug().value(), "agent's work", shipping.identity());
    shipping.unshippable(w.baseCommit(), s.commit());
    shipping.changedFiles(w.baseCommit(), s.commit());
    Worktree again = cps.restore(c.commit(), w.slug().value() + "-again");
    cps.snapshot(again.path());
    wts.list();
    wts.remove(again.slug().value(), new RemoveOptions(true, false));
    wts.remove(w.slug().value(), new RemoveOptions(true, true));
  }

  @Test
  void aNestedRepositoryWithFiltersHooksAndIncludesNeverRunsAnything() throws Exception {
    Worktree w = wts.add("nested", AddOptions.defaults());
    Path inner = nestedRepository(w.path().resolve("vendor/lib"), w.path());
    write(w.path().resolve("src/App.java"), "class App { int changed; }\n");
    plainGitFalls(inner, "status", "--porcelain");

    Checkpoint c = cps.snapshot(w.path());
    assertThat(c.leftOut())
        .containsExactly(new LeftOut("vendor/lib/", LeftOut.Reason.NESTED_REPOSITORY));
    assertThat(c.notice())
        .hasValueSatisfying(n -> assertThat(n).contains("vendor/lib/").contains("repository"));
    assertThat(f.git(repo, "ls-tree", "-r", c.commit()))
        .doesNotContain("160000")
        .doesNotContain("vendor/lib")
        .contains("src/App.java");
    Shipping.Shipment s = shipping.commit("nested", "work", shipping.identity());
    assertThat(s.leftOut())
        .containsExactly(new LeftOut("vendor/lib/", LeftOut.Reason.NESTED_REPOSITORY));
    assertThat(f.git(repo, "ls-tree", "-r", s.commit())).doesNotContain("160000");
    assertThat(s.files()).containsExactlyInAnyOrder("src/App.java", "agent.gitconfig");
    assertThat(wts.files(w.path()))
        .contains("README.md", "src/App.java", "agent.gitconfig", "vendor/lib/")
        .doesNotContain("vendor/lib/inner.txt");
    everyHostSideOperation(wts.get("nested"));
    assertThat(marker).doesNotExist();
  }

  @Test
  void aSubmoduleFilledWithAHostileRepositoryIsNeverEntered() throws Exception {
    Path sub = f.repo("sub-source", Map.of("lib.txt", "lib\n"));
    f.git(
        repo, "-c", "protocol.file.allow=always", "submodule", "add", "-q", sub.toString(), "sub");
    f.commit(repo, "add a submodule");
    Worktree w = wts.add("filled", AddOptions.defaults());
    Path filled = w.path().resolve("sub");
    assertThat(filled).isEmptyDirectory();
    // the agent fills the empty directory with a repository whose HEAD is the recorded commit
    String recorded = f.git(repo, "rev-parse", "HEAD:sub");
    f.git(filled, "init", "-q");
    f.git(filled, "fetch", "-q", sub.toString(), "main");
    f.git(filled, "reset", "-q", "--hard", recorded);
    f.git(filled, "config", "filter.x.clean", evil.toString());
    write(filled.resolve(".gitattributes"), "* filter=x\n");
    f.git(filled, "update-index", "-q", "--refresh");
    age(filled.resolve("lib.txt"));
    plainGitFalls(w.path(), "status", "--porcelain");
    plainGitFalls(w.path(), "add", "-A", "--dry-run");
    // and a .gitmodules whose URL and update command are commands (plain git refuses the latter
    // outright)
    write(
        w.path().resolve(".gitmodules"),
        "[submodule \"sub\"]\n\tpath = sub\n\turl = ext::" + evil + "\n\tupdate = !" + evil + "\n");
    // and moves the submodule to a commit of its own: recorded (by reading its HEAD), never entered
    String moved = f.commit(filled, "moved");
    Files.deleteIfExists(marker); // that commit ran the filter, in the agent's own git
    age(filled.resolve("lib.txt"));
    assertThat(f.git(repo, "rev-parse", cps.snapshot(w.path()).commit() + ":sub")).isEqualTo(moved);

    everyHostSideOperation(w);
    assertThat(marker).doesNotExist();
  }

  @Test
  void attributesNamingFiltersAndDiffDriversOfTheUsersConfigurationRunNothing() throws Exception {
    Worktree w = wts.add("attrs", AddOptions.defaults());
    write(
        w.path().resolve(".gitattributes"),
        "*.md filter=g\n*.txt filter=g2\n*.java filter=r diff=t\n");
    write(w.path().resolve("README.md"), "# changed\n");
    write(w.path().resolve("notes.txt"), "changed\n");
    write(w.path().resolve("src/App.java"), "class App { int changed; }\n");
    age(w.path().resolve("README.md"));
    plainGitFalls(w.path(), "add", "-A", "--dry-run", "--", "README.md");
    plainGitFalls(w.path(), "add", "-A", "--dry-run", "--", "notes.txt");
    plainGitFalls(w.path(), "add", "-A", "--dry-run", "--", "src/App.java");
    plainGitFalls(w.path(), "diff", "--no-ext-diff", "--", "src/App.java");
    plainGitFalls(w.path(), "diff", "--", "notes.txt");

    everyHostSideOperation(w);
    assertThat(marker).doesNotExist();
    // the files went in as they are, unfiltered
    Shipping.Shipment s = shippedAgain("attrs-2");
    assertThat(f.git(repo, "show", s.commit() + ":notes.txt")).isEqualTo("changed");
  }

  /**
   * Another worktree with the same hostile attributes, shipped, for a look at what was committed.
   */
  private Shipping.Shipment shippedAgain(String slug) {
    Worktree w = wts.add(slug, AddOptions.defaults());
    write(w.path().resolve(".gitattributes"), "*.txt filter=g2\n");
    write(w.path().resolve("notes.txt"), "changed\n");
    return shipping.commit(slug, "again", shipping.identity());
  }

  @Test
  void aRewrittenDotGitFileDoesNotPointGrovesGitElsewhere() throws Exception {
    Worktree w = wts.add("redirect", AddOptions.defaults());
    // a repository of the agent's making, whose config runs the script, and .git pointing at it
    Path fake = dir.resolve("outside/fake");
    GitFixture.mkdirs(fake);
    f.git(fake, "init", "-q");
    f.git(fake, "config", "core.fsmonitor", evil.toString());
    f.git(fake, "config", "filter.x.clean", evil.toString());
    write(w.path().resolve(".gitattributes"), "* filter=x\n");
    write(w.path().resolve(".git"), "gitdir: " + fake.resolve(".git") + "\n");
    write(w.path().resolve("new.txt"), "new\n");
    plainGitFalls(w.path(), "status", "--porcelain");

    Checkpoint c = cps.snapshot(w.path());
    assertThat(f.git(repo, "show", c.commit() + ":new.txt")).isEqualTo("new");
    assertThat(f.git(repo, "rev-parse", c.commit() + "^")).isEqualTo(w.baseCommit());
    assertThat(f.git(fake, "for-each-ref")).isEmpty();
    wts.list();
    wts.diff("redirect", DiffFormat.STAT);
    shipping.commit("redirect", "work", shipping.identity());
    assertThat(marker).doesNotExist();
  }

  @Test
  void namesGitRefusesAndPathsBeyondSymbolicLinksDoNotStopACheckpoint() throws Exception {
    Worktree w = wts.add("odd", AddOptions.defaults());
    write(w.path().resolve(".GIT/x"), "x\n");
    write(w.path().resolve("a/.Git/y"), "y\n");
    Path src = w.path().resolve("src");
    dev.grove.fs.FileTree.deleteOrThrow(src);
    Files.createSymbolicLink(src, dir.resolve("outside"));
    write(w.path().resolve("kept.txt"), "kept\n");
    Checkpoint c = cps.snapshot(w.path());
    assertThat(f.git(repo, "ls-tree", "-r", "--name-only", c.commit()).lines())
        .contains("kept.txt", "src")
        .doesNotContain("src/App.java", ".GIT/x");
    assertThat(f.git(repo, "cat-file", "-p", c.commit() + ":src"))
        .isEqualTo(dir.resolve("outside").toString());
  }
}
