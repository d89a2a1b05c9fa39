package dev.grove.sandbox;

import dev.grove.sandbox.MountPlan.Kind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The Linux backend: every command in its own bubblewrap sandbox.
 *
 * <ul>
 *   <li>Files: the host root read-only; /tmp, /var/tmp and the home directory private and empty;
 *       /run hidden (unix sockets such as Docker's or D-Bus's stay connectable through a read-only
 *       mount, and most live there); the policy's hidden paths, the repository's main working tree
 *       and its other worktrees hidden; the worktree's git metadata read-only, other worktrees'
 *       entries in it and grove's state in it hidden, its config files filtered ({@link
 *       GitConfigFilter}); the worktree read-write. See {@link MountPlan} for how the rules nest.
 *   <li>The kernel: host-global files of /proc and /sys read-only or hidden ({@link KernelFiles});
 *       the {@link Seccomp} filter; root's secret files hidden ({@link
 *       SandboxUser#rootOnlySecrets}).
 *   <li>Namespaces: new user, PID, IPC, UTS, cgroup and network (unless asked for); uid and gid
 *       65534 inside ({@link SandboxUser}); no capabilities; no new user namespaces inside; a new
 *       session (no typing into grove's terminal).
 *   <li>Lifetime: the sandbox's PID 1 is killed when bwrap is, and bwrap when grove is; when the
 *       command's first process exits or times out, the whole PID namespace goes, grandchildren
 *       that ignore SIGTERM or detached themselves included.
 *   <li>Limits: see {@link LimitMechanism}.
 * </ul>
 */
final class BubblewrapSandbox implements Sandbox {
  private static final Path PROC = Path.of("/proc");
  private static final Path PASSWD = Path.of("/etc/passwd");

  private final Bubblewrap bwrap;
  private final SandboxPolicy policy;
  private final Map<String, String> hostEnv;
  private final LimitMechanism limits;
  private final Optional<byte[]> seccomp;
  private final List<String> launcher;
  private final List<String> kernelFiles;
  private final List<Path> rootOnlySecrets;

  BubblewrapSandbox(
      Bubblewrap bwrap, SandboxPolicy policy, Map<String, String> hostEnv, LimitMechanism limits) {
    this(bwrap, policy, hostEnv, limits, Seccomp.forThisMachine(), List.of());
  }

  private BubblewrapSandbox(
      Bubblewrap bwrap,
      SandboxPolicy policy,
      Map<String, String> hostEnv,
      LimitMechanism limits,
      Optional<byte[]> seccomp,
      List<String> launcher) {
    this.bwrap = bwrap;
    this.policy = policy;
    this.hostEnv = Map.copyOf(hostEnv);
    this.limits = limits;
    this.seccomp = seccomp;
    this.launcher = List.copyOf(launcher);
    this.kernelFiles = KernelFiles.bwrapArgs();
    this.rootOnlySecrets = SandboxUser.rootOnlySecrets();
  }

  static BubblewrapSandbox create(SandboxPolicy policy, Map<String, String> hostEnv) {
    Bubblewrap bwrap = Bubblewrap.locate(hostEnv);
    bwrap.probe(hostEnv.get("PATH"));
    return new BubblewrapSandbox(bwrap, policy, hostEnv, LimitMechanism.detect(hostEnv, PROC));
  }

  /** The same sandbox without the seccomp filter: for the benchmark's baseline only. */
  BubblewrapSandbox withoutSeccomp() {
    return new BubblewrapSandbox(bwrap, policy, hostEnv, limits, Optional.empty(), launcher);
  }

  /**
   * The same sandbox with bwrap started through {@code prefix} (say, {@code setpriv --reuid=65534
   * …}): for tests that run it as an unprivileged user from a JVM that is root.
   */
  BubblewrapSandbox launchedBy(List<String> prefix) {
    return new BubblewrapSandbox(bwrap, policy, hostEnv, limits, seccomp, prefix);
  }

  @Override
  public CommandResult run(CommandRequest request) {
    Path worktree = realDirectory(request.worktree(), "worktree");
    if (worktree.getNameCount() == 0) {
      throw new SandboxException.SetupFailed(
          "refusing to use / as a worktree: the whole host would be writable");
    }
    Path cwd = worktree.resolve(request.directory());
    if (!Files.isDirectory(cwd)) {
      throw new SandboxException.NoSuchDirectory(
          "the directory " + request.directory() + " does not exist in " + worktree);
    }
    GitLayout git = GitLayout.of(worktree);
    try (PassedFiles passed = new PassedFiles()) {
      List<String> argv = new ArrayList<>(List.of(bwrap.executable().toString()));
      argv.addAll(bwrap.isolation(request.network()));
      argv.addAll(List.of("--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc"));
      argv.addAll(kernelFiles);
      argv.addAll(
          plan(worktree, git, request.network())
              .bwrapArgs(bwrap.tmpfsSize() ? policy.limits().maxMemoryBytes() : 0));
      // after the plan: these replace files inside directories it mounts
      SandboxUser.passwd(PASSWD, real(policy.home()))
          .ifPresent(
              passwd ->
                  argv.addAll(
                      List.of(
                          "--ro-bind-data", fd(passed.add("passwd", passwd)), PASSWD.toString())));
      for (Path config : gitConfigs(git)) {
        byte[] filtered = GitConfigFilter.filter(config).getBytes(StandardCharsets.UTF_8);
        argv.addAll(
            List.of("--ro-bind-data", fd(passed.add("gitconfig", filtered)), config.toString()));
      }
      seccomp.ifPresent(
          bpf -> argv.addAll(List.of("--seccomp", fd(passed.add("seccomp.bpf", bpf)))));
      environment(request).forEach((name, value) -> argv.addAll(List.of("--setenv", name, value)));
      argv.addAll(List.of("--chdir", cwd.toString(), "--"));
      if (limits instanceof LimitMechanism.Rlimits r) {
        argv.add(r.prlimit().toString());
        if (r.processes()) {
          argv.add("--nproc=" + policy.limits().maxProcesses());
        }
        argv.addAll(List.of("--data=" + policy.limits().maxMemoryBytes(), "--"));
      }
      argv.addAll(request.command());
      return launch(request, worktree, passed.prefix(), argv);
    }
  }

  /**
   * Runs bwrap's {@code argv}: in the command's cgroup if limits use one, then the descriptor
   * prelude.
   */
  private CommandResult launch(
      CommandRequest request, Path worktree, List<String> prelude, List<String> argv) {
    Optional<Cgroup> cgroup =
        limits instanceof LimitMechanism.Cgroups c
            ? Optional.of(Cgroup.create(c, LimitMechanism.newCgroupName(), policy.limits()))
            : Optional.empty();
    try {
      List<String> launch = new ArrayList<>(cgroup.map(Cgroup::joinPrefix).orElse(List.of()));
      launch.addAll(prelude);
      launch.addAll(launcher);
      launch.addAll(argv);
      Execution.Outcome o =
          Execution.run(
              request.command().get(0),
              launch,
              Map.of(),
              worktree,
              request.timeout(),
              policy.limits().maxOutputBytes(),
              p -> {
                cgroup.ifPresent(Cgroup::killAll);
                p.destroyForcibly(); // bwrap; its PID 1 follows (PR_SET_PDEATHSIG), taking the
                // namespace along
              });
      return result(o, cgroup.map(Cgroup::reached).orElse(Set.of()));
    } finally {
      cgroup.ifPresent(Cgroup::close);
    }
  }

  private static String fd(int n) {
    return Integer.toString(n);
  }

  /**
   * The git config files commands would see (the repository's, and the worktrees' own), which they
   * get filtered instead: no remote URLs, tokens or extra headers. None when git is hidden.
   */
  private List<Path> gitConfigs(GitLayout git) {
    if (policy.git() == SandboxPolicy.GitAccess.HIDDEN) {
      return List.of();
    }
    List<Path> candidates =
        switch (git) {
          case GitLayout.None n -> List.of();
          case GitLayout.Unrecognized u -> List.of();
          case GitLayout.Checkout c ->
              List.of(c.gitDir().resolve("config"), c.gitDir().resolve("config.worktree"));
          case GitLayout.Linked l ->
              List.of(
                  l.commonDir().resolve("config"),
                  l.commonDir().resolve("config.worktree"),
                  l.privateDir().resolve("config.worktree"));
        };
    return candidates.stream()
        .filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))
        .toList();
  }

  /** The command's view of the file system; see {@link MountPlan} for how the rules nest. */
  private MountPlan plan(Path worktree, GitLayout git, boolean network) {
    MountPlan plan = new MountPlan();
    plan.add(Kind.PRIVATE, Path.of("/tmp"));
    plan.add(Kind.PRIVATE, Path.of("/var/tmp"));
    plan.add(Kind.PRIVATE, real(policy.home()));
    plan.add(Kind.HIDDEN, real(Path.of("/run")));
    rootOnlySecrets.forEach(p -> plan.add(Kind.HIDDEN, p));
    policy.hidden().forEach(p -> plan.add(Kind.HIDDEN, real(p)));
    policy.readOnly().forEach(p -> plan.add(Kind.READ_ONLY, real(p)));
    Kind gitKind =
        switch (policy.git()) {
          case READ_ONLY -> Kind.READ_ONLY;
          case HIDDEN -> Kind.HIDDEN;
        };
    switch (git) {
      case GitLayout.None n -> {}
      case GitLayout.Unrecognized u -> plan.add(Kind.HIDDEN, u.pointer());
      case GitLayout.Checkout c -> {
        plan.add(gitKind, c.gitDir());
        plan.add(
            Kind.HIDDEN, c.gitDir().resolve("grove")); // grove's own state: worktree records, runs
      }
      case GitLayout.Linked l -> {
        plan.add(gitKind, l.pointer());
        plan.add(gitKind, l.commonDir());
        if (gitKind == Kind.READ_ONLY) {
          plan.add(Kind.HIDDEN, l.commonDir().resolve("worktrees")); // other agents' index and HEAD
          plan.add(Kind.HIDDEN, l.commonDir().resolve("grove"));
          plan.add(Kind.READ_ONLY, l.privateDir());
        }
      }
    }
    // The user's own checkout (uncommitted work, .env files) and grove's state in it are no agent's
    // business, nor are the repository's other worktrees, wherever they are (other agents' work).
    git.mainWorktree()
        .ifPresent(
            main -> {
              plan.add(Kind.HIDDEN, main);
              plan.add(Kind.HIDDEN, main.resolve(".grove"));
            });
    git.otherWorktrees().forEach(other -> plan.add(Kind.HIDDEN, real(other)));
    plan.add(Kind.READ_WRITE, worktree);
    if (network) {
      // resolv.conf is often a link into /run (systemd-resolved): keep name resolution working
      Path resolv = real(Path.of("/etc/resolv.conf"));
      if (!resolv.equals(Path.of("/etc/resolv.conf"))) {
        plan.add(Kind.READ_ONLY, resolv);
      }
    }
    return plan;
  }

  private Map<String, String> environment(CommandRequest request) {
    Map<String, String> env = policy.passedFrom(hostEnv);
    env.put("HOME", real(policy.home()).toString());
    env.put("TMPDIR", "/tmp");
    env.put("GROVE_SANDBOX", Backend.BUBBLEWRAP.wireName());
    env.putAll(request.environment());
    return env;
  }

  /**
   * The outcome as a result, or an exception if it was the sandbox that failed. bwrap reports its
   * own failures as exit 1 with one "bwrap: " line and nothing on stdout; a failure to exec the
   * command ("bwrap: execvp …") is the command's, with the shell's codes: 127 not found, 126 not
   * executable.
   */
  private static CommandResult result(Execution.Outcome o, Set<CommandResult.Limit> reached) {
    String err = o.stderr().text();
    if (o.exitCode() == 125 && err.startsWith(Cgroup.JOIN_FAILED)) {
      throw new SandboxException.SetupFailed(
          err.strip() + " (`grove doctor` checks the limits setup)");
    }
    if (o.exitCode() == 125 && err.startsWith(PassedFiles.OPEN_FAILED)) {
      throw new SandboxException.SetupFailed(
          err.strip()
              + " (a file grove wrote for bwrap; is java.io.tmpdir "
              + "being cleaned while grove runs?)");
    }
    int exit = o.exitCode();
    boolean bwrapMessage =
        exit == 1
            && o.stdout().text().isEmpty()
            && !o.stderr().truncated()
            && err.startsWith("bwrap: ")
            && err.strip().lines().count() == 1;
    if (bwrapMessage && !o.timedOut()) {
      if (!err.startsWith("bwrap: execvp ")) {
        throw new SandboxException.SetupFailed(
            "bubblewrap could not set up the sandbox: " + err.strip());
      }
      exit = err.contains("No such file or directory") ? 127 : 126;
    }
    return new CommandResult(exit, o.stdout(), o.stderr(), o.duration(), o.timedOut(), reached);
  }

  static Path realDirectory(Path dir, String what) {
    try {
      Path real = dir.toRealPath();
      if (Files.isDirectory(real)) {
        return real;
      }
    } catch (IOException e) {
      // reported below
    }
    throw new SandboxException.NoSuchDirectory(
        "the " + what + " " + dir + " does not exist or is not a directory");
  }

  /**
   * The path with symlinks resolved, so it names the same thing inside as outside; as given if
   * missing.
   */
  private static Path real(Path p) {
    try {
      return p.toRealPath();
    } catch (IOException e) {
      return p;
    }
  }

  @Override
  public Backend backend() {
    return Backend.BUBBLEWRAP;
  }

  @Override
  public String description() {
    return bwrap.describe()
        + (bwrap.disableUserns() ? "" : ", without --disable-userns (needs 0.8.0)")
        + "; commands as uid "
        + SandboxUser.UID
        + "; "
        + (seccomp.isPresent() ? Seccomp.describe() : "no seccomp filter")
        + "; "
        + limits.describe();
  }

  @Override
  public Optional<String> warning() {
    return Optional.empty();
  }

  LimitMechanism limits() {
    return limits;
  }
}
