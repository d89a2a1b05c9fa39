package dev.grove.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * What an agent's sandbox is up against, built with the real git CLI: a repository with an
 * uncommitted secret in its main checkout and grove's state in {@code .grove}; a GROVE_HOME with
 * config and two agents' worktrees; a home directory with a private key; a directory outside
 * everything.
 *
 * <p>It lives under target/, not /tmp: the sandbox's /tmp is private, so a fixture there would be
 * invisible anyway and the tests would prove nothing about the rules that hide it.
 */
final class Fixture implements AutoCloseable {
  static final Path ROOT = Path.of("target", "sandbox-fixtures").toAbsolutePath();
  static final String API_KEY = "sk-grove-test-4f1c2b9e";
  static final String TOKEN = "ghp_grovetesttoken0123456789";

  final Path base;
  final Path home;
  final Path groveHome;
  final Path repo;
  final Path worktree;
  final Path otherWorktree;
  final Path outside;

  private Fixture(Path base, Path home, Path groveHome, Path repo) {
    this.base = base;
    this.home = home;
    this.groveHome = groveHome;
    this.repo = repo;
    this.worktree = groveHome.resolve("worktrees/repo-1a2b3c/agent-a");
    this.otherWorktree = groveHome.resolve("worktrees/repo-1a2b3c/agent-b");
    this.outside = base.resolve("outside");
  }

  /** Home, GROVE_HOME and the repository side by side. */
  static Fixture create() throws IOException {
    Path base = newBase();
    return populate(
        new Fixture(base, base.resolve("home"), base.resolve("grove-home"), base.resolve("repo")));
  }

  /**
   * The usual layout: GROVE_HOME (~/.grove) and the repository (~/src/repo) inside the home
   * directory.
   */
  static Fixture createUnderHome() throws IOException {
    Path base = newBase();
    Path home = base.resolve("home");
    return populate(new Fixture(base, home, home.resolve(".grove"), home.resolve("src/repo")));
  }

  private static Path newBase() throws IOException {
    Files.createDirectories(ROOT);
    return Files.createTempDirectory(ROOT, "f-").toRealPath();
  }

  private static Fixture populate(Fixture f) throws IOException {
    Files.createDirectories(f.home.resolve(".ssh"));
    Files.writeString(f.home.resolve(".ssh/id_ed25519"), "-----BEGIN OPENSSH PRIVATE KEY-----\n");
    Files.createDirectories(f.groveHome);
    Files.writeString(f.groveHome.resolve("config.toml"), "forge_token = \"" + TOKEN + "\"\n");
    Files.createDirectories(f.outside);
    Files.createDirectories(f.repo.resolve("src"));
    git(f.repo, "init", "-q", "-b", "main");
    git(f.repo, "config", "user.email", "test@grove.dev");
    git(f.repo, "config", "user.name", "grove test");
    Files.writeString(f.repo.resolve("README.md"), "# demo\n");
    Files.writeString(f.repo.resolve("src/App.java"), "class App {}\n");
    git(f.repo, "add", "-A");
    git(f.repo, "commit", "-q", "-m", "initial");
    Files.writeString(
        f.repo.resolve(".env"), "API_KEY=" + API_KEY + "\n"); // the user's, uncommitted
    Files.createDirectories(f.repo.resolve(".grove/sessions"));
    Files.writeString(f.repo.resolve(".grove/sessions/run.jsonl"), "{\"secret\":\"session\"}\n");
    Files.createDirectories(f.worktree.getParent());
    git(f.repo, "worktree", "add", "-q", "-b", "task/agent-a", f.worktree.toString());
    git(f.repo, "worktree", "add", "-q", "-b", "task/agent-b", f.otherWorktree.toString());
    Files.writeString(
        f.otherWorktree.resolve("work-in-progress.txt"), "agent b's unfinished work\n");
    return f;
  }

  /** grove's environment as a test gives it: with secrets that must not reach commands. */
  Map<String, String> env() {
    return Map.of(
        "PATH",
        System.getenv().getOrDefault("PATH", "/usr/bin:/bin"),
        "LANG",
        "C.UTF-8",
        "OPENAI_API_KEY",
        API_KEY,
        "GITHUB_TOKEN",
        TOKEN,
        "HOME",
        home.toString());
  }

  SandboxPolicy policy() {
    return SandboxPolicy.standard(home, groveHome);
  }

  static String git(Path dir, String... args) throws IOException {
    List<String> argv = new ArrayList<>(List.of("git", "-c", "core.hooksPath=/dev/null"));
    argv.addAll(List.of(args));
    Process p = new ProcessBuilder(argv).directory(dir.toFile()).redirectErrorStream(true).start();
    try {
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).as("git %s: %s", args, out).isZero();
      return out;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  /**
   * Host processes whose command line contains {@code marker}, after giving dying ones a moment.
   */
  static List<ProcessHandle> survivors(String marker) throws InterruptedException {
    List<ProcessHandle> found = List.of();
    for (int i = 0; i < 100; i++) {
      found =
          ProcessHandle.allProcesses()
              .filter(p -> p.info().commandLine().orElse("").contains(marker))
              .toList();
      if (found.isEmpty()) {
        break;
      }
      Thread.sleep(20);
    }
    return found;
  }

  /** This JVM's per-command cgroups that still exist. */
  static List<Path> leftoverCgroups(Sandbox sandbox) throws IOException {
    if (!(sandbox instanceof BubblewrapSandbox b)
        || !(b.limits() instanceof LimitMechanism.Cgroups c)) {
      return List.of();
    }
    String prefix = LimitMechanism.CGROUP_PREFIX + ProcessHandle.current().pid() + "-";
    List<Path> left = new ArrayList<>();
    for (Path parent : c.parents()) {
      try (Stream<Path> children = Files.list(parent)) {
        children.filter(p -> p.getFileName().toString().startsWith(prefix)).forEach(left::add);
      }
    }
    return left;
  }

  @Override
  public void close() throws IOException {
    deleteTree(base);
  }

  static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
