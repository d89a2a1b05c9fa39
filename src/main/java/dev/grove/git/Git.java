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
 * <p>There are three forms, one per kind of trust:
 *
 * <ul>
 *   <li>{@link #Git(Map)}, for the commands grove runs on the user's behalf in their own checkout:
 *       git runs with the environment given (the CLI passes its own), minus the variables that
 *       would point it at another repository or index ({@code GIT_DIR}, {@code GIT_INDEX_FILE}, …).
 *       {@link #withoutHooks()} adds {@code -c core.hooksPath=/dev/null -c core.fsmonitor=false}.
 *   <li>{@link #hardened()}, for everything that touches an agent's worktree, whose every file is
 *       the agent's to write: an environment built from an allowlist ({@code PATH}, {@code HOME},
 *       locale, {@code TZ}, {@code TMPDIR}, {@code GIT_AUTHOR_*}/{@code GIT_COMMITTER_*}), so model
 *       keys and forge tokens never reach git or anything it starts; no system or global
 *       configuration (a user's global config may define filters, an external diff, credential
 *       helpers, …); and overrides of every configuration that makes git start a program ({@link
 *       #HARDENING}). The repository's own configuration stays: an agent cannot write the git
 *       directory.
 *   <li>{@link #forNetwork()}, for fetch and push from the main checkout: the user's configuration
 *       (credentials, {@code url.*.insteadOf}), hooks off, and the allowlist plus what a transport
 *       needs ({@link #NETWORK_VARIABLES}), never a model key.
 * </ul>
 *
 * <p>Every form runs with {@code GIT_TERMINAL_PROMPT=0}, so git never waits for a password nobody
 * will type, and {@code LC_ALL=C}, so its messages can be recognised.
 *
 * <p>A call is not cut short by an interrupt of the calling thread: it finishes (within its
 * timeout) and the thread's interrupt flag is set again, so git never dies holding its locks.
 */
public final class Git {
  public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(2);

  /**
   * {@code git rev-parse --local-env-vars}: each would redirect git away from the repository asked
   * for.
   */
  private static final Set<String> REPOSITORY_VARIABLES =
      Set.of(
          "GIT_ALTERNATE_OBJECT_DIRECTORIES",
          "GIT_CONFIG",
          "GIT_CONFIG_PARAMETERS",
          "GIT_CONFIG_COUNT",
          "GIT_OBJECT_DIRECTORY",
          "GIT_DIR",
          "GIT_WORK_TREE",
          "GIT_IMPLICIT_WORK_TREE",
          "GIT_GRAFT_FILE",
          "GIT_INDEX_FILE",
          "GIT_NO_REPLACE_OBJECTS",
          "GIT_REPLACE_REF_BASE",
          "GIT_PREFIX",
          "GIT_INTERNAL_SUPER_PREFIX",
          "GIT_SHALLOW_FILE",
          "GIT_COMMON_DIR");

  /**
   * What the hardened form keeps of the environment. {@code HOME} and {@code XDG_CONFIG_HOME} are
   * paths, not secrets: git needs {@code HOME} to expand {@code ~} in the repository's
   * configuration, and reads the user's default ignore file through them (data, never a command).
   */
  static final Set<String> ALLOWED_VARIABLES =
      Set.of(
          "PATH",
          "HOME",
          "XDG_CONFIG_HOME",
          "TZ",
          "TMPDIR",
          "LANG",
          "GIT_AUTHOR_NAME",
          "GIT_AUTHOR_EMAIL",
          "GIT_AUTHOR_DATE",
          "GIT_COMMITTER_NAME",
          "GIT_COMMITTER_EMAIL",
          "GIT_COMMITTER_DATE");

  /**
   * What fetch and push need on top of {@link #ALLOWED_VARIABLES}: ssh's agent and command, the
   * forge tokens a credential helper may read, proxies and certificate stores.
   */
  static final Set<String> NETWORK_VARIABLES =
      Set.of(
          "SSH_AUTH_SOCK",
          "GIT_SSH",
          "GIT_SSH_COMMAND",
          "GIT_SSH_VARIANT",
          "GITHUB_TOKEN",
          "GH_TOKEN",
          "GITLAB_TOKEN",
          "GITEA_TOKEN",
          "FORGEJO_TOKEN",
          "http_proxy",
          "https_proxy",
          "no_proxy",
          "all_proxy",
          "HTTP_PROXY",
          "HTTPS_PROXY",
          "NO_PROXY",
          "ALL_PROXY",
          "SSL_CERT_FILE",
          "SSL_CERT_DIR",
          "GIT_SSL_CAINFO",
          "GIT_SSL_CAPATH");

  /**
   * The hardened form's configuration, given through {@code GIT_CONFIG_COUNT}/{@code
   * GIT_CONFIG_KEY_n} (command-line scope, above every file): each key names a way configuration
   * makes git start a program, or reach into a nested repository, on the commands grove runs on
   * worktrees. Filters are switched off per repository ({@link #withConfig}), as their names are
   * only known from its config.
   */
  static final List<Map.Entry<String, String>> HARDENING =
      List.of(
          Map.entry("core.hooksPath", "/dev/null"),
          Map.entry("core.fsmonitor", "false"),
          Map.entry("core.sshCommand", "false"),
          Map.entry("core.askPass", ""),
          Map.entry("core.editor", "false"),
          Map.entry("core.pager", "cat"),
          Map.entry("sequence.editor", "false"),
          Map.entry("credential.helper", ""),
          Map.entry("gpg.program", "false"),
          Map.entry("commit.gpgSign", "false"),
          Map.entry("protocol.allow", "never"),
          Map.entry("submodule.recurse", "false"),
          Map.entry("diff.ignoreSubmodules", "all"),
          Map.entry("diff.submodule", "short"),
          Map.entry("status.submoduleSummary", "false"),
          Map.entry("fetch.recurseSubmodules", "false"),
          Map.entry("push.recurseSubmodules", "no"),
          Map.entry("safe.bareRepository", "explicit"),
          Map.entry("gc.auto", "0"),
          Map.entry("maintenance.auto", "false"));

  private static final List<String> NO_HOOKS =
      List.of("-c", "core.hooksPath=/dev/null", "-c", "core.fsmonitor=false");

  private enum Trust {
    USER,
    HARDENED,
    NETWORK
  }

  private final String executable;
  private final Map<String, String> environment;
  private final Trust trust;
  private final List<Map.Entry<String, String>> config;
  private final Map<String, String> gitEnvironment;
  private final List<String> options;
  private final Duration timeout;

  /** A runner for the {@code git} on the PATH, with this environment. */
  public Git(Map<String, String> environment) {
    this("git", environment, Trust.USER, List.of(), List.of(), DEFAULT_TIMEOUT);
  }

  private Git(
      String executable,
      Map<String, String> environment,
      Trust trust,
      List<Map.Entry<String, String>> config,
      List<String> options,
      Duration timeout) {
    this.executable = Objects.requireNonNull(executable, "executable");
    this.environment = Map.copyOf(environment);
    this.trust = trust;
    this.config = List.copyOf(config);
    this.gitEnvironment = gitEnvironment(this.environment, trust, this.config);
    this.options = List.copyOf(options);
    this.timeout = timeout;
  }

  private static Map<String, String> gitEnvironment(
      Map<String, String> given, Trust trust, List<Map.Entry<String, String>> config) {
    Map<String, String> env = new HashMap<>();
    switch (trust) {
      case USER -> {
        env.putAll(given);
        env.keySet().removeAll(REPOSITORY_VARIABLES);
        env.remove("LANGUAGE");
      }
      case HARDENED, NETWORK ->
          given.forEach(
              (k, v) -> {
                if (ALLOWED_VARIABLES.contains(k)
                    || k.startsWith("LC_")
                    || trust == Trust.NETWORK && NETWORK_VARIABLES.contains(k)) {
                  env.put(k, v);
                }
              });
    }
    if (trust == Trust.HARDENED) {
      env.put("GIT_CONFIG_NOSYSTEM", "1");
      env.put("GIT_CONFIG_GLOBAL", "/dev/null");
      List<Map.Entry<String, String>> all = new ArrayList<>(HARDENING);
      all.addAll(config);
      env.put("GIT_CONFIG_COUNT", Integer.toString(all.size()));
      for (int i = 0; i < all.size(); i++) {
        env.put("GIT_CONFIG_KEY_" + i, all.get(i).getKey());
        env.put("GIT_CONFIG_VALUE_" + i, all.get(i).getValue());
      }
    }
    env.put("GIT_TERMINAL_PROMPT", "0");
    env.put("LC_ALL", "C");
    return Map.copyOf(env);
  }

  /** The same runner, but every command runs with hooks disabled. */
  public Git withoutHooks() {
    return hooksDisabled()
        ? this
        : new Git(executable, environment, trust, config, concat(options, NO_HOOKS), timeout);
  }

  /**
   * The runner for an agent's worktree (see the class comment): nothing in the worktree, nor in the
   * user's global configuration, can make git start a program, and git never sees grove's secrets.
   */
  public Git hardened() {
    return trust == Trust.HARDENED
        ? this
        : new Git(executable, environment, Trust.HARDENED, List.of(), List.of(), timeout);
  }

  /**
   * The runner for fetch and push: the user's configuration, hooks off, the environment a transport
   * needs.
   */
  Git forNetwork() {
    return trust == Trust.NETWORK
        ? this
        : new Git(executable, environment, Trust.NETWORK, List.of(), NO_HOOKS, timeout);
  }

  /** The hardened runner with more configuration overrides (command-line scope). */
  Git withConfig(List<Map.Entry<String, String>> more) {
    if (trust != Trust.HARDENED) {
      throw new IllegalStateException("configuration overrides are for the hardened runner");
    }
    return new Git(executable, environment, trust, concat(config, more), options, timeout);
  }

  public boolean isHardened() {
    return trust == Trust.HARDENED;
  }

  /** The same runner with another default timeout. */
  public Git withTimeout(Duration timeout) {
    return new Git(executable, environment, trust, config, options, timeout);
  }

  /** The same runner using another git executable (a path, or a name looked up on the PATH). */
  public Git withExecutable(String executable) {
    return new Git(executable, environment, trust, config, options, timeout);
  }

  public boolean hooksDisabled() {
    return trust == Trust.HARDENED || options.containsAll(NO_HOOKS);
  }

  /**
   * The environment as given (not as git gets it), for the commands grove runs on the user's behalf
   * (setup commands).
   */
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
  public GitResult run(
      Path dir, List<String> args, Map<String, String> env, byte[] stdin, Duration timeout) {
    GitResult r = probe(dir, args, env, stdin, timeout);
    if (!r.ok()) {
      throw new GitException(r.command(), dir, r.exitCode(), r.stderr());
    }
    return r;
  }

  /**
   * Runs a command whose exit code is an answer, not a failure ({@code rev-parse --verify}, {@code
   * merge-base --is-ancestor}): returns the result whatever the exit code. Still throws when git
   * cannot be started or times out.
   */
  public GitResult probe(Path dir, List<String> args) {
    return probe(dir, args, Map.of(), null, timeout);
  }

  public GitResult probe(
      Path dir, List<String> args, Map<String, String> env, byte[] stdin, Duration timeout) {
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
      throw new GitException.NotRunnable(
          command,
          dir,
          java.nio.file.Files.isDirectory(dir)
              ? e.getMessage() + " (is git installed and on the PATH?)"
              : "the directory does not exist");
    }
    String stderr = new String(r.stderr(), StandardCharsets.UTF_8);
    if (r.timedOut()) {
      throw new GitException.TimedOut(command, dir, timeout, stderr);
    }
    return new GitResult(
        command, r.exit(), new String(r.stdout(), StandardCharsets.UTF_8), stderr, r.duration());
  }

  private static <T> List<T> concat(List<T> a, List<T> b) {
    List<T> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }
}
