package dev.grove.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code bwrap} executable: where it is, its version, and which of the options grove uses that
 * version has.
 *
 * @param disableUserns whether it has {@code --disable-userns} (0.8.0): commands cannot create user
 *     namespaces of their own, a large part of the kernel's attack surface
 * @param tmpfsSize whether it has {@code --size} for tmpfs (0.7.0): the private /tmp and home are
 *     bounded
 */
record Bubblewrap(Path executable, String version, boolean disableUserns, boolean tmpfsSize) {
  static final String INSTALL =
      "Install it: `sudo apt-get install bubblewrap` (Debian, Ubuntu), "
          + "`sudo dnf install bubblewrap` (Fedora), `sudo pacman -S bubblewrap` (Arch)";
  static final String OR_NONE =
      "Or run commands unconfined with --sandbox none (grove warns every run).";
  static final String NAMESPACES_FIX =
      "Depending on the system: unprivileged user namespaces are off (Debian: "
          + "`sudo sysctl -w kernel.unprivileged_userns_clone=1`; anywhere: `sudo sysctl -w user.max_user_namespaces=15000`); "
          + "AppArmor restricts them (Ubuntu 23.10+: `sudo sysctl -w kernel.apparmor_restrict_unprivileged_userns=0`, "
          + "or an AppArmor profile for bwrap); or a container forbids them (Docker: --security-opt "
          + "seccomp=unconfined --security-opt apparmor=unconfined). "
          + OR_NONE;
  private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(10);
  private static final Pattern VERSION =
      Pattern.compile("bubblewrap (\\d+)\\.(\\d+)(?:\\.(\\d+))?.*");

  /** Finds bwrap on {@code env}'s PATH and asks for its version. */
  static Bubblewrap locate(Map<String, String> env) {
    String os = System.getProperty("os.name", "?");
    if (!os.toLowerCase(Locale.ROOT).contains("linux")) {
      throw new SandboxException.Unavailable(
          "the bubblewrap sandbox needs Linux, and this is " + os,
          "A container backend is planned. " + OR_NONE);
    }
    Path exe =
        Executables.find("bwrap", env.get("PATH"))
            .orElseThrow(
                () ->
                    new SandboxException.Unavailable(
                        "bubblewrap (bwrap) is not installed, or not on PATH",
                        INSTALL + ". " + OR_NONE));
    Execution.Outcome o =
        Execution.run(
            "bwrap --version",
            List.of(exe.toString(), "--version"),
            Map.of(),
            Path.of("/"),
            PROBE_TIMEOUT,
            4096,
            ProcessHandle::destroyForcibly);
    String text = o.stdout().text().strip();
    Matcher m = VERSION.matcher(text);
    if (o.exitCode() != 0 || !m.matches()) {
      throw new SandboxException.Unavailable(
          exe
              + " --version did not say which bubblewrap it is (exit "
              + o.exitCode()
              + ": "
              + (text + " " + o.stderr().text()).strip()
              + ")",
          "Reinstall it. " + INSTALL);
    }
    int major = Integer.parseInt(m.group(1));
    int minor = Integer.parseInt(m.group(2));
    int level = major * 1000 + minor;
    String version = m.group(1) + "." + m.group(2) + (m.group(3) == null ? "" : "." + m.group(3));
    // installed setuid (old distributions without user namespaces), bwrap refuses --size
    return new Bubblewrap(exe, version, level >= 8, level >= 7 && !setuid(exe));
  }

  private static boolean setuid(Path exe) {
    try {
      return ((Integer) Files.getAttribute(exe, "unix:mode") & 04000) != 0;
    } catch (IOException | UnsupportedOperationException e) {
      return false;
    }
  }

  /**
   * The options that make the sandbox: new user, PID, IPC, UTS, cgroup and (unless {@code network})
   * network namespaces; the unprivileged {@link SandboxUser} inside; no further user namespaces;
   * killed with grove; its own session (no terminal injection); no capabilities; an empty
   * environment.
   */
  List<String> isolation(boolean network) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--unshare-user",
                "--unshare-pid",
                "--unshare-ipc",
                "--unshare-uts",
                "--unshare-cgroup-try"));
    args.addAll(SandboxUser.bwrapArgs());
    if (!network) {
      args.add("--unshare-net");
    }
    if (disableUserns) {
      args.add("--disable-userns");
    }
    args.addAll(List.of("--die-with-parent", "--new-session", "--cap-drop", "ALL", "--clearenv"));
    return args;
  }

  /**
   * Runs {@code true} in the namespaces every command gets, or says why that is impossible here.
   */
  void probe(String path) {
    List<String> argv = new ArrayList<>(List.of(executable.toString()));
    argv.addAll(isolation(false));
    argv.addAll(
        List.of(
            "--ro-bind",
            "/",
            "/",
            "--proc",
            "/proc",
            "--dev",
            "/dev",
            "--setenv",
            "PATH",
            path == null ? "/usr/bin:/bin" : path,
            "--",
            "true"));
    Execution.Outcome o =
        Execution.run(
            "bwrap (probe)",
            argv,
            Map.of(),
            Path.of("/"),
            PROBE_TIMEOUT,
            8192,
            ProcessHandle::destroyForcibly);
    if (o.exitCode() != 0) {
      String stderr = o.stderr().text().strip();
      throw new SandboxException.Unavailable(
          "bubblewrap cannot create its namespaces here ("
              + (stderr.isEmpty() ? "exit " + o.exitCode() : stderr)
              + ")",
          NAMESPACES_FIX);
    }
  }

  String describe() {
    return "bubblewrap " + version + " (" + executable + ")";
  }
}
