package dev.grove.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.grove.sandbox.SandboxDoctor.Finding;
import dev.grove.sandbox.SandboxDoctor.Status;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How the doctor reads what a sandboxed command reports of itself. */
class SandboxDoctorTest {
  static final Bubblewrap BWRAP = new Bubblewrap(Path.of("/usr/bin/bwrap"), "0.8.0", true, true);
  static final String STATUS = "Name:\tsh\nUid:\t65534\t65534\t65534\t65534\nSeccomp:\t2\n";

  static String mountinfo(String procSysOptions) {
    return """
        64 1 0:20 / / ro,nosuid - ext4 /dev/sda rw
        67 64 0:21 / /sys ro,nosuid,nodev,relatime - sysfs sysfs rw
        92 66 0:41 / /proc rw,nosuid,nodev,noexec,relatime - proc proc rw
        95 92 0:20 /sys /proc/sys %s - proc proc rw
        96 92 0:20 /bus /proc/bus ro,nosuid - proc proc rw
        97 92 0:20 /fs /proc/fs ro,nosuid - proc proc rw
        98 92 0:20 /irq /proc/irq ro,nosuid - proc proc rw
        99 92 0:20 /irq /proc/sysrq-trigger ro,nosuid - proc proc rw
        """
        .formatted(procSysOptions);
  }

  static Finding named(List<Finding> findings, String name) {
    return findings.stream().filter(f -> f.name().equals(name)).findFirst().orElseThrow();
  }

  @Test
  void allProtectionsSeenFromInsideAreOkForAnOrdinaryUser() {
    List<Finding> f =
        SandboxDoctor.findings(
            BWRAP,
            SandboxDoctor.status(STATUS),
            SandboxDoctor.readOnlyMounts(mountinfo("ro,nosuid,nodev")),
            1000);
    assertThat(f).extracting(Finding::name).containsExactly("uid", "kernel", "seccomp", "userns");
    assertThat(f).allSatisfy(x -> assertThat(x.status()).as(x.toString()).isEqualTo(Status.OK));
    assertThat(named(f, "uid").detail())
        .contains("uid 65534 inside")
        .contains("your uid 1000 on the host");
    assertThat(named(f, "userns").detail()).contains("--disable-userns and seccomp");
  }

  @Test
  void groveAsRootIsAWarningThatSaysWhatStillHolds() {
    Finding uid =
        named(
            SandboxDoctor.findings(
                BWRAP,
                SandboxDoctor.status(STATUS),
                SandboxDoctor.readOnlyMounts(mountinfo("ro")),
                0),
            "uid");
    assertThat(uid.status()).isEqualTo(Status.WARN);
    assertThat(uid.detail()).contains("grove runs as root");
    assertThat(uid.fix()).contains("ordinary user");
  }

  @Test
  void aWritableProcSysOrAMissingFilterIsReported() {
    List<Finding> f =
        SandboxDoctor.findings(
            new Bubblewrap(Path.of("/usr/bin/bwrap"), "0.6.1", false, true),
            SandboxDoctor.status(STATUS.replace("Seccomp:\t2", "Seccomp:\t0")),
            SandboxDoctor.readOnlyMounts(mountinfo("rw,nosuid")),
            1000);
    if (Files.exists(Path.of("/proc/sys"))) {
      assertThat(named(f, "kernel").status()).isEqualTo(Status.FAIL);
      assertThat(named(f, "kernel").detail()).contains("writable inside: /proc/sys");
    }
    assertThat(named(f, "seccomp").status()).isEqualTo(Status.WARN);
    assertThat(named(f, "userns").status()).isEqualTo(Status.WARN);
  }

  @Test
  void theRealCheckSeesEveryProtectionHere() {
    List<Finding> f = SandboxDoctor.check(Map.of("PATH", "/usr/bin:/bin"));
    assertThat(f)
        .extracting(Finding::name)
        .containsExactly(
            "bubblewrap", "namespaces", "uid", "kernel", "seccomp", "userns", "limits");
    assertThat(named(f, "kernel").status()).isEqualTo(Status.OK);
    assertThat(named(f, "userns").status()).isEqualTo(Status.OK);
  }
}
