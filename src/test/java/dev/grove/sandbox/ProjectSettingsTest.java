package dev.grove.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A {@code .grove/sandbox.properties} can arrive with a merged branch or a cloned repository, so it
 * may only tighten the sandbox: what would loosen it is ignored, with a warning naming the file.
 */
class ProjectSettingsTest {
  static Fixture f;
  static Path file;

  @BeforeAll
  static void setUp() throws Exception {
    f = Fixture.createUnderHome();
    Files.createDirectories(f.home.resolve(".m2/repository"));
    Files.createDirectories(f.home.resolve(".config/gh"));
    file = f.repo.resolve(ProjectSettings.FILE);
  }

  @AfterAll
  static void tearDown() throws Exception {
    f.close();
  }

  static SandboxPolicy apply(String settings, List<String> warnings) throws Exception {
    Files.writeString(file, settings);
    return SandboxPolicy.forDirectory(f.worktree, f.home, f.groveHome, null, warnings::add);
  }

  @Test
  void readOnlyPathsThatWouldShowWhatTheSandboxHidesAreIgnoredWithAWarning() throws Exception {
    Path linkToHome = f.outside.resolve("innocent-looking");
    Files.createSymbolicLink(linkToHome, f.home);
    List<String> refused =
        List.of(
            "~",
            "~/.ssh",
            "~/.ssh/id_ed25519",
            "~/.config",
            "~/.aws",
            "~/.netrc",
            f.groveHome.toString(),
            f.groveHome.resolve("config.toml").toString(),
            f.repo.toString(),
            f.repo.resolve(".git").toString(),
            f.repo.resolve(".env").toString(),
            f.otherWorktree.toString(),
            "/run",
            "/proc",
            "/proc/1/root",
            "/dev",
            "/sys/firmware",
            f.home.getParent().toString(),
            linkToHome.toString());
    List<String> warnings = new ArrayList<>();
    SandboxPolicy policy = apply("read-only = " + String.join(", ", refused) + "\n", warnings);
    assertThat(policy.readOnly()).isEmpty();
    assertThat(warnings)
        .hasSize(refused.size())
        .allSatisfy(
            w ->
                assertThat(w)
                    .startsWith(file + ": read-only ")
                    .contains(" ignored: it would show ")
                    .endsWith(", which the sandbox hides"));
    assertThat(warnings.get(0)).contains("your home directory " + f.home);
  }

  @Test
  void readOnlyPathsInsideTheHomeDirectoryStayAllowedAndHiddenPathsAreAdded() throws Exception {
    List<String> warnings = new ArrayList<>();
    SandboxPolicy policy =
        apply("read-only = ~/.m2, /usr/share\nhidden = /srv/secrets, ~/notes\n", warnings);
    assertThat(warnings).isEmpty();
    assertThat(policy.readOnly()).containsExactly(f.home.resolve(".m2"), Path.of("/usr/share"));
    assertThat(policy.hidden())
        .contains(f.groveHome, Path.of("/srv/secrets"), f.home.resolve("notes"));
  }

  @Test
  void limitsCanBeLoweredNeverRaised() throws Exception {
    List<String> warnings = new ArrayList<>();
    SandboxPolicy raised =
        apply("max-processes = 100000\nmax-memory = 100g\nmax-output = 1g\n", warnings);
    assertThat(raised.limits()).isEqualTo(SandboxPolicy.Limits.DEFAULTS);
    assertThat(warnings)
        .containsExactly(
            file
                + ": max-processes = 100000 ignored: a project file can only lower a limit (it stays 1024)",
            file
                + ": max-memory = 107374182400 ignored: a project file can only lower a limit (it stays 4294967296)",
            file
                + ": max-output = 1073741824 ignored: a project file can only lower a limit (it stays 262144)");

    warnings.clear();
    SandboxPolicy lowered =
        apply("max-processes = 64\nmax-memory = 512m\nmax-output = 4k\n", warnings);
    assertThat(warnings).isEmpty();
    assertThat(lowered.limits()).isEqualTo(new SandboxPolicy.Limits(64, 512L << 20, 4096));
  }

  @Test
  void unknownKeysAndValuesThatDoNotParseStillFailNamingTheFile() throws Exception {
    assertThatThrownBy(() -> apply("read_only = ~\n", new ArrayList<>()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(file + ": unknown setting read_only");
    assertThatThrownBy(() -> apply("max-memory = lots\n", new ArrayList<>()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(file + ": not a size: 'lots'");
  }

  @Test
  void aPlantedFileCannotShowTheHomeDirectoryToTheNextCommand() throws Exception {
    List<String> warnings = new ArrayList<>();
    SandboxPolicy policy = apply("read-only = ~, ~/.ssh\nmax-processes = 100000\n", warnings);
    Sandbox sandbox = Sandboxes.create(Backend.BUBBLEWRAP, policy, f.env());
    CommandResult r =
        sandbox.run(
            CommandRequest.of(
                f.worktree,
                Duration.ofSeconds(30),
                "sh",
                "-c",
                "cat "
                    + f.home.resolve(".ssh/id_ed25519")
                    + " "
                    + f.groveHome.resolve("config.toml")
                    + "; ls -A "
                    + f.home));
    assertThat(r.stdout().text())
        .doesNotContain("PRIVATE KEY")
        .doesNotContain(Fixture.TOKEN)
        .doesNotContain(".ssh");
    assertThat(warnings).hasSize(3);
  }
}
