package dev.grove.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GitTest {
  @TempDir Path dir;

  @Test
  void runReturnsOutputExitCodeAndDuration() {
    GitFixture f = new GitFixture(dir);
    Path repo = f.repo("r");
    GitResult r = f.git.run(repo, List.of("rev-parse", "--abbrev-ref", "HEAD"));
    assertThat(r.ok()).isTrue();
    assertThat(r.out()).isEqualTo("main");
    assertThat(r.command()).startsWith("git").endsWith("rev-parse", "--abbrev-ref", "HEAD");
    assertThat(r.duration()).isPositive();
  }

  @Test
  void aFailureCarriesTheCommandExitCodeAndStderr() {
    GitFixture f = new GitFixture(dir);
    Path repo = f.repo("r");
    assertThatThrownBy(() -> f.git.run(repo, List.of("rev-parse", "--verify", "no-such-branch")))
        .isInstanceOfSatisfying(
            GitException.class,
            e -> {
              assertThat(e.exitCode()).isEqualTo(128);
              assertThat(e.command()).contains("no-such-branch");
              assertThat(e.stderr()).contains("Needed a single revision");
              assertThat(e.dir()).isEqualTo(repo);
              assertThat(e.getMessage())
                  .contains(
                      "git rev-parse --verify no-such-branch failed with exit code 128 in " + repo)
                  .contains("Needed a single revision");
            });
  }

  @Test
  void probeReturnsAFailureAsAnAnswer() {
    GitFixture f = new GitFixture(dir);
    Path repo = f.repo("r");
    GitResult r = f.git.probe(repo, List.of("rev-parse", "-q", "--verify", "nothing"));
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.ok()).isFalse();
  }

  @Test
  void aCommandPastItsTimeoutIsStoppedAndReported() {
    GitFixture f = new GitFixture(dir);
    Path repo = f.repo("r");
    // `sleep` stands in for a git that hangs (on a network mount, a credential helper, …)
    long start = System.nanoTime();
    assertThatThrownBy(
            () -> f.git.withExecutable("sleep").run(repo, List.of("30"), Duration.ofMillis(300)))
        .isInstanceOf(GitException.TimedOut.class)
        .hasMessageContaining("did not finish within");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
  }

  @Test
  void aMissingExecutableOrDirectoryIsReportedClearly() {
    GitFixture f = new GitFixture(dir);
    assertThatThrownBy(() -> f.git.withExecutable("no-such-git-here").run(dir, List.of("status")))
        .isInstanceOf(GitException.NotRunnable.class)
        .hasMessageContaining("is git installed");
    assertThatThrownBy(() -> f.git.run(dir.resolve("gone"), List.of("status")))
        .isInstanceOf(GitException.NotRunnable.class)
        .hasMessageContaining("does not exist");
  }

  @Test
  void variablesThatRedirectGitToAnotherRepositoryAreIgnored() {
    GitFixture f = new GitFixture(dir);
    Path a = f.repo("a");
    Path b = f.repo("b");
    Map<String, String> env = new HashMap<>(f.env);
    env.put("GIT_DIR", b.resolve(".git").toString());
    env.put("GIT_INDEX_FILE", dir.resolve("elsewhere.index").toString());
    GitResult r = new Git(env).run(a, List.of("rev-parse", "--absolute-git-dir"));
    assertThat(Path.of(r.out())).isEqualTo(a.resolve(".git"));
  }

  @Test
  void withoutHooksDisablesHooksOnEveryCommand() {
    GitFixture f = new GitFixture(dir);
    Git quiet = f.git.withoutHooks();
    assertThat(f.git.hooksDisabled()).isFalse();
    assertThat(quiet.hooksDisabled()).isTrue();
    assertThat(quiet.withoutHooks()).isSameAs(quiet);
    Path repo = f.repo("r");
    assertThat(quiet.run(repo, List.of("config", "core.hooksPath")).out()).isEqualTo("/dev/null");
  }

  @Test
  void theHardenedRunnerGivesGitAnAllowlistedEnvironmentAndNoUserConfiguration() throws Exception {
    GitFixture f = new GitFixture(dir);
    Path repo = f.repo("r");
    Path global = dir.resolve("global.gitconfig");
    GitFixture.write(global, "[user]\n\tname = From Global\n[core]\n\tfsmonitor = /bin/false\n");
    Map<String, String> env = new HashMap<>(f.env);
    env.put("OPENAI_API_KEY", "sk-test-0123456789abcdefghij");
    env.put("GITHUB_TOKEN", "ghp_test_token");
    env.put("GIT_CONFIG_GLOBAL", global.toString());
    env.put("GIT_EXTERNAL_DIFF", "/bin/false");
    env.put("LC_CTYPE", "C.UTF-8");
    Path dump = dir.resolve("env.sh");
    GitFixture.write(dump, "#!/bin/sh\nenv\n");
    java.nio.file.Files.setPosixFilePermissions(
        dump, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));

    Git hardened = new Git(env).hardened();
    String seen = hardened.withExecutable(dump.toString()).run(dir, List.of()).stdout();
    assertThat(seen)
        .contains(
            "PATH=",
            "HOME=",
            "LC_CTYPE=C.UTF-8",
            "GIT_CONFIG_NOSYSTEM=1",
            "GIT_CONFIG_GLOBAL=/dev/null",
            "GIT_CONFIG_KEY_0=core.hooksPath")
        .doesNotContain("sk-test", "ghp_", "GIT_EXTERNAL_DIFF", global.toString());
    String network =
        new Git(env).forNetwork().withExecutable(dump.toString()).run(dir, List.of()).stdout();
    assertThat(network)
        .contains("GITHUB_TOKEN=ghp_test_token")
        .doesNotContain("sk-test", "GIT_EXTERNAL_DIFF");

    assertThat(hardened.hooksDisabled()).isTrue();
    assertThat(hardened.hardened()).isSameAs(hardened);
    assertThat(hardened.withTimeout(Duration.ofSeconds(5)).isHardened()).isTrue();
    assertThat(hardened.probe(repo, List.of("config", "--get", "user.name")).ok()).isFalse();
    f.git(repo, "config", "core.fsmonitor", "/bin/false");
    f.git(repo, "config", "core.sshCommand", "/bin/false");
    assertThat(hardened.run(repo, List.of("config", "--get", "core.fsmonitor")).out())
        .isEqualTo("false");
    assertThat(hardened.run(repo, List.of("config", "--get", "core.sshCommand")).out())
        .isEqualTo("false");
    assertThat(hardened.run(repo, List.of("config", "--get", "core.hooksPath")).out())
        .isEqualTo("/dev/null");
    assertThat(hardened.run(repo, List.of("config", "--get", "protocol.allow")).out())
        .isEqualTo("never");
  }

  @Test
  void worktreesSwitchOffTheFiltersTheRepositoryDefines() {
    GitFixture f = new GitFixture(dir);
    Path repo = f.repo("r");
    f.git(repo, "config", "filter.lfs.process", "git-lfs filter-process");
    f.git(repo, "config", "filter.lfs.required", "true");
    f.git(repo, "config", "filter.a.b.clean", "x");
    Git git = new Worktrees(repo, f.groveHome(), f.git).git();
    assertThat(git.run(repo, List.of("config", "--get", "filter.lfs.process")).out()).isEmpty();
    assertThat(git.run(repo, List.of("config", "--get", "filter.lfs.required")).out())
        .isEqualTo("false");
    assertThat(git.run(repo, List.of("config", "--get", "filter.a.b.clean")).out()).isEmpty();
  }

  @Test
  void anInterruptDoesNotAbortACommandAndIsKeptForTheCaller() throws Exception {
    GitFixture f = new GitFixture(dir);
    Path repo = f.repo("r");
    AtomicReference<GitResult> result = new AtomicReference<>();
    AtomicReference<Boolean> stillInterrupted = new AtomicReference<>();
    Thread t =
        Thread.ofVirtual()
            .start(
                () -> {
                  Thread.currentThread().interrupt();
                  result.set(f.git.run(repo, List.of("log", "--oneline")));
                  stillInterrupted.set(Thread.currentThread().isInterrupted());
                });
    t.join();
    assertThat(result.get().out()).contains("initial");
    assertThat(stillInterrupted.get()).isTrue();
  }

  @Test
  void lockContentionIsRecognised() {
    assertThat(
            new GitException(
                    List.of("git", "branch", "x"),
                    dir,
                    128,
                    "fatal: cannot lock ref 'refs/heads/x': Unable to create '/r/.git/refs/heads/x.lock': File exists.")
                .isLockContention())
        .isTrue();
    assertThat(
            new GitException(
                    List.of("git", "config"),
                    dir,
                    255,
                    "error: could not lock config file .git/config: File exists")
                .isLockContention())
        .isTrue();
    assertThat(
            new GitException(
                    List.of("git", "branch", "task/x"),
                    dir,
                    128,
                    "fatal: cannot lock ref 'refs/heads/task/x': 'refs/heads/task' exists; cannot create 'refs/heads/task/x'")
                .isLockContention())
        .isFalse();
  }
}
