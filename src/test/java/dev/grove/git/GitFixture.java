package dev.grove.git;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Real git repositories in a temporary directory, isolated from the machine's git configuration:
 * git runs with {@code HOME} pointing into the temporary directory and no system configuration, so
 * there is no identity unless a test gives one (the fixture's own commits set it through the
 * environment).
 */
public final class GitFixture {
  public final Path dir;
  public final Path home;
  public final Map<String, String> env;
  public final Git git;

  public GitFixture(Path dir) {
    this.dir = dir;
    this.home = dir.resolve("home");
    mkdirs(home);
    this.env = isolatedEnvironment(home);
    this.git = new Git(env);
  }

  /** An environment with the PATH of this JVM and nothing of the user's git configuration. */
  public static Map<String, String> isolatedEnvironment(Path home) {
    Map<String, String> env = new HashMap<>();
    env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
    env.put("HOME", home.toString());
    env.put("XDG_CONFIG_HOME", home.resolve(".config").toString());
    env.put("GIT_CONFIG_NOSYSTEM", "1");
    return Map.copyOf(env);
  }

  /** The GROVE_HOME of the tests. */
  public Path groveHome() {
    return dir.resolve("grove-home");
  }

  /** A new repository on branch main with one commit of {@code files} (path → content). */
  public Path repo(String name, Map<String, String> files) {
    Path repo = dir.resolve(name);
    mkdirs(repo);
    git(repo, "init", "-q", "-b", "main");
    files.forEach((path, content) -> write(repo.resolve(path), content));
    git(repo, "add", "-A");
    commit(repo, "initial");
    return repo;
  }

  public Path repo(String name) {
    return repo(name, Map.of("README.md", "# test\n", "src/App.java", "class App {}\n"));
  }

  Worktrees worktrees(Path repo) {
    return new Worktrees(repo, groveHome(), git);
  }

  /** Runs git with a test identity, as a user would (hooks enabled); returns stdout, stripped. */
  public String git(Path in, String... args) {
    List<String> a =
        new ArrayList<>(List.of("-c", "user.name=Test", "-c", "user.email=test@example.com"));
    a.addAll(List.of(args));
    return git.run(in, a).out();
  }

  public String commit(Path in, String message) {
    git(in, "commit", "-q", "--allow-empty", "-m", message);
    return git(in, "rev-parse", "HEAD");
  }

  public static void write(Path file, String content) {
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void mkdirs(Path p) {
    try {
      Files.createDirectories(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
