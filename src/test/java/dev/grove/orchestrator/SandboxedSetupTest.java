package dev.grove.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.grove.git.Git;
import dev.grove.git.Worktree;
import dev.grove.git.Worktrees;
import dev.grove.sandbox.Backend;
import dev.grove.sandbox.SandboxPolicy;
import dev.grove.sandbox.Sandboxes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worktree's setup command runs in the sandbox: confined to the new worktree, without grove's
 * secrets.
 */
class SandboxedSetupTest {
  @TempDir Path tmp;

  @Test
  void setupRunsConfinedWithOnlyGroveVariables() throws Exception {
    Map<String, String> env =
        Map.of(
            "PATH",
            System.getenv().getOrDefault("PATH", "/usr/bin:/bin"),
            "OPENAI_API_KEY",
            "sk-setup-must-not-see-this");
    SampleRepository.Made shop = SampleRepository.create(tmp, new Git(Map.of()));
    Path groveHome = tmp.resolve("grove-home");
    Path outside = Files.createDirectories(tmp.resolve("outside"));
    Worktrees wts =
        new Worktrees(shop.repo(), groveHome, new Git(env))
            .withSetupRunner(
                SandboxedSetup.runner(
                    () ->
                        Sandboxes.create(
                            Backend.BUBBLEWRAP,
                            SandboxPolicy.standard(tmp.resolve("home"), groveHome),
                            env)));
    String setup =
        "env > env.txt; echo \"$GROVE_SLUG $GROVE_BRANCH\" > slug.txt; touch "
            + outside.resolve("escaped")
            + " 2>/dev/null; true";
    Worktree w =
        wts.add(
            "with-setup",
            Worktrees.AddOptions.defaults()
                .withFetch(false)
                .withSetup(List.of("/bin/sh", "-c", setup), Duration.ofMinutes(1)));
    assertThat(Files.readString(w.path().resolve("slug.txt")).strip())
        .isEqualTo("with-setup task/with-setup");
    assertThat(Files.readString(w.path().resolve("env.txt")))
        .contains("GROVE_WORKTREE=")
        .doesNotContain("sk-setup");
    assertThat(outside.resolve("escaped")).doesNotExist();
  }
}
