package dev.grove.sandbox;

import dev.grove.fs.FileTree;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * What {@code grove doctor} asks of the sandbox: is bubblewrap here, can it run, which protections
 * are active (seen from inside a real sandboxed command, not assumed), how are limits enforced.
 */
public final class SandboxDoctor {
  public enum Status {
    OK,
    WARN,
    FAIL
  }

  /**
   * @param fix what to do, or empty when there is nothing to do
   */
  public record Finding(String name, Status status, String detail, String fix) {}

  private static final String AS_USER =
      "Run grove as an ordinary user: then commands are not root on the host either.";

  private SandboxDoctor() {}

  /**
   * Checks this machine, using {@code env}'s PATH to find the tools. Takes some tens of
   * milliseconds.
   */
  public static List<Finding> check(Map<String, String> env) {
    List<Finding> findings = new ArrayList<>();
    Bubblewrap bwrap;
    try {
      bwrap = Bubblewrap.locate(env);
    } catch (SandboxException.Unavailable e) {
      findings.add(new Finding("bubblewrap", Status.FAIL, e.problem(), e.fix()));
      return findings;
    }
    findings.add(
        bwrap.disableUserns()
            ? new Finding(
                "bubblewrap", Status.OK, bwrap.version() + " (" + bwrap.executable() + ")", "")
            : new Finding(
                "bubblewrap",
                Status.WARN,
                bwrap.version()
                    + " ("
                    + bwrap.executable()
                    + "): older than 0.8.0, "
                    + "so commands may create user namespaces of their own"
                    + (bwrap.tmpfsSize()
                        ? ""
                        : " and their private " + "/tmp and home are not bounded"),
                "Upgrade bubblewrap to 0.8.0 or newer (Debian 12, Ubuntu 24.04 have it)."));
    boolean probed;
    try {
      bwrap.probe(env.get("PATH"));
      findings.add(
          new Finding(
              "namespaces",
              Status.OK,
              "bubblewrap can create user, PID, network, IPC, UTS and cgroup namespaces here",
              ""));
      probed = true;
    } catch (SandboxException.Unavailable e) {
      findings.add(new Finding("namespaces", Status.FAIL, e.problem(), e.fix()));
      probed = false;
    }
    if (probed) {
      findings.addAll(protections(bwrap, env));
    }
    LimitMechanism limits = LimitMechanism.detect(env, Path.of("/proc"));
    findings.add(
        new Finding(
            "limits",
            limits instanceof LimitMechanism.Cgroups ? Status.OK : Status.WARN,
            limits.describe(),
            limits.advice().orElse("")));
    return findings;
  }

  /** The protections a real command sees: it reports its own status and mounts. */
  private static List<Finding> protections(Bubblewrap bwrap, Map<String, String> env) {
    Path dir;
    try {
      dir = Files.createTempDirectory("grove-doctor-");
    } catch (IOException e) {
      return List.of(
          new Finding(
              "protections",
              Status.WARN,
              "cannot make a directory to look from: " + e.getMessage(),
              "Check that java.io.tmpdir is writable."));
    }
    try {
      Path worktree = Files.createDirectories(dir.resolve("worktree"));
      SandboxPolicy policy =
          SandboxPolicy.standard(
              Files.createDirectories(dir.resolve("home")),
              Files.createDirectories(dir.resolve("grove-home")));
      BubblewrapSandbox sandbox =
          new BubblewrapSandbox(bwrap, policy, env, new LimitMechanism.Unenforced("doctor"));
      CommandResult r =
          sandbox.run(
              CommandRequest.of(
                  worktree,
                  Duration.ofSeconds(10),
                  "/bin/sh",
                  "-c",
                  "cat /proc/self/status; echo --; cat /proc/self/mountinfo"));
      String[] parts = r.stdout().text().split("\n--\n", 2);
      if (!r.succeeded() || parts.length != 2) {
        return List.of(
            new Finding(
                "protections",
                Status.FAIL,
                "a sandboxed command could not report them: " + r.stderr().text().strip(),
                "Run `grove sandbox run --dir . -- cat /proc/self/status` to see why."));
      }
      return findings(bwrap, status(parts[0]), readOnlyMounts(parts[1]), currentUid());
    } catch (IOException | SandboxException e) {
      return List.of(
          new Finding(
              "protections",
              Status.FAIL,
              "a sandboxed command could not report them: " + e.getMessage(),
              "Run `grove sandbox run --dir . -- true` to see why."));
    } finally {
      FileTree.deleteQuietly(dir);
    }
  }

  /**
   * The findings from what a command saw inside.
   *
   * @param status /proc/self/status inside, as name → value
   * @param readOnly the mount points inside, each with whether it is read-only (the last mount at
   *     each)
   */
  static List<Finding> findings(
      Bubblewrap bwrap, Map<String, String> status, Map<String, Boolean> readOnly, int groveUid) {
    List<Finding> out = new ArrayList<>();
    String uid = status.getOrDefault("Uid", "?").split("\\s+")[0];
    if (!uid.equals(Integer.toString(SandboxUser.UID))) {
      out.add(
          new Finding(
              "uid",
              Status.FAIL,
              "commands run as uid " + uid + " inside, not " + SandboxUser.UID,
              "Upgrade bubblewrap (grove needs --uid and --gid)."));
    } else if (groveUid == 0) {
      out.add(
          new Finding(
              "uid",
              Status.WARN,
              "commands run as uid "
                  + SandboxUser.UID
                  + " inside, without "
                  + "capabilities; but grove runs as root, so on the host they are root: root-only files the sandbox "
                  + "does not hide are readable",
              AS_USER));
    } else {
      out.add(
          new Finding(
              "uid",
              Status.OK,
              "commands run as uid "
                  + SandboxUser.UID
                  + " inside, without capabilities, and as your uid "
                  + groveUid
                  + " on the host",
              ""));
    }
    List<String> writable = new ArrayList<>();
    for (Path p :
        Stream.concat(KernelFiles.READ_ONLY.stream(), Stream.of(Path.of("/sys"))).toList()) {
      if (Files.exists(p) && !readOnly.getOrDefault(p.toString(), false)) {
        writable.add(p.toString());
      }
    }
    long hidden =
        KernelFiles.HIDDEN.stream().filter(p -> readOnly.containsKey(p.toString())).count();
    out.add(
        writable.isEmpty()
            ? new Finding(
                "kernel",
                Status.OK,
                "/proc/sys and the other host-wide /proc files and /sys read-only; "
                    + hidden
                    + " entries of /proc and /sys hidden (kernel memory, keys, timers, firmware)",
                "")
            : new Finding(
                "kernel",
                Status.FAIL,
                "writable inside: " + String.join(", ", writable),
                "Report this: grove mounts these read-only."));
    boolean filtered = status.getOrDefault("Seccomp", "0").equals("2");
    Optional<Seccomp.Arch> arch = Seccomp.Arch.of(System.getProperty("os.arch", ""));
    out.add(
        filtered
            ? new Finding(
                "seccomp",
                Status.OK,
                Seccomp.describe().substring("seccomp: ".length())
                    + ": loading kernel code, keyrings, BPF, perf, mounts, the clock, io_uring, new user namespaces",
                "")
            : new Finding(
                "seccomp",
                Status.WARN,
                arch.isEmpty()
                    ? Seccomp.describe().substring("seccomp: ".length())
                    : "no filter on commands (Seccomp: "
                        + status.getOrDefault("Seccomp", "?")
                        + ")",
                arch.isEmpty()
                    ? "Only the namespaces and read-only mounts protect the kernel here."
                    : "Report this."));
    out.add(
        bwrap.disableUserns() || filtered
            ? new Finding(
                "userns",
                Status.OK,
                "commands cannot create user namespaces ("
                    + (bwrap.disableUserns()
                        ? "--disable-userns" + (filtered ? " and seccomp" : "")
                        : "seccomp")
                    + ")",
                "")
            : new Finding(
                "userns",
                Status.WARN,
                "commands can create user namespaces of their own",
                "Upgrade bubblewrap to 0.8.0 or newer."));
    return out;
  }

  /** /proc/self/status as name → value. */
  static Map<String, String> status(String text) {
    Map<String, String> fields = new HashMap<>();
    text.lines()
        .forEach(
            line -> {
              int colon = line.indexOf(':');
              if (colon > 0) {
                fields.put(line.substring(0, colon), line.substring(colon + 1).strip());
              }
            });
    return fields;
  }

  /** Each mount point of a mountinfo text, with whether its last mount is read-only. */
  static Map<String, Boolean> readOnlyMounts(String mountinfo) {
    Map<String, Boolean> mounts = new HashMap<>();
    mountinfo
        .lines()
        .forEach(
            line -> {
              String[] f = line.split(" ");
              if (f.length > 5) {
                mounts.put(f[4].replace("\\040", " "), List.of(f[5].split(",")).contains("ro"));
              }
            });
    return mounts;
  }

  private static int currentUid() {
    try {
      return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return -1;
    }
  }
}
