package dev.grove.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CommandRequestTest {
  static final Path WT = Path.of("/work/wt");
  static final Duration T = Duration.ofSeconds(1);

  @Test
  void aRequestIsValidatedWhenMade() {
    assertThatThrownBy(() -> CommandRequest.of(Path.of("relative"), T, "true"))
        .hasMessageContaining("absolute");
    assertThatThrownBy(() -> CommandRequest.of(WT, T, List.of()))
        .hasMessageContaining("no command");
    assertThatThrownBy(() -> CommandRequest.of(WT, Duration.ZERO, "true"))
        .hasMessageContaining("positive");
    assertThatThrownBy(() -> CommandRequest.of(WT, T, "echo", "a\0b")).hasMessageContaining("NUL");
    assertThatThrownBy(() -> CommandRequest.of(WT, T, "true").withEnvironment(Map.of("A=B", "x")))
        .hasMessageContaining("not a valid environment variable name: 'A=B'");
  }

  @Test
  void theDirectoryMustStayInsideTheWorktree() {
    assertThatThrownBy(() -> CommandRequest.of(WT, T, "true").inDirectory(Path.of("a/../../etc")))
        .hasMessageContaining("inside it");
    assertThatThrownBy(() -> CommandRequest.of(WT, T, "true").inDirectory(Path.of("/etc")))
        .hasMessageContaining("relative");
    assertThat(
            CommandRequest.of(WT, T, "true").inDirectory(Path.of("a/./b/../c")).workingDirectory())
        .isEqualTo(Path.of("/work/wt/a/c"));
  }

  @Test
  void sizesParseWithBinaryUnits() {
    assertThat(SandboxPolicy.Limits.parseSize("65536")).isEqualTo(65536);
    assertThat(SandboxPolicy.Limits.parseSize("256k")).isEqualTo(256 << 10);
    assertThat(SandboxPolicy.Limits.parseSize("4G")).isEqualTo(4L << 30);
    assertThat(SandboxPolicy.Limits.parseSize("512MiB")).isEqualTo(512L << 20);
    assertThatThrownBy(() -> SandboxPolicy.Limits.parseSize("lots"))
        .hasMessageContaining("not a size: 'lots'");
  }

  @Test
  void thePolicyPassesOnlyAllowlistedVariables() {
    SandboxPolicy p = SandboxPolicy.standard(Path.of("/home/u"), Path.of("/home/u/.grove"));
    assertThat(
            p.passedFrom(
                Map.of(
                    "PATH", "/bin", "LC_ALL", "C", "OPENAI_API_KEY", "sk", "LD_PRELOAD", "x.so")))
        .containsOnlyKeys("PATH", "LC_ALL");
    assertThatThrownBy(() -> p.withPassEnv(List.of("A B")))
        .hasMessageContaining("not a variable name");
    assertThatThrownBy(() -> p.withHidden(List.of(Path.of("/"))))
        .hasMessageContaining("cannot be /");
  }
}
