package dev.grove.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code --sandbox none}: no confinement, but the allowlist, timeout and caps still hold, and it
 * says so.
 */
class UnconfinedSandboxTest {
  static Fixture f;
  static Sandbox none;

  @BeforeAll
  static void setUp() throws IOException {
    f = Fixture.create();
    none = Sandboxes.create(Backend.NONE, f.policy(), f.env());
  }

  @AfterAll
  static void tearDown() throws IOException {
    f.close();
  }

  @Test
  void itWarnsThatCommandsAreNotConfined() {
    assertThat(none.backend()).isEqualTo(Backend.NONE);
    assertThat(none.warning()).hasValueSatisfying(w -> assertThat(w).contains("WITHOUT a sandbox"));
  }

  @Test
  void commandsRunDirectlyWithTheAllowlistedEnvironmentOnly() throws IOException {
    CommandResult r =
        none.run(
            CommandRequest.of(
                f.worktree,
                Duration.ofSeconds(10),
                "sh",
                "-c",
                "env; echo reached > " + f.outside.resolve("unconfined.txt")));
    assertThat(r.succeeded()).as(r.stderr().text()).isTrue();
    assertThat(r.stdout().text())
        .contains("GROVE_SANDBOX=none")
        .contains("LANG=C.UTF-8")
        .doesNotContain(Fixture.API_KEY)
        .doesNotContain(Fixture.TOKEN);
    assertThat(Files.readString(f.outside.resolve("unconfined.txt"))).isEqualTo("reached\n");
  }

  @Test
  void theTimeoutStillKillsTheCommandAndItsChildren() throws Exception {
    String marker = "4545." + Math.abs(UUID.randomUUID().getLeastSignificantBits() % 100000);
    CommandResult r =
        none.run(
            CommandRequest.of(
                f.worktree,
                Duration.ofMillis(500),
                "sh",
                "-c",
                "sh -c 'trap \"\" TERM; sleep " + marker + "' & wait"));
    assertThat(r.timedOut()).isTrue();
    assertThat(Fixture.survivors("sleep " + marker)).isEmpty();
  }

  @Test
  void aMissingProgramIsExit127() {
    CommandResult r =
        none.run(CommandRequest.of(f.worktree, Duration.ofSeconds(10), "no-such-program-4f1c"));
    assertThat(r.exitCode()).isEqualTo(127);
    assertThat(r.stderr().text()).contains("command not found: no-such-program-4f1c");
  }
}
