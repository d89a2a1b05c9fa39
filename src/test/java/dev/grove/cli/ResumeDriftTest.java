package dev.grove.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.grove.orchestrator.Orchestrator;
import dev.grove.orchestrator.RunConfig;
import org.junit.jupiter.api.Test;

/** Resume keeps the run's own verification and remote, and says when config.toml now differs. */
class ResumeDriftTest {
  static RunConfig config(String verify, String remote) {
    return new RunConfig(
        null, null, verify, remote, null, null, null, null, null, null, null, null);
  }

  static Orchestrator.Options recorded(String verify, String remote) {
    return new Orchestrator.Options(null, null, null, verify, remote, null, false);
  }

  @Test
  void aChangedVerifyOrRemoteIsNamedWithWhatTheRunKeeps() {
    assertThat(ResumeCommand.drift(config("make test", "upstream"), recorded("sh t.sh", "origin")))
        .containsExactly(
            "config.toml's [run] verify is now `make test`; this run keeps the verification it"
                + " started with: `sh t.sh`",
            "config.toml's [run] remote is now upstream; this run keeps the remote it started"
                + " with: origin");
    assertThat(ResumeCommand.drift(config("make test", null), recorded(null, "origin")))
        .containsExactly(
            "config.toml's [run] verify is now `make test`; this run keeps the verification it"
                + " started with: none");
  }

  @Test
  void nothingIsSaidWhenConfigAgreesOrSaysNothing() {
    assertThat(ResumeCommand.drift(config("sh t.sh", "origin"), recorded("sh t.sh", "origin")))
        .isEmpty();
    assertThat(ResumeCommand.drift(RunConfig.NONE, recorded("sh t.sh", "origin"))).isEmpty();
  }
}
