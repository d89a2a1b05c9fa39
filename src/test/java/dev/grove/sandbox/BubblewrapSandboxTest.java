package dev.grove.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What a command in the bubblewrap sandbox can and cannot do, with real bubblewrap, real git and
 * real sockets. Each attempt to get out is made the way a confused or hostile command would make
 * it, and the host is checked afterwards: refusal inside is not enough, nothing may have changed
 * outside.
 */
class BubblewrapSandboxTest {
  static Fixture f;
  static Sandbox sandbox;

  @BeforeAll
  static void setUp() throws IOException {
    f = Fixture.create();
    sandbox = Sandboxes.create(Backend.BUBBLEWRAP, f.policy(), f.env());
  }

  @AfterAll
  static void tearDown() throws IOException {
    f.close();
  }

  static CommandResult sh(String script) {
    return sandbox.run(CommandRequest.of(f.worktree, Duration.ofSeconds(30), "sh", "-c", script));
  }

  static String quoted(Path p) {
    return "'" + p + "'";
  }

  // --- writing outside the worktree

  /**
   * Where the checkout lives under /tmp (a CI runner's, say), the sandbox's private /tmp hides the
   * fixture's other directories instead of showing them read-only: writes there fail differently,
   * or land in the private tmpfs. Either way nothing reaches the host, which is what these tests
   * assert.
   */
  static final boolean FIXTURES_UNDER_TMP = Fixture.ROOT.startsWith("/tmp");

  @Test
  void writingOutsideTheWorktreeByPathIsRefused() {
    Path target = f.outside.resolve("by-path.txt");
    CommandResult r = sh("echo pwned > " + quoted(target));
    assertThat(r.exitCode()).isNotZero();
    assertThat(r.stderr().text())
        .containsAnyOf("Read-only file system", FIXTURES_UNDER_TMP ? "nonexistent" : "Read-only");
    assertThat(target).doesNotExist();
  }

  @Test
  void writingOutsideTheWorktreeThroughDotDotIsRefused() {
    CommandResult r =
        sh("echo pwned > ../../../../outside/dotdot.txt; mkdir ../escaped; touch ../../../../../x");
    if (!FIXTURES_UNDER_TMP) {
      assertThat(r.exitCode()).isNotZero();
    }
    assertThat(f.outside.resolve("dotdot.txt")).doesNotExist();
    assertThat(f.worktree.resolveSibling("escaped")).doesNotExist();
    assertThat(f.base.getParent().resolve("x")).doesNotExist();
  }

  @Test
  void writingThroughAPlantedSymlinkIsContained() throws IOException {
    // planted beforehand (say, by an earlier command or in the repository itself) and in the same
    // command
    Files.createSymbolicLink(f.worktree.resolve("planted"), f.outside);
    CommandResult r =
        sh(
            "echo pwned > planted/through-link.txt; ln -s "
                + quoted(f.outside)
                + " fresh && echo pwned > fresh/through-fresh-link.txt; ln -s /etc etc-link && echo x >> etc-link/hosts");
    assertThat(r.exitCode()).isNotZero();
    assertThat(r.stderr().text()).contains("Read-only file system");
    assertThat(f.outside.resolve("through-link.txt")).doesNotExist();
    assertThat(f.outside.resolve("through-fresh-link.txt")).doesNotExist();
    assertThat(Files.readString(Path.of("/etc/hosts"))).doesNotEndWith("x\n");
  }

  @Test
  void writingViaProcSelfRootIsContained() {
    Path target = f.outside.resolve("via-proc.txt");
    CommandResult r =
        sh(
            "echo pwned > /proc/self/root"
                + target
                + "; echo pwned > /proc/1/root"
                + target
                + "; echo pwned > /proc/self/cwd/../../../../outside/via-cwd.txt");
    assertThat(r.exitCode()).isNotZero();
    assertThat(target).doesNotExist();
    assertThat(f.outside.resolve("via-cwd.txt")).doesNotExist();
  }

  @Test
  void writingIntoTheWorktreeWorksAndStays() throws IOException {
    CommandResult r = sh("mkdir -p build && echo built > build/out.txt && cat build/out.txt");
    assertThat(r.succeeded()).as(r.stderr().text()).isTrue();
    assertThat(r.stdout().text()).isEqualTo("built\n");
    assertThat(Files.readString(f.worktree.resolve("build/out.txt"))).isEqualTo("built\n");
  }

  // --- the repository's git directory and the worktree's pointer to it

  @Test
  void gitStatusAndDiffWorkInside() throws IOException {
    Files.writeString(f.worktree.resolve("README.md"), "# demo, edited\n");
    try {
      CommandResult status =
          sh("git status --porcelain && git diff --stat && git log --oneline -1");
      assertThat(status.succeeded()).as(status.stderr().text()).isTrue();
      assertThat(status.stdout().text())
          .contains(" M README.md")
          .contains("1 file changed")
          .contains("initial");
    } finally {
      Fixture.git(f.worktree, "checkout", "--", "README.md");
    }
  }

  @Test
  void writingIntoTheRepositoryGitDirectoryItsHooksOrConfigIsRefused() throws IOException {
    Path gitDir = f.repo.resolve(".git");
    String configBefore = Files.readString(gitDir.resolve("config"));
    String headBefore = Fixture.git(f.repo, "rev-parse", "task/agent-a");
    CommandResult r =
        sh(
            String.join(
                "; ",
                "printf '#!/bin/sh\\necho pwned\\n' > "
                    + quoted(gitDir.resolve("hooks/pre-commit")),
                "echo '[core]' >> " + quoted(gitDir.resolve("config")),
                "git config core.fsmonitor 'touch /tmp/pwned'",
                "git config --worktree core.hooksPath .",
                "git update-ref refs/heads/main HEAD~0",
                "git branch evil",
                "echo 0000000000000000000000000000000000000000 > "
                    + quoted(gitDir.resolve("refs/heads/task/agent-a")),
                "git commit --allow-empty -m pwned",
                "echo x > " + quoted(gitDir.resolve("objects/pwned"))));
    assertThat(r.exitCode()).isNotZero();
    assertThat(gitDir.resolve("hooks/pre-commit")).doesNotExist();
    assertThat(gitDir.resolve("objects/pwned")).doesNotExist();
    assertThat(Files.readString(gitDir.resolve("config"))).isEqualTo(configBefore);
    assertThat(Fixture.git(f.repo, "rev-parse", "task/agent-a")).isEqualTo(headBefore);
    assertThat(Fixture.git(f.repo, "branch", "--list", "evil")).isEmpty();
  }

  @Test
  void theWorktreeGitPointerCannotBeRewrittenOrRemoved() throws IOException {
    Path pointer = f.worktree.resolve(".git");
    String before = Files.readString(pointer);
    CommandResult r =
        sh("echo 'gitdir: /tmp/evil' > .git; rm -f .git; mv .git moved; test -f .git");
    assertThat(r.stderr().text()).contains("Read-only file system");
    assertThat(Files.readString(pointer)).isEqualTo(before);
    assertThat(f.worktree.resolve("moved")).doesNotExist();
  }

  @Test
  void aForgedGitPointerIsHiddenNotFollowed() throws IOException {
    // a worktree whose .git was made to point at a secret; the sandbox must not mount what it names
    Path forged = f.outside.resolve("forged-worktree");
    Files.createDirectories(forged);
    Files.writeString(forged.resolve(".git"), "gitdir: " + f.home.resolve(".ssh") + "\n");
    CommandResult r =
        sandbox.run(
            CommandRequest.of(
                forged,
                Duration.ofSeconds(10),
                "sh",
                "-c",
                "cat .git; git status; cat " + quoted(f.home.resolve(".ssh/id_ed25519"))));
    assertThat(r.stdout().text()).doesNotContain("gitdir").doesNotContain("PRIVATE KEY");
    assertThat(Files.readString(forged.resolve(".git"))).startsWith("gitdir: ");
  }

  // --- what is invisible

  @Test
  void groveHomeAndOtherAgentsWorktreesAreInvisible() {
    CommandResult r =
        sh(
            "ls -A "
                + quoted(f.groveHome)
                + "; ls -A "
                + quoted(f.worktree.getParent())
                + "; cat "
                + quoted(f.groveHome.resolve("config.toml"))
                + "; cat "
                + quoted(f.otherWorktree.resolve("work-in-progress.txt"))
                + "; ls -A "
                + quoted(f.repo.resolve(".git/worktrees")));
    assertThat(r.stdout().text().lines()).containsExactly("worktrees", "agent-a", "agent-a");
    assertThat(r.stdout().text()).doesNotContain(Fixture.TOKEN).doesNotContain("unfinished");
    assertThat(r.stderr().text()).contains("No such file or directory");
  }

  @Test
  void theRepositoryMainCheckoutAndItsGroveStateAreInvisible() {
    CommandResult r =
        sh(
            "cat "
                + quoted(f.repo.resolve(".env"))
                + "; ls -A "
                + quoted(f.repo.resolve(".grove"))
                + "; cat "
                + quoted(f.repo.resolve(".grove/sessions/run.jsonl"))
                + "; ls -A "
                + quoted(f.repo));
    assertThat(r.stdout().text()).doesNotContain(Fixture.API_KEY).doesNotContain("secret");
    assertThat(r.stdout().text().lines()).containsExactly(".git");
  }

  @Test
  void theHomeDirectoryIsAnEmptyPrivateOne() {
    CommandResult r =
        sh("echo $HOME; ls -A ~; cat ~/.ssh/id_ed25519; echo scratch > ~/notes && cat ~/notes");
    assertThat(r.stdout().text().lines()).containsExactly(f.home.toString(), "scratch");
    assertThat(f.home.resolve("notes")).doesNotExist();
    assertThat(f.home.resolve(".ssh/id_ed25519")).exists();
  }

  @Test
  void tmpIsPrivateAndEmpty() throws IOException {
    Path hostFile = Files.createTempFile("grove-host-", ".txt");
    try {
      CommandResult r = sh("ls -A /tmp; echo inside > /tmp/inside.txt; cat " + quoted(hostFile));
      // empty, but for the way down to the worktree when the checkout itself is under /tmp
      List<String> expected =
          FIXTURES_UNDER_TMP
              ? List.of(Path.of("/tmp").relativize(f.worktree).getName(0).toString())
              : List.of();
      assertThat(r.stdout().text().lines().toList()).isEqualTo(expected);
      assertThat(Path.of("/tmp/inside.txt")).doesNotExist();
    } finally {
      Files.delete(hostFile);
    }
  }

  // --- environment

  @Test
  void secretsInGrovesEnvironmentAreNotVisible() {
    CommandResult r = sh("env; cat /proc/*/environ 2>/dev/null | tr '\\0' '\\n'");
    assertThat(r.stdout().text())
        .doesNotContain(Fixture.API_KEY)
        .doesNotContain(Fixture.TOKEN)
        .doesNotContain("OPENAI_API_KEY")
        .doesNotContain("GITHUB_TOKEN")
        .contains("LANG=C.UTF-8")
        .contains("GROVE_SANDBOX=bubblewrap")
        .contains("TMPDIR=/tmp");
  }

  @Test
  void theRequestsOwnVariablesAreSet() {
    CommandResult r =
        sandbox.run(
            CommandRequest.of(f.worktree, Duration.ofSeconds(10), "sh", "-c", "echo $CI $MODE")
                .withEnvironment(Map.of("CI", "true", "MODE", "a b; $(rm -rf /)")));
    assertThat(r.stdout().text()).isEqualTo("true a b; $(rm -rf /)\n");
  }

  // --- network and sockets

  @Test
  void aServerOnTheHostsLoopbackIsUnreachableWithoutNetwork() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      AtomicInteger accepted = new AtomicInteger();
      Thread acceptor =
          Thread.ofVirtual()
              .start(
                  () -> {
                    try {
                      while (true) {
                        server.accept().close();
                        accepted.incrementAndGet();
                      }
                    } catch (IOException closed) {
                      // done
                    }
                  });
      String connect = "exec 3<>/dev/tcp/127.0.0.1/" + server.getLocalPort() + " && echo connected";
      CommandResult off =
          sandbox.run(CommandRequest.of(f.worktree, Duration.ofSeconds(10), "bash", "-c", connect));
      assertThat(off.exitCode()).isNotZero();
      assertThat(off.stdout().text()).doesNotContain("connected");
      assertThat(accepted).hasValue(0);

      // the same command with network: proves the attempt above was a real one
      CommandResult on =
          sandbox.run(
              CommandRequest.of(f.worktree, Duration.ofSeconds(10), "bash", "-c", connect)
                  .withNetwork(true));
      assertThat(on.stdout().text()).as(on.stderr().text()).contains("connected");
      server.close();
      acceptor.join();
      assertThat(accepted).hasValue(1);
    }
  }

  @Test
  void unixSocketsUnderRunAreUnreachable() throws Exception {
    // a read-only mount does not stop connect() on a unix socket: Docker's lives here, so /run is
    // hidden
    Path dir = Path.of("/run", "grove-test-" + ProcessHandle.current().pid());
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      assumeTrue(false, "cannot create a socket under /run here: " + e);
    }
    Path socket = dir.resolve("daemon.sock");
    try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      server.bind(UnixDomainSocketAddress.of(socket));
      CommandResult r = sh("test -S " + quoted(socket) + " && echo visible; ls -A /run | wc -l");
      assertThat(r.stdout().text()).doesNotContain("visible");
      assertThat(r.stdout().text().strip()).isEqualTo("0");
    } finally {
      Files.deleteIfExists(socket);
      Files.deleteIfExists(dir);
    }
  }

  // --- processes and privileges

  @Test
  void hostProcessesAreInvisible() {
    CommandResult r =
        sh(
            "ls /proc | grep -c '^[0-9]'; test -e /proc/"
                + ProcessHandle.current().pid()
                + "/cmdline && echo jvm-visible");
    assertThat(r.stdout().text()).doesNotContain("jvm-visible");
    assertThat(Integer.parseInt(r.stdout().text().strip().lines().findFirst().orElseThrow()))
        .isLessThan(10);
  }

  @Test
  void commandsHaveNoCapabilitiesNoNewPrivilegesAndNoNewUserNamespaces() {
    CommandResult r =
        sh(
            "grep -E '^(CapEff|CapPrm|CapBnd|NoNewPrivs)' /proc/self/status; unshare --user true && echo unshared");
    assertThat(r.stdout().text())
        .contains("CapEff:\t0000000000000000")
        .contains("CapPrm:\t0000000000000000")
        .contains("CapBnd:\t0000000000000000")
        .contains("NoNewPrivs:\t1")
        .doesNotContain("unshared");
  }

  // --- results, not exceptions

  @Test
  void aFailingCommandIsAResultWithItsExitCode() {
    CommandResult r = sh("echo out; echo err >&2; exit 3");
    assertThat(r.exitCode()).isEqualTo(3);
    assertThat(r.succeeded()).isFalse();
    assertThat(r.timedOut()).isFalse();
    assertThat(r.stdout().text()).isEqualTo("out\n");
    assertThat(r.stderr().text()).isEqualTo("err\n");
  }

  @Test
  void aMissingProgramIsExit127NotAnException() {
    CommandResult r =
        sandbox.run(CommandRequest.of(f.worktree, Duration.ofSeconds(10), "no-such-program-4f1c"));
    assertThat(r.exitCode()).isEqualTo(127);
    assertThat(r.stderr().text()).contains("no-such-program-4f1c");
  }

  @Test
  void aCommandStartsInTheRequestedSubdirectory() {
    CommandResult r =
        sandbox.run(
            CommandRequest.of(f.worktree, Duration.ofSeconds(10), "pwd")
                .inDirectory(Path.of("src")));
    assertThat(r.stdout().text().strip()).isEqualTo(f.worktree.resolve("src").toString());
  }

  @Test
  void aWorktreeThatDoesNotExistIsAnErrorNamingIt() {
    Path missing = f.base.resolve("no-such-worktree");
    assertThatThrownBy(
            () -> sandbox.run(CommandRequest.of(missing, Duration.ofSeconds(10), "true")))
        .isInstanceOf(SandboxException.NoSuchDirectory.class)
        .hasMessageContaining(missing.toString());
  }

  @Test
  void aRealBuildWorksInside() throws IOException {
    Path src = f.worktree.resolve("hello/Hello.java");
    Files.createDirectories(src.getParent());
    Files.writeString(
        src,
        """
        public class Hello {
          public static void main(String[] args) throws Exception {
            java.nio.file.Files.writeString(java.nio.file.Path.of("hello/ran.txt"), "ran");
            System.out.println("hello from " + System.getenv("GROVE_SANDBOX"));
          }
        }
        """);
    CommandResult r =
        sandbox.run(
            CommandRequest.of(
                f.worktree,
                Duration.ofSeconds(120),
                "sh",
                "-c",
                "javac -d hello/classes hello/Hello.java && java -cp hello/classes Hello"));
    assertThat(r.succeeded()).as(r.stderr().text()).isTrue();
    assertThat(r.stdout().text()).isEqualTo("hello from bubblewrap\n");
    assertThat(f.worktree.resolve("hello/classes/Hello.class")).exists();
    assertThat(f.worktree.resolve("hello/ran.txt")).hasContent("ran");
  }

  // --- when the sandbox itself cannot run

  @Test
  void withoutBubblewrapTheErrorSaysHowToInstallIt() throws IOException {
    Path emptyPath = Files.createDirectories(f.base.resolve("empty-path"));
    assertThatThrownBy(
            () ->
                Sandboxes.create(
                    Backend.BUBBLEWRAP, f.policy(), Map.of("PATH", emptyPath.toString())))
        .isInstanceOf(SandboxException.Unavailable.class)
        .hasMessageContaining("apt-get install bubblewrap")
        .hasMessageContaining("--sandbox none");
  }

  @Test
  void theDescriptionSaysHowLimitsAreEnforced() {
    assertThat(sandbox.description()).startsWith("bubblewrap ").contains("processes");
    assertThat(sandbox.warning()).isEmpty();
    assertThat(List.of(sandbox.backend())).containsExactly(Backend.BUBBLEWRAP);
  }
}
