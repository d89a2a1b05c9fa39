package dev.grove.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Root stays out of the kernel: whoever runs grove, commands are uid 65534 inside, the host-wide
 * files of /proc and /sys cannot be written (or, for kernel memory, keys and firmware, read), and
 * the seccomp filter denies the system calls that reach the whole kernel. Each case runs twice,
 * because bubblewrap behaves differently for each: as grove's own user (root, when the tests run as
 * root) and as an unprivileged user (bwrap started through {@code setpriv}).
 *
 * <p>Nothing here writes a real /proc/sys file: writability is asked of the kernel ({@code test
 * -w}, which is access(2)) and read from the mount table.
 */
class KernelContainmentTest {
  enum Grove {
    AS_IT_RUNS,
    UNPRIVILEGED
  }

  static final boolean ROOT = "root".equals(System.getProperty("user.name"));
  static Path base;
  static Path worktree;
  static Map<Grove, BubblewrapSandbox> sandboxes = new EnumMap<>(Grove.class);

  @BeforeAll
  static void setUp() throws IOException {
    Files.createDirectories(Fixture.ROOT);
    base =
        Files.createTempDirectory(
                Fixture.ROOT,
                "kernel-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")))
            .toRealPath();
    worktree = Files.createDirectories(base.resolve("worktree"));
    if (ROOT) {
      Files.setAttribute(
          worktree, "unix:uid", SandboxUser.UID); // the unprivileged user's own, as a worktree is
    }
    Path home = Files.createDirectories(base.resolve("home"));
    Path groveHome = Files.createDirectories(base.resolve("grove-home"));
    Map<String, String> env = Map.of("PATH", "/usr/local/bin:/usr/bin:/bin", "LANG", "C.UTF-8");
    BubblewrapSandbox sandbox =
        BubblewrapSandbox.create(SandboxPolicy.standard(home, groveHome), env);
    sandboxes.put(Grove.AS_IT_RUNS, sandbox);
    if (ROOT) {
      Path setpriv = Executables.find("setpriv", "/usr/bin:/bin").orElseThrow();
      sandboxes.put(
          Grove.UNPRIVILEGED,
          sandbox.launchedBy(
              List.of(
                  setpriv.toString(),
                  "--reuid=" + SandboxUser.UID,
                  "--regid=" + SandboxUser.GID,
                  "--clear-groups")));
    }
  }

  @AfterAll
  static void tearDown() throws IOException {
    Fixture.deleteTree(base);
  }

  static BubblewrapSandbox sandbox(Grove grove) {
    assumeTrue(
        sandboxes.containsKey(grove),
        "the tests run unprivileged already: AS_IT_RUNS is that case");
    return sandboxes.get(grove);
  }

  static CommandResult sh(Sandbox sandbox, String script) {
    return sandbox.run(
        CommandRequest.of(worktree, Duration.ofSeconds(30), "/bin/sh", "-c", script));
  }

  @ParameterizedTest
  @EnumSource(Grove.class)
  void commandsRunAsUid65534WithTheirHomeInTheUserDatabase(Grove grove) {
    CommandResult r =
        sh(
            sandbox(grove),
            "id -u; id -g; getent passwd 65534 | cut -d: -f6; "
                + "grep -E '^(CapEff|CapBnd)' /proc/self/status");
    assertThat(r.stdout().text().lines().toList())
        .containsExactly(
            "65534",
            "65534",
            base.resolve("home").toString(),
            "CapEff:\t0000000000000000",
            "CapBnd:\t0000000000000000");
  }

  @ParameterizedTest
  @EnumSource(Grove.class)
  void kernelSettingsAndTriggersAreReadOnly(Grove grove) {
    List<String> files =
        Stream.of(
                "/proc/sys/kernel/core_pattern",
                "/proc/sys/kernel/modprobe",
                "/proc/sys/vm/drop_caches",
                "/proc/sys/kernel/sysrq",
                "/proc/sysrq-trigger")
            .filter(f -> Files.exists(Path.of(f)))
            .toList();
    StringBuilder script = new StringBuilder();
    for (String file : files) {
      script
          .append("test -w ")
          .append(file)
          .append(" && echo 'writable ")
          .append(file)
          .append("'; ");
    }
    CommandResult r = sh(sandbox(grove), script + "echo --; cat /proc/self/mountinfo");
    String[] parts = r.stdout().text().split("--\n", 2);
    assertThat(parts[0]).isEmpty();
    Map<String, Boolean> readOnly = SandboxDoctor.readOnlyMounts(parts[1]);
    for (Path p : KernelFiles.READ_ONLY) {
      if (Files.exists(p)) {
        assertThat(readOnly.get(p.toString())).as(p + " read-only in mountinfo").isTrue();
      }
    }
    assertThat(readOnly.get("/sys")).as("/sys read-only").isTrue();
    assertThat(files).contains("/proc/sys/kernel/core_pattern");
  }

  @ParameterizedTest
  @EnumSource(Grove.class)
  void kernelMemoryKeysTimersAndFirmwareCannotBeRead(Grove grove) throws IOException {
    List<String> present = new ArrayList<>();
    for (String f : List.of("/proc/kallsyms", "/proc/timer_list", "/proc/keys", "/proc/kcore")) {
      if (Files.isReadable(Path.of(f))) {
        present.add(f);
      }
    }
    assertThat(present).as("something to hide on this host").isNotEmpty();
    CommandResult r =
        sh(
            sandbox(grove),
            "cat "
                + String.join(" ", present)
                + " 2>/dev/null | wc -c; "
                + "ls -A /sys/firmware | wc -l");
    assertThat(r.stdout().text().lines().map(String::strip).toList()).containsExactly("0", "0");
  }

  @ParameterizedTest
  @EnumSource(Grove.class)
  void rootsSecretFilesAreHiddenEvenWhenGroveIsRoot(Grove grove) {
    assumeTrue(Files.exists(Path.of("/etc/shadow")), "no /etc/shadow here");
    CommandResult r = sh(sandbox(grove), "cat /etc/shadow; echo done");
    assertThat(r.stdout().text()).isEqualTo("done\n");
  }

  @ParameterizedTest
  @EnumSource(Grove.class)
  void seccompDeniesTheCallsThatReachTheWholeKernel(Grove grove) {
    Path python = python();
    BubblewrapSandbox sandbox = sandbox(grove);
    Map<String, Integer> with = errnos(sandbox, python);
    assertThat(with)
        .containsEntry("keyctl", 1)
        .containsEntry("add_key", 1)
        .containsEntry("bpf", 1)
        .containsEntry("perf_event_open", 1)
        .containsEntry("io_uring_setup", 1)
        .containsEntry("userfaultfd", 1)
        .containsEntry("mount", 1)
        .containsEntry("unshare_user", 1)
        .containsEntry("personality_no_aslr", 1)
        .containsEntry("clone3", 38)
        .containsEntry("seccomp_mode", 2);
    // the same calls without the filter: it is the filter that refuses them, not a missing
    // privilege
    Map<String, Integer> without = errnos(sandbox.withoutSeccomp(), python);
    assertThat(without.get("keyctl")).isNotEqualTo(1);
    assertThat(without.get("personality_no_aslr")).isZero();
    assertThat(without.get("clone3")).isNotEqualTo(38);
  }

  @ParameterizedTest
  @EnumSource(Grove.class)
  void noNewUserNamespaceEvenThroughUnshare(Grove grove) {
    CommandResult r = sh(sandbox(grove), "unshare --user --map-root-user id -u && echo unshared");
    assertThat(r.stdout().text()).doesNotContain("unshared");
    assertThat(r.stderr().text()).contains("Operation not permitted");
  }

  @ParameterizedTest
  @EnumSource(Grove.class)
  void theFilesHandedToBwrapAreNeitherOpenInsideNorLeftBehind(Grove grove) throws IOException {
    Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
    List<Path> before = leftovers(tmp);
    CommandResult r = sh(sandbox(grove), "ls /proc/$$/fd");
    assertThat(r.stdout().text().lines().toList()).containsExactly("0", "1", "2");
    assertThat(leftovers(tmp)).isEqualTo(before);
  }

  static List<Path> leftovers(Path tmp) throws IOException {
    try (Stream<Path> files = Files.list(tmp)) {
      return files
          .filter(p -> p.getFileName().toString().startsWith("grove-sandbox-"))
          .sorted()
          .toList();
    }
  }

  /** Each call's errno (0: it succeeded) from inside {@code sandbox}, made through ctypes. */
  static Map<String, Integer> errnos(Sandbox sandbox, Path python) {
    Seccomp.Arch arch = Seccomp.Arch.of(System.getProperty("os.arch")).orElseThrow();
    String script =
        """
        import ctypes
        libc = ctypes.CDLL(None, use_errno=True)
        libc.syscall.restype = ctypes.c_long
        buf = ctypes.create_string_buffer(512)
        p = ctypes.addressof(buf)
        def call(name, nr, *args):
            ctypes.set_errno(0)
            r = libc.syscall(ctypes.c_long(nr), *[ctypes.c_long(a) for a in args])
            print(name, 0 if r >= 0 else ctypes.get_errno())
        call("keyctl", %d, 0, -3, 0)
        call("add_key", %d, 0, 0, 0, 0, 0)
        call("bpf", %d, 0, p, 0)
        call("perf_event_open", %d, p, 0, -1, -1, 0)
        call("io_uring_setup", %d, 1, p)
        call("userfaultfd", %d, 1)
        call("mount", %d, 0, 0, 0, 0, 0)
        call("unshare_user", %d, 0x10000000)
        call("personality_no_aslr", %d, 0x40000)
        call("clone3", %d, p, 0)
        print("seccomp_mode", [l.split()[1] for l in open("/proc/self/status") if l.startswith("Seccomp:")][0])
        """
            .formatted(
                Seccomp.Call.KEYCTL.number(arch),
                Seccomp.Call.ADD_KEY.number(arch),
                Seccomp.Call.BPF.number(arch),
                Seccomp.Call.PERF_EVENT_OPEN.number(arch),
                Seccomp.Call.IO_URING_SETUP.number(arch),
                Seccomp.Call.USERFAULTFD.number(arch),
                Seccomp.Call.MOUNT.number(arch),
                Seccomp.Call.UNSHARE.number(arch),
                Seccomp.Call.PERSONALITY.number(arch),
                Seccomp.Call.CLONE3.number(arch));
    CommandResult r =
        sandbox.run(
            CommandRequest.of(worktree, Duration.ofSeconds(30), python.toString(), "-c", script));
    assertThat(r.succeeded()).as(r.stderr().text()).isTrue();
    Map<String, Integer> errnos = new HashMap<>();
    r.stdout()
        .text()
        .lines()
        .map(l -> l.split(" "))
        .forEach(f -> errnos.put(f[0], Integer.parseInt(f[1])));
    return errnos;
  }

  static Path python() {
    Optional<Path> python = Executables.find("python3", "/usr/bin:/bin:/usr/local/bin");
    assumeTrue(
        python.isPresent(),
        "python3 is not installed: the system calls are made through its ctypes");
    assumeTrue(
        Seccomp.Arch.of(System.getProperty("os.arch")).isPresent(),
        "no seccomp filter for this architecture");
    return python.get();
  }
}
