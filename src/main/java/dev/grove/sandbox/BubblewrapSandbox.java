package dev.grove.sandbox;

import dev.grove.sandbox.MountPlan.Kind;
import java.io.IOException;
import java.nio.file.Files;
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
 *   <li>Files: the host root read-only; /tmp, /var/tmp and the home directory private and empty; /run
 *       hidden (unix sockets such as Docker's or D-Bus's stay connectable through a read-only mount, and
 *       most live there); the policy's hidden paths, the repository's main working tree and its other
 *       worktrees hidden; the worktree's git metadata read-only, other worktrees' entries in it hidden;
 *       the worktree read-write. See {@link MountPlan} for how the rules nest.
 *   <li>Namespaces: new user, PID, IPC, UTS, cgroup and network (unless asked for); no capabilities; no
 *       new user namespaces inside; a new session (no typing into grove's terminal).
 *   <li>Lifetime: the sandbox's PID 1 is killed when bwrap is, and bwrap when grove is; when the
 *       command's first process exits or times out, the whole PID namespace goes, grandchildren that
 *       ignore SIGTERM or detached themselves included.
 *   <li>Limits: see {@link LimitMechanism}.
 * </ul>
 */
final class BubblewrapSandbox implements Sandbox {
  private static final Path PROC = Path.of("/proc");

  private final Bubblewrap bwrap;
  private final SandboxPolicy policy;
  private final Map<String, String> hostEnv;
  private final LimitMechanism limits;

  BubblewrapSandbox(Bubblewrap bwrap, SandboxPolicy policy, Map<String, String> hostEnv, LimitMechanism limits) {
    this.bwrap = bwrap;
    this.policy = policy;
    this.hostEnv = Map.copyOf(hostEnv);
    this.limits = limits;
  }

  static BubblewrapSandbox create(SandboxPolicy policy, Map<String, String> hostEnv) {
    Bubblewrap bwrap = Bubblewrap.locate(hostEnv);
    bwrap.probe(hostEnv.get("PATH"));
    return new BubblewrapSandbox(bwrap, policy, hostEnv, LimitMechanism.detect(hostEnv, PROC));
  }

  @Override
  public CommandResult run(CommandRequest request) {
    Path worktree = realDirectory(request.worktree(), "worktree");
    if (worktree.getNameCount() == 0) {
      throw new SandboxException.SetupFailed("refusing to use / as a worktree: the whole host would be writable");
    }
    Path cwd = worktree.resolve(request.directory());
    if (!Files.isDirectory(cwd)) {
      throw new SandboxException.NoSuchDirectory("the directory " + request.directory() + " does not exist in "
          + worktree);
    }
    List<String> argv = new ArrayList<>(List.of(bwrap.executable().toString()));
    argv.addAll(bwrap.isolation(request.network()));
    argv.addAll(List.of("--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc"));
    argv.addAll(plan(worktree, GitLayout.of(worktree), request.network())
        .bwrapArgs(bwrap.tmpfsSize() ? policy.limits().maxMemoryBytes() : 0));
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

    Optional<Cgroup> cgroup = limits instanceof LimitMechanism.Cgroups c
        ? Optional.of(Cgroup.create(c, LimitMechanism.newCgroupName(), policy.limits()))
        : Optional.empty();
    try {
      List<String> launch = new ArrayList<>(cgroup.map(Cgroup::joinPrefix).orElse(List.of()));
      launch.addAll(argv);
      Execution.Outcome o = Execution.run(request.command().get(0), launch, Map.of(), worktree,
          request.timeout(), policy.limits().maxOutputBytes(), p -> {
            cgroup.ifPresent(Cgroup::killAll);
            p.destroyForcibly(); // bwrap; its PID 1 follows (PR_SET_PDEATHSIG), taking the namespace along
          });
      return result(o, cgroup.map(Cgroup::reached).orElse(Set.of()));
    } finally {
      cgroup.ifPresent(Cgroup::close);
    }
  }

  /** The command's view of the file system; see {@link MountPlan} for how the rules nest. */
  private MountPlan plan(Path worktree, GitLayout git, boolean network) {
    MountPlan plan = new MountPlan();
    plan.add(Kind.PRIVATE, Path.of("/tmp"));
    plan.add(Kind.PRIVATE, Path.of("/var/tmp"));
    plan.add(Kind.PRIVATE, real(policy.home()));
    plan.add(Kind.HIDDEN, real(Path.of("/run")));
    policy.hidden().forEach(p -> plan.add(Kind.HIDDEN, real(p)));
    policy.readOnly().forEach(p -> plan.add(Kind.READ_ONLY, real(p)));
    Kind gitKind = switch (policy.git()) {
      case READ_ONLY -> Kind.READ_ONLY;
      case HIDDEN -> Kind.HIDDEN;
    };
    switch (git) {
      case GitLayout.None n -> { }
      case GitLayout.Unrecognized u -> plan.add(Kind.HIDDEN, u.pointer());
      case GitLayout.Checkout c -> plan.add(gitKind, c.gitDir());
      case GitLayout.Linked l -> {
        plan.add(gitKind, l.pointer());
        plan.add(gitKind, l.commonDir());
        if (gitKind == Kind.READ_ONLY) {
          plan.add(Kind.HIDDEN, l.commonDir().resolve("worktrees")); // other agents' index and HEAD
          plan.add(Kind.READ_ONLY, l.privateDir());
        }
      }
    }
    // The user's own checkout (uncommitted work, .env files) and grove's state in it are no agent's
    // business, nor are the repository's other worktrees, wherever they are (other agents' work).
    git.mainWorktree().ifPresent(main -> {
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
   * The outcome as a result, or an exception if it was the sandbox that failed. bwrap reports its own
   * failures as exit 1 with one "bwrap: " line and nothing on stdout; a failure to exec the command
   * ("bwrap: execvp …") is the command's, with the shell's codes: 127 not found, 126 not executable.
   */
  private static CommandResult result(Execution.Outcome o, Set<CommandResult.Limit> reached) {
    String err = o.stderr().text();
    if (o.exitCode() == 125 && err.startsWith(Cgroup.JOIN_FAILED)) {
      throw new SandboxException.SetupFailed(err.strip() + " (`grove doctor` checks the limits setup)");
    }
    int exit = o.exitCode();
    boolean bwrapMessage = exit == 1 && o.stdout().text().isEmpty() && !o.stderr().truncated()
        && err.startsWith("bwrap: ") && err.strip().lines().count() == 1;
    if (bwrapMessage && !o.timedOut()) {
      if (!err.startsWith("bwrap: execvp ")) {
        throw new SandboxException.SetupFailed("bubblewrap could not set up the sandbox: " + err.strip());
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
    throw new SandboxException.NoSuchDirectory("the " + what + " " + dir + " does not exist or is not a directory");
  }

  /** The path with symlinks resolved, so it names the same thing inside as outside; as given if missing. */
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
    return bwrap.describe() + (bwrap.disableUserns() ? "" : ", without --disable-userns (needs 0.8.0)")
        + "; " + limits.describe();
  }

  @Override
  public Optional<String> warning() {
    return Optional.empty();
  }

  LimitMechanism limits() {
    return limits;
  }
}
