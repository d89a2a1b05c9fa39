package dev.grove.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code [attempts]} of config.toml under flags, and what an untrusted project may not set. */
class AttemptsConfigTest {
  @TempDir Path tmp;

  static final String PROJECT =
      """
      [attempts]
      count = 3
      models = ["scripted:a.json", "scripted:b.json"]
      judge = "scripted:judge.json"
      weights = { diff = 2, tests = 1.5 }

      [attempts.commands.tests]
      command = "sh count-tests.sh"
      better = "higher"
      """;

  @Test
  void aTrustedProjectsAttemptsAreThePlanAndFlagsWin() throws Exception {
    Path project = Files.writeString(tmp.resolve("project.toml"), PROJECT);
    Path user = Files.writeString(tmp.resolve("user.toml"), "[attempts]\nweights = { time = 0 }\n");
    ProjectTrust trust = ProjectTrust.at(tmp.resolve("home"));
    trust.trust(project);
    List<String> warnings = new ArrayList<>();
    AttemptsConfig config = AttemptsConfig.load(project, user, trust, warnings::add);
    assertThat(warnings).isEmpty();

    AttemptsPlan plan = config.plan(null, null, null, Map.of());
    assertThat(plan.count()).isEqualTo(3);
    assertThat(plan.models()).containsExactly("scripted:a.json", "scripted:b.json");
    assertThat(plan.scoring().judge()).isEqualTo("scripted:judge.json");
    assertThat(plan.scoring().commands())
        .containsExactly(new Scoring.Command("tests", "sh count-tests.sh", true));
    assertThat(plan.scoring().weight("diff")).isEqualTo(2.0);
    assertThat(plan.scoring().weight("tests")).isEqualTo(1.5);
    assertThat(plan.scoring().weight("time")).isEqualTo(0.0); // the user's
    assertThat(plan.scoring().weight("cost")).isEqualTo(0.5); // grove's
    assertThat(plan.scoring().scorers()).containsExactly("diff", "cost", "time", "tests", "judge");

    AttemptsPlan flags =
        config.plan(2, List.of("scripted:c.json"), "scripted:j2.json", Map.of("diff", 0.0));
    assertThat(flags.count()).isEqualTo(2);
    assertThat(flags.models()).containsExactly("scripted:c.json");
    assertThat(flags.scoring().judge()).isEqualTo("scripted:j2.json");
    assertThat(flags.scoring().weight("diff")).isZero();
  }

  @Test
  void anUntrustedProjectCannotChooseModelsAJudgeOrCommands() throws Exception {
    Path project = Files.writeString(tmp.resolve("project.toml"), PROJECT);
    List<String> warnings = new ArrayList<>();
    AttemptsConfig config =
        AttemptsConfig.load(
            project, tmp.resolve("none.toml"), ProjectTrust.at(tmp.resolve("home")), warnings::add);
    assertThat(warnings)
        .singleElement()
        .asString()
        .contains("[attempts] models, [attempts] judge, [attempts] commands")
        .contains("grove trust");
    assertThat(config.count()).isEqualTo(3);
    assertThat(config.models()).isNull();
    assertThat(config.judge()).isNull();
    assertThat(config.commands()).isNull();
  }

  @Test
  void badSettingsAreRefusedNamingWhatIsWrong() throws Exception {
    Path unknown = Files.writeString(tmp.resolve("unknown.toml"), "[attempts]\ncuont = 3\n");
    assertThatThrownBy(() -> AttemptsConfig.read(unknown))
        .isInstanceOf(OrchestratorException.class)
        .hasMessageContaining("unknown key 'cuont' in [attempts]");
    Path better =
        Files.writeString(
            tmp.resolve("better.toml"),
            "[attempts.commands.x]\ncommand = \"true\"\nbetter = \"more\"\n");
    assertThatThrownBy(() -> AttemptsConfig.read(better))
        .hasMessageContaining("better = \"higher\" or \"lower\"");
    assertThatThrownBy(() -> AttemptsConfig.NONE.plan(17, null, null, Map.of()))
        .isInstanceOf(OrchestratorException.class)
        .hasMessageContaining("--attempts must be between 1 and 16");
    assertThatThrownBy(() -> AttemptsConfig.NONE.plan(2, null, null, Map.of("judge", -1.0)))
        .hasMessageContaining("the weight of judge must be a number >= 0");
  }
}
