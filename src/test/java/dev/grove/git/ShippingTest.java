package dev.grove.git;

import static dev.grove.git.GitFixture.read;
import static dev.grove.git.GitFixture.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.grove.git.LeftOut.Reason;
import dev.grove.git.Shipping.Identity;
import dev.grove.git.Shipping.MergeCheck;
import dev.grove.git.Shipping.Shipment;
import dev.grove.git.Worktrees.AddOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShippingTest {
  @TempDir Path dir;
  GitFixture f;
  Path repo;
  Worktrees wts;
  Shipping shipping;
  final Identity who = new Identity("Ada Lovelace", "ada@example.com");

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
                ".gitignore",
                "*.log\n",
                ".groveinclude",
                ".env\n"));
    wts = f.worktrees(repo);
    shipping = new Shipping(wts);
  }

  @Test
  void commitRecordsTheWorktreesFilesOnItsBranchWithPlumbingOnly() {
    Worktree w = wts.add("fix", AddOptions.defaults());
    write(w.path().resolve("src/App.java"), "class App { int fixed; }\n");
    write(w.path().resolve("src/New.java"), "class New {}\n");
    write(w.path().resolve("debug.log"), "ignored\n");
    Shipment s = shipping.commit("fix", "Fix the app\n\nGrove-Session: x\n", who);
    assertThat(s.changed()).isTrue();
    assertThat(s.commit()).isEqualTo(f.git(repo, "rev-parse", "task/fix"));
    assertThat(f.git(repo, "rev-parse", s.commit() + "^")).isEqualTo(w.baseCommit());
    assertThat(f.git(repo, "log", "-1", "--format=%an <%ae>|%cn <%ce>|%B", s.commit()))
        .isEqualTo(
            "Ada Lovelace <ada@example.com>|Ada Lovelace <ada@example.com>|Fix the app\n\nGrove-Session: x");
    assertThat(s.files()).containsExactly("src/App.java", "src/New.java");
    assertThat(s.shortstat()).isEqualTo("2 files changed, 2 insertions(+), 1 deletion(-)");
    assertThat(s.leftOut()).isEmpty();
    // the worktree is clean afterwards: its index is the new commit's, its files untouched
    assertThat(f.git(w.path(), "status", "--porcelain")).isEqualTo("");
    assertThat(read(w.path().resolve("debug.log"))).isEqualTo("ignored\n");
    // nothing more to commit: no new commit
    Shipment again = shipping.commit("fix", "again", who);
    assertThat(again.changed()).isFalse();
    assertThat(again.commit()).isEqualTo(s.commit());
    assertThat(again.files()).isEqualTo(s.files());
  }

  @Test
  void groveStateInAnyFormIsNeverShipped() throws IOException {
    Worktree w = wts.add("state", AddOptions.defaults());
    write(w.path().resolve(".grove/sessions/run.jsonl"), "{\"secret\":true}\n");
    write(w.path().resolve(".GROVE"), "a file\n");
    Files.createSymbolicLink(w.path().resolve(".Grove"), Path.of("/etc"));
    write(w.path().resolve(".groveinclude"), "*\n");
    write(w.path().resolve("work.txt"), "work\n");
    Shipment s = shipping.commit("state", "work", who);
    assertThat(s.files()).containsExactly("work.txt");
    assertThat(s.leftOut()).extracting(LeftOut::reason).containsOnly(Reason.GROVE_STATE);
    assertThat(s.leftOut())
        .extracting(LeftOut::path)
        .containsExactlyInAnyOrder(".grove/", ".GROVE", ".Grove", ".groveinclude");
    assertThat(f.git(repo, "ls-tree", "-r", "--name-only", s.commit()).lines())
        .containsExactlyInAnyOrder(
            ".gitignore", ".groveinclude", "README.md", "src/App.java", "work.txt");
    assertThat(f.git(repo, "show", s.commit() + ":.groveinclude")).isEqualTo(".env");
  }

  @Test
  void aGitignoreChangeThatReincludesGroveStateIsResetAndAnyOtherShips() {
    Worktree w = wts.add("ignore", AddOptions.defaults());
    write(w.path().resolve(".gitignore"), "*.log\n!/.grove/\n");
    write(w.path().resolve("work.txt"), "work\n");
    Shipment s = shipping.commit("ignore", "work", who);
    assertThat(s.leftOut())
        .containsExactly(new LeftOut(".gitignore", Reason.REINCLUDES_GROVE_STATE));
    assertThat(f.git(repo, "show", s.commit() + ":.gitignore")).isEqualTo("*.log");
    assertThat(s.files()).containsExactly("work.txt");

    write(w.path().resolve(".gitignore"), "*.log\nbuild/\n!keep.log\n");
    Shipment t = shipping.commit("ignore", "more", who);
    assertThat(t.leftOut()).isEmpty();
    assertThat(f.git(repo, "show", t.commit() + ":.gitignore"))
        .isEqualTo("*.log\nbuild/\n!keep.log");
  }

  @Test
  void negationsThatCouldMatchGroveStateAreRecognised() {
    for (String reincludes :
        List.of(
            "!/.grove/",
            "!.grove",
            "!.*",
            "!*",
            "!**",
            "!**/.grove",
            "!.gro?e/",
            "!.[gG]rove",
            "!/.GROVE",
            "!.groveinclude",
            "!.grove*",
            "  \n!/.grove/   ")) {
      assertThat(GroveState.reincludedBy(reincludes)).as(reincludes).isTrue();
    }
    for (String harmless :
        List.of(
            "",
            "# !.grove",
            "\\!.grove",
            "!keep.log",
            "!src/.grove",
            "!.grove/sessions/x",
            "!*.java",
            "!/.github/",
            ".grove")) {
      assertThat(GroveState.reincludedBy(harmless)).as(harmless).isFalse();
    }
  }

  @Test
  void unshippableFindsGroveStateNestedRepositoriesAndReinclusionInACommitRange() {
    Path other = f.repo("other");
    String base = f.git(repo, "rev-parse", "HEAD");
    f.git(repo, "switch", "-q", "-c", "carrier");
    write(repo.resolve(".GROVE/x"), "x\n");
    write(repo.resolve(".gitignore"), "*.log\n!.grove\n");
    f.git(repo, "add", "-A");
    f.git(
        repo,
        "update-index",
        "--add",
        "--cacheinfo",
        "160000," + f.git(other, "rev-parse", "HEAD") + ",vendor/lib");
    f.commit(repo, "carries everything");
    assertThat(shipping.unshippable(base, "carrier"))
        .containsExactlyInAnyOrder(
            new LeftOut(".GROVE/", Reason.GROVE_STATE),
            new LeftOut(".gitignore", Reason.REINCLUDES_GROVE_STATE),
            new LeftOut("vendor/lib/", Reason.NESTED_REPOSITORY));
    assertThat(shipping.unshippable(base, base)).isEmpty();
  }

  @Test
  void optionLikeOrMissingRevisionsAreRefusedBeforeGitSeesThem() {
    Path written = repo.resolve("../../.bashrc").normalize();
    assertThatThrownBy(() -> shipping.changedFiles("--output=../../.bashrc", "HEAD"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a usable revision");
    assertThat(written).doesNotExist();
    assertThat(repo.getParent().resolve(".bashrc")).doesNotExist();
    assertThatThrownBy(
            () -> shipping.changedFiles("0123456789abcdef0123456789abcdef01234567", "HEAD"))
        .isInstanceOf(WorktreeException.NotFound.class)
        .hasMessageContaining("is not a commit");
    assertThatThrownBy(() -> shipping.unshippable("HEAD", "-p"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> wts.refs().commit("--all"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(wts.refs().commit("main")).hasValue(f.git(repo, "rev-parse", "main"));
    assertThat(wts.refs().commit("no-such-branch")).isEmpty();
    assertThatThrownBy(() -> new Checkpoints(wts).keep(repo, "--output=x", "session", "entry"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void branchNamesFollowGitsRulesAndNeverLookLikeOptions() {
    for (String good : List.of("main", "task/fix-login", "feature/a.b", "release-1.2", "ünïcode")) {
      assertThat(Refs.requireBranchName(good)).isEqualTo(good);
    }
    for (String bad :
        List.of(
            "",
            "-x",
            "--force",
            "HEAD",
            "@",
            "a..b",
            "a b",
            "a~1",
            "a^",
            "a:b",
            "a?",
            "a*",
            "a[",
            "a\\b",
            "/a",
            "a/",
            "a//b",
            "a.",
            ".a",
            "a/.b",
            "a.lock",
            "a/b.lock/c",
            "a@{1}",
            "a\tb",
            "a\u007fb")) {
      assertThatThrownBy(() -> Refs.requireBranchName(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("not a usable branch name");
    }
    assertThat(Refs.isObjectId("0123456789abcdef0123456789abcdef01234567")).isTrue();
    assertThat(Refs.isObjectId("0123456789ABCDEF0123456789abcdef01234567")).isFalse();
    assertThat(Refs.isObjectId("0123456789abcdef")).isFalse();
    assertThat(Refs.isObjectId("a".repeat(64))).isTrue();
  }

  @Test
  void mergeCheckTellsCleanMergesConflictsAndErrorsApart() {
    f.git(repo, "branch", "clean");
    f.git(repo, "branch", "clash");
    write(repo.resolve("README.md"), "# main moved\n");
    f.git(repo, "add", "-A");
    f.commit(repo, "main moves");
    f.git(repo, "switch", "-q", "clean");
    write(repo.resolve("other.txt"), "other\n");
    f.git(repo, "add", "-A");
    f.commit(repo, "clean change");
    f.git(repo, "switch", "-q", "clash");
    write(repo.resolve("README.md"), "# clash\n");
    f.git(repo, "add", "-A");
    f.commit(repo, "clashing change");
    f.git(repo, "switch", "-q", "main");

    assertThat(shipping.mergeCheck("main", "clean"))
        .isInstanceOfSatisfying(
            MergeCheck.Clean.class,
            c -> {
              assertThat(f.git(repo, "ls-tree", "--name-only", c.tree()).lines())
                  .contains("other.txt", "README.md");
              assertThat(c.into()).isEqualTo(f.git(repo, "rev-parse", "main"));
            });
    assertThat(shipping.mergeCheck("main", "clash"))
        .isInstanceOfSatisfying(
            MergeCheck.Conflicts.class,
            c -> {
              assertThat(c.files()).containsExactly("README.md");
              assertThat(c.messages()).anyMatch(m -> m.contains("CONFLICT"));
            });
    assertThatThrownBy(() -> shipping.mergeCheck("main", "--output=x"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> shipping.mergeCheck("main", "gone"))
        .isInstanceOf(WorktreeException.NotFound.class);
  }

  @Test
  void identityComesFromTheEnvironmentThenTheUsersConfigurationThenGrove() {
    assertThat(shipping.identity()).isEqualTo(new Identity("grove", "grove@localhost"));
    f.git(repo, "config", "--global", "user.name", "Global User");
    f.git(repo, "config", "user.email", "local@example.com");
    assertThat(shipping.identity()).isEqualTo(new Identity("Global User", "local@example.com"));
    Map<String, String> env = new HashMap<>(f.env);
    env.put("GIT_AUTHOR_NAME", "Env User");
    env.put("GIT_AUTHOR_EMAIL", "env@example.com");
    assertThat(new Shipping(new Worktrees(repo, f.groveHome(), new Git(env))).identity())
        .isEqualTo(new Identity("Env User", "env@example.com"));
    assertThatThrownBy(() -> new Identity("a <b>", "c"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void pushSendsTheCommitWithoutHooksAndWithoutModelKeys() throws IOException {
    Path bare = dir.resolve("remote.git");
    f.git(dir, "init", "-q", "--bare", bare.toString());
    f.git(repo, "remote", "add", "origin", "../remote.git");
    Path marker = dir.resolve("hook-ran");
    Path hook = repo.resolve(".git/hooks/pre-push");
    write(hook, "#!/bin/sh\ntouch " + marker + "\n");
    Files.setPosixFilePermissions(hook, PosixFilePermissions.fromString("rwxr-xr-x"));
    Worktree w = wts.add("ship", AddOptions.defaults());
    write(w.path().resolve("x.txt"), "x\n");
    Shipment s = shipping.commit("ship", "x", who);
    shipping.push("origin", w.branch(), s.commit());
    assertThat(f.git(bare, "rev-parse", "refs/heads/task/ship")).isEqualTo(s.commit());
    assertThat(marker).doesNotExist();
    assertThat(shipping.remoteUrl("origin")).hasValue(dir.resolve("remote.git").toString());
    assertThat(shipping.remoteUrl("upstream")).isEmpty();
    assertThatThrownBy(() -> shipping.push("--upload-pack=touch x", "b", s.commit()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> shipping.push("origin", "-b", s.commit()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> shipping.push("origin", "b", "HEAD"))
        .isInstanceOf(IllegalArgumentException.class);

    // over ssh, what the transport sees: the forge token, never a model key
    Path seen = dir.resolve("ssh-env");
    Path ssh = dir.resolve("fake-ssh");
    write(ssh, "#!/bin/sh\nenv > " + seen + "\nexit 1\n");
    Files.setPosixFilePermissions(ssh, PosixFilePermissions.fromString("rwxr-xr-x"));
    Map<String, String> env = new HashMap<>(f.env);
    env.put("OPENAI_API_KEY", "sk-test-0123456789abcdefghijklmnop");
    env.put("ANTHROPIC_API_KEY", "sk-ant-test-0123456789");
    env.put("GITHUB_TOKEN", "ghp_test_token");
    env.put("GIT_SSH_COMMAND", ssh.toString());
    f.git(repo, "remote", "add", "forge", "ssh://git@forge.invalid/org/app.git");
    Shipping viaSsh = new Shipping(new Worktrees(repo, f.groveHome(), new Git(env)));
    assertThatThrownBy(() -> viaSsh.push("forge", "task/ship", s.commit()))
        .isInstanceOf(GitException.class);
    assertThat(read(seen))
        .contains("GITHUB_TOKEN=ghp_test_token")
        .doesNotContain("sk-test")
        .doesNotContain("sk-ant");
    assertThat(viaSsh.remoteUrl("forge")).hasValue("ssh://git@forge.invalid/org/app.git");
  }
}
