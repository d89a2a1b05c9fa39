package dev.grove.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The repository's git directory is readable inside (git status and log work), but what it holds
 * for the host only is not: credentials in its config, and grove's own state.
 */
class GitSecretsInsideTest {
  static final String URL_TOKEN = "ghp_urltoken0123456789abcdef";
  static final String HEADER_TOKEN = "ghp_headertoken0123456789abc";

  static CommandResult sh(Sandbox s, Path dir, String script) {
    return s.run(CommandRequest.of(dir, Duration.ofSeconds(30), "sh", "-c", script));
  }

  @Test
  void credentialsInTheGitConfigAreNotReadableInsideWhileGitLogWorks() throws Exception {
    try (Fixture f = Fixture.create()) {
      Path common = f.repo.resolve(".git");
      Fixture.git(
          f.repo,
          "remote",
          "add",
          "origin",
          "https://x-access-token:" + URL_TOKEN + "@github.com/acme/app.git");
      Fixture.git(
          f.repo,
          "config",
          "http.https://github.com/.extraheader",
          "AUTHORIZATION: bearer " + HEADER_TOKEN);
      Fixture.git(f.repo, "config", "extensions.worktreeConfig", "true");
      Fixture.git(
          f.worktree,
          "config",
          "--worktree",
          "credential.helper",
          "!echo password=" + HEADER_TOKEN);
      Sandbox s = Sandboxes.create(Backend.BUBBLEWRAP, f.policy(), f.env());
      for (Path from : new Path[] {f.worktree, f.repo}) {
        CommandResult r =
            sh(
                s,
                from,
                "git log --oneline -1 && git status --short --branch && git config --list --show-origin; "
                    + "cat "
                    + common.resolve("config")
                    + "; grep -r -l -e "
                    + URL_TOKEN
                    + " -e "
                    + HEADER_TOKEN
                    + " "
                    + common);
        assertThat(r.stdout().text())
            .as("from %s", from)
            .contains("initial")
            .contains("## ")
            .contains("core.repositoryformatversion=")
            .doesNotContain(URL_TOKEN)
            .doesNotContain(HEADER_TOKEN)
            .doesNotContain("remote.origin")
            .doesNotContain("extraheader")
            .doesNotContain("password=");
        assertThat(r.stderr().text()).doesNotContain(URL_TOKEN).doesNotContain(HEADER_TOKEN);
      }
      // the host's config is as it was: grove mounted a filtered copy, it did not change the file
      assertThat(Files.readString(common.resolve("config")))
          .contains(URL_TOKEN)
          .contains(HEADER_TOKEN);
    }
  }

  @Test
  void grovesStateInTheGitDirectoryIsHidden() throws Exception {
    try (Fixture f = Fixture.create()) {
      Path state = Files.createDirectories(f.repo.resolve(".git/grove/runs"));
      Files.writeString(state.resolve("run.jsonl"), "{\"secret\":\"run-state\"}\n");
      Sandbox s = Sandboxes.create(Backend.BUBBLEWRAP, f.policy(), f.env());
      for (Path from : new Path[] {f.worktree, f.repo}) {
        CommandResult r =
            sh(
                s,
                from,
                "ls -A "
                    + f.repo.resolve(".git/grove")
                    + "; cat "
                    + state.resolve("run.jsonl")
                    + "; git rev-parse --git-common-dir");
        assertThat(r.stdout().text())
            .as("from %s", from)
            .doesNotContain("runs")
            .doesNotContain("run-state")
            .contains(".git");
      }
    }
  }
}
