package dev.grove.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * grove doctor's model check: which model, where, and whether its key is set — never the key
 * itself.
 */
class DoctorModelTest {
  @TempDir Path tmp;

  @Test
  void saysWhenNoModelIsChosen() {
    CliRunner cli = new CliRunner(tmp);
    cli.env.put("GROVE_HOME", tmp.resolve("gh").toString());
    assertThat(cli.run("doctor").out())
        .contains("model")
        .contains("no default model")
        .contains("GROVE_MODEL");
  }

  @Test
  void checksTheKeyWithoutShowingIt() {
    CliRunner cli = new CliRunner(tmp);
    cli.env.put("GROVE_HOME", tmp.resolve("gh").toString());
    cli.env.put("GROVE_MODEL", "openai:gpt-4.1");
    cli.env.put("OPENAI_API_KEY", "sk-secret-value-123456");
    CliRunner.Result r = cli.run("doctor", "--json");
    assertThat(r.out())
        .contains("openai:gpt-4.1")
        .contains("OPENAI_API_KEY (set)")
        .doesNotContain("sk-secret-value");
    cli.env.remove("OPENAI_API_KEY");
    CliRunner.Result missing = cli.run("doctor");
    assertThat(missing.exit()).isNotZero();
    assertThat(missing.out()).contains("its key variable OPENAI_API_KEY is not set");
  }

  @Test
  void scriptedModelsNeedNoKey() {
    CliRunner cli = new CliRunner(tmp);
    cli.env.put("GROVE_HOME", tmp.resolve("gh").toString());
    cli.env.put("GROVE_MODEL", "scripted:demo.json");
    assertThat(cli.run("doctor").out()).contains("scripted:demo.json (offline, no key)");
  }
}
