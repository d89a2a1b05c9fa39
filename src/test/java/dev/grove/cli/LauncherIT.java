package dev.grove.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real {@code ./grove} script and jar, as a user runs them (after {@code mvn package}). */
class LauncherIT {
  static final Path ROOT = Path.of("").toAbsolutePath();

  record Run(int exit, String out, String err) {}

  static Run grove(Map<String, String> env, String... args)
      throws IOException, InterruptedException {
    List<String> cmd = new java.util.ArrayList<>(List.of(ROOT.resolve("grove").toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(ROOT.toFile());
    env.forEach(
        (k, v) -> {
          if (v == null) {
            pb.environment().remove(k);
          } else {
            pb.environment().put(k, v);
          }
        });
    Process p = pb.start();
    byte[] out = p.getInputStream().readAllBytes();
    byte[] err = p.getErrorStream().readAllBytes();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    return new Run(
        p.exitValue(),
        new String(out, StandardCharsets.UTF_8),
        new String(err, StandardCharsets.UTF_8));
  }

  @Test
  void versionAndHelpRun() throws Exception {
    Run v = grove(Map.of(), "--version");
    assertThat(v.exit()).as(v.err()).isZero();
    assertThat(v.out()).startsWith("grove ").contains("Java ");
    Run h = grove(Map.of(), "--help");
    assertThat(h.exit()).isZero();
    assertThat(h.out()).contains("Usage: grove").contains("session").contains("demo");
  }

  @Test
  void sessionCommandsWorkThroughTheLauncher(@TempDir Path dir) throws Exception {
    String file = dir.resolve("s.jsonl").toString();
    assertThat(grove(Map.of(), "session", "new", file).exit()).isZero();
    Run a =
        grove(
            Map.of(),
            "session",
            "append",
            file,
            "--lane",
            "main",
            "--role",
            "user",
            "--content",
            "hi");
    assertThat(a.exit()).as(a.err()).isZero();
    Run t = grove(Map.of(), "session", "tree", file);
    assertThat(t.out()).contains(a.out().strip()).contains("user: hi");
    Run bad = grove(Map.of(), "session", "tree", dir.resolve("none.jsonl").toString());
    assertThat(bad.exit()).isEqualTo(3);
    assertThat(bad.err()).contains("does not exist").doesNotContain("Exception");
  }

  @Test
  void sandboxRunAndDoctorWorkThroughTheLauncher(@TempDir Path dir) throws Exception {
    Run r =
        grove(
            Map.of(),
            "sandbox",
            "run",
            "--dir",
            dir.toString(),
            "--",
            "sh",
            "-c",
            "echo inside; exit 4");
    assertThat(r.exit()).as(r.err()).isEqualTo(4);
    assertThat(r.out()).isEqualTo("inside\n");
    Run d = grove(Map.of(), "doctor");
    assertThat(d.exit()).as(d.out() + d.err()).isZero();
    assertThat(d.out()).contains("bubblewrap").contains("grove can run here.");
  }

  @Test
  void saysClearlyWhenNoSuitableJdkExists(@TempDir Path dir) throws Exception {
    // a fake JDK 17 home is all there is
    Path old = dir.resolve("jdk-17");
    Files.createDirectories(old.resolve("bin"));
    Files.writeString(old.resolve("release"), "JAVA_VERSION=\"17.0.9\"\n");
    Path java = old.resolve("bin/java");
    Files.writeString(java, "#!/bin/sh\necho 'openjdk version \"17.0.9\"' >&2\n");
    java.toFile().setExecutable(true);
    Map<String, String> env = new java.util.HashMap<>();
    env.put("GROVE_JDK_DIRS", old.toString());
    env.put("JAVA_HOME", old.toString());
    env.put("GROVE_JAVA_HOME", null);
    env.put("PATH", old.resolve("bin") + ":/usr/bin:/bin");
    Run r = grove(env, "--version");
    assertThat(r.exit()).isEqualTo(5);
    assertThat(r.err()).contains("needs a JDK 21 or newer").contains("set JAVA_HOME");
  }
}
