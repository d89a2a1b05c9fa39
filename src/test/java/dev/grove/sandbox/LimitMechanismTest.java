package dev.grove.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How the limit mechanism is chosen where no cgroup can be made, read from a /proc laid out the way
 * the kernel lays it out (the choice itself is a function of those files), and parsing of real
 * mountinfo lines.
 */
class LimitMechanismTest {
  @TempDir Path dir;

  Path proc(String uid, String kernel) throws IOException {
    Path proc = dir.resolve("proc");
    Files.createDirectories(proc.resolve("self"));
    Files.createDirectories(proc.resolve("sys/kernel"));
    Files.writeString(
        proc.resolve("self/mountinfo"), "22 1 0:21 / /proc rw,nosuid - proc proc rw\n");
    Files.writeString(proc.resolve("self/cgroup"), "0::/user.slice\n");
    Files.writeString(
        proc.resolve("self/status"),
        "Name:\tjava\nUid:\t" + uid + "\t" + uid + "\t" + uid + "\t" + uid + "\n");
    Files.writeString(proc.resolve("sys/kernel/osrelease"), kernel + "\n");
    return proc;
  }

  Map<String, String> pathWithPrlimit() throws IOException {
    Path bin = Files.createDirectories(dir.resolve("bin"));
    Path prlimit = Files.writeString(bin.resolve("prlimit"), "#!/bin/sh\n");
    prlimit.toFile().setExecutable(true);
    return Map.of("PATH", bin.toString());
  }

  @Test
  void withoutCgroupsAUserOnARecentKernelGetsRlimitsForBoth() throws IOException {
    LimitMechanism m = LimitMechanism.detect(pathWithPrlimit(), proc("1000", "6.1.0-13-amd64"));
    assertThat(m).isInstanceOf(LimitMechanism.Rlimits.class);
    assertThat(m.capsProcesses()).isTrue();
    assertThat(m.describe())
        .contains("RLIMIT_NPROC in the sandbox's user namespace")
        .contains("per process");
    assertThat(m.advice()).isPresent();
  }

  @Test
  void rootWithoutCgroupsHasNoProcessCapAndIsToldWhy() throws IOException {
    LimitMechanism m = LimitMechanism.detect(pathWithPrlimit(), proc("0", "6.1.0"));
    assertThat(m.capsProcesses()).isFalse();
    assertThat(m.describe()).contains("root is exempt from RLIMIT_NPROC");
  }

  @Test
  void anOldKernelHasNoProcessCap() throws IOException {
    LimitMechanism m = LimitMechanism.detect(pathWithPrlimit(), proc("1000", "5.10.0-28-amd64"));
    assertThat(m.capsProcesses()).isFalse();
    assertThat(m.describe()).contains("before Linux 5.14");
  }

  @Test
  void withoutPrlimitNothingIsCappedAndTheFixSaysWhatToInstall() throws IOException {
    LimitMechanism m = LimitMechanism.detect(Map.of("PATH", dir.toString()), proc("1000", "6.1.0"));
    assertThat(m).isInstanceOf(LimitMechanism.Unenforced.class);
    assertThat(m.advice()).hasValueSatisfying(a -> assertThat(a).contains("util-linux"));
  }

  @Test
  void mountinfoLinesMapOurCgroupToItsDirectory() throws IOException {
    // the hierarchy's /app is what is mounted at cg/memory, so our /app/job is cg/memory/job
    Path mnt = Files.createDirectories(dir.resolve("cg/memory/job"));
    String line =
        "35 31 0:32 /app " + dir.resolve("cg/memory") + " rw,relatime - cgroup cgroup rw,memory";
    LimitMechanism.CgroupMount m = LimitMechanism.CgroupMount.parse(line).orElseThrow();
    assertThat(m.v2()).isFalse();
    assertThat(m.controllers()).contains("memory");
    assertThat(m.directory("/app/job")).contains(mnt);
    assertThat(m.directory("/other")).isEmpty();
    assertThat(LimitMechanism.CgroupMount.parse("22 1 0:21 / /proc rw - proc proc rw")).isEmpty();
    assertThat(
            LimitMechanism.CgroupMount.parse(
                "41 31 0:38 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw"))
        .map(LimitMechanism.CgroupMount::v2)
        .isEqualTo(Optional.of(true));
  }
}
