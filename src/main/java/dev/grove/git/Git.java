package dev.grove.git;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The one way grove runs git: the {@code git} executable with an argument list (never a shell
 * string), a timeout on every call, and a {@link GitException} carrying the command, exit code and
 * standard error when it fails. Immutable; safe for any number of threads.
 *
 * <p>git runs with exactly the environment given to the constructor (the CLI passes its own), minus
 * the variables that would point it at another repository or index ({@code GIT_DIR},
 * {@code GIT_INDEX_FILE}, …), with {@code GIT_TERMINAL_PROMPT=0} so it never waits for a password
 * nobody will type, and {@code LC_ALL=C} so its messages can be recognised.
 *
 * <p>{@link #withoutHooks()} is the variant for everything that touches an agent's worktree: an
 * agent can write the hooks directory or a tracked {@code core.hooksPath}, so grove's own commands
 * must never run hooks ({@code -c core.hooksPath=/dev/null}; {@code core.fsmonitor}, a hook by
 * another name, is switched off too).
 *
 * <p>A call is not cut short by an interrupt of the calling thread: it finishes (within its
 * timeout) and the thread's interrupt flag is set again, so git never dies holding its locks.
 */
public final class Git {
  public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(2);

  /** {@code git rev-parse --local-env-vars}: each would redirect git away from the repository asked for. */
  private static final Set<String> REPOSITORY_VARIABLES = Set.of("GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_CONFIG",
      "GIT_CONFIG_PARAMETERS", "GIT_CONFIG_COUNT", "GIT_OBJECT_DIRECTORY", "GIT_DIR", "GIT_WORK_TREE",
      "GIT_IMPLICIT_WORK_TREE", "GIT_GRAFT_FILE", "GIT_INDEX_FILE", "GIT_NO_REPLACE_OBJECTS", "GIT_REPLACE_REF_BASE",
      "GIT_PREFIX", "GIT_INTERNAL_SUPER_PREFIX", "GIT_SHALLOW_FILE", "GIT_COMMON_DIR");

  private static final List<String> NO_HOOKS = List.of("-c", "core.hooksPath=/dev/null", "-c", "core.fsmonitor=false");

  private final String executable;
  private final Map<String, String> environment;
  private final Map<String, String> gitEnvironment;
  private final List<String> options;
  private final Duration timeout;

  /** A runner for the {@code git} on the PATH, with this environment. */
  public Git(Map<String, String> environment) {
    this("git", environment, List.of(), DEFAULT_TIMEOUT);
  }

  private Git(String executable, Map<String, String> environment, List<String> options, Duration timeout) {
    this.executable = Objects.requireNonNull(executable, "executable");
    this.environment = Map.copyOf(environment);
    Map<String, String> env = new HashMap<>(environment);
    env.keySet().removeAll(REPOSITORY_VARIABLES);
    env.put("GIT_TERMINAL_PROMPT", "0");
    env.put("LC_ALL", "C");
    env.remove("LANGUAGE");
    this.gitEnvironment = Map.copyOf(env);
    this.options = List.copyOf(options);
    this.timeout = timeout;
  }

  /** The same runner, but every command runs with hooks disabled. */
  public Git withoutHooks() {
    return hooksDisabled() ? this : new Git(executable, environment, concat(options, NO_HOOKS), timeout);
  }

  /** The same runner with another default timeout. */
  public Git withTimeout(Duration timeout) {
    return new Git(executable, environment, options, timeout);
  }

  /** The same runner using another git executable (a path, or a name looked up on the PATH). */
  public Git withExecutable(String executable) {
    return new Git(executable, environment, options, timeout);
  }

  public boolean hooksDisabled() {
    return options.containsAll(NO_HOOKS);
  }

  /** The environment as given, for the commands grove runs on the user's behalf (setup commands). */
  public Map<String, String> environment() {
    return environment;
  }

  public Duration timeout() {
    return timeout;
  }

  /** Runs {@code git ARGS} in {@code dir}; throws {@link GitException} unless it exits with 0. */
  public GitResult run(Path dir, List<String> args) {
    return run(dir, args, Map.of(), null, timeout);
  }

  public GitResult run(Path dir, List<String> args, Duration timeout) {
    return run(dir, args, Map.of(), null, timeout);
  }

  /** With extra environment variables (e.g. {@code GIT_INDEX_FILE}) on top of the runner's. */
  public GitResult run(Path dir, List<String> args, Map<String, String> env) {
    return run(dir, args, env, null, timeout);
  }

  /** The general form: extra environment, standard input (or null), timeout. */
  public GitResult run(Path dir, List<String> args, Map<String, String> env, byte[] stdin, Duration timeout) {
    GitResult r = probe(dir, args, env, stdin, timeout);
    if (!r.ok()) {
      throw new GitException(r.command(), dir, r.exitCode(), r.stderr());
    }
    return r;
  }

  /**
   * Runs a command whose exit code is an answer, not a failure ({@code rev-parse --verify},
   * {@code merge-base --is-ancestor}): returns the result whatever the exit code. Still throws when
   * git cannot be started or times out.
   */
  public GitResult probe(Path dir, List<String> args) {
    return probe(dir, args, Map.of(), null, timeout);
  }

  public GitResult probe(Path dir, List<String> args, Map<String, String> env, byte[] stdin, Duration timeout) {
    List<String> command = new ArrayList<>(1 + options.size() + args.size());
    command.add(executable);
    command.addAll(options);
    command.addAll(args);
    Map<String, String> fullEnv = gitEnvironment;
    if (!env.isEmpty()) {
      fullEnv = new HashMap<>(gitEnvironment);
      fullEnv.putAll(env);
    }
    Proc.Result r;
    try {
      r = Proc.run(new Proc.Spec(command, dir, fullEnv, stdin, timeout, null, false));
    } catch (IOException e) {
      throw new GitException.NotRunnable(command, dir, java.nio.file.Files.isDirectory(dir)
          ? e.getMessage() + " (is git installed and on the PATH?)" : "the directory does not exist");
    }
    String stderr = new String(r.stderr(), StandardCharsets.UTF_8);
    if (r.timedOut()) {
      throw new GitException.TimedOut(command, dir, timeout, stderr);
    }
    return new GitResult(command, r.exit(), new String(r.stdout(), StandardCharsets.UTF_8), stderr, r.duration());
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }
}
