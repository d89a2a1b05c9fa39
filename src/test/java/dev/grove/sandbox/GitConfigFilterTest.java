package dev.grove.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GitConfigFilterTest {
  static final String TOKEN = "ghp_filtertest0123456789";

  @Test
  void onlyCoreLayoutSettingsAndExtensionsAreKept() {
    String config =
        """
        [core]
        \trepositoryformatversion = 1
        \tfilemode = true
        \tbare = false
        \tsshCommand = ssh -i /root/.ssh/deploy_key
        \tfsmonitor = touch /tmp/pwned
        \thooksPath = /srv/hooks
        [extensions]
        \tobjectFormat = sha256
        \tworktreeConfig
        [remote "origin"]
        \turl = https://x-access-token:%s@github.com/acme/app.git
        \tfetch = +refs/heads/*:refs/remotes/origin/*
        [http "https://github.com/"]
        \textraheader = AUTHORIZATION: bearer %s
        [credential]
        \thelper = store
        [url "https://%s@github.com/"]
        \tinsteadOf = https://github.com/
        [include]
        \tpath = ~/.gitconfig-secrets
        [user]
        \temail = dev@example.com
        """
            .formatted(TOKEN, TOKEN, TOKEN);
    assertThat(GitConfigFilter.filter(config))
        .isEqualTo(
            """
        [core]
        \trepositoryformatversion = "1"
        \tfilemode = "true"
        \tbare = "false"
        [extensions]
        \tobjectformat = "sha256"
        \tworktreeconfig
        """);
  }

  @Test
  void gitsTrickierSyntaxCannotSmuggleASettingIntoCore() {
    String config =
        """
        [remote "origin"] url = https://%s@host/x.git
        [core] bare = false
        [core "x"]
        \tfilemode = "%s"
        [core.y]
        \tfilemode = %s
        [http]
        \textraheader = "a ] [core] \\
        \tabbrev = %s"
        ; [core] symlinks = %s
        [Core]
        \tIgnoreCase = yes # a comment with %s
        \tautocrlf = "input" ; another
        """
            .formatted(TOKEN, TOKEN, TOKEN, TOKEN, TOKEN, TOKEN);
    String filtered = GitConfigFilter.filter(config);
    assertThat(filtered)
        .doesNotContain(TOKEN)
        .isEqualTo(
            """
        [core]
        \tbare = "false"
        \tignorecase = "yes"
        \tautocrlf = "input"
        """);
  }

  @Test
  void whatDoesNotParseEndsTheConfigAndNothingAfterItIsKept() {
    String config =
        "[core]\n\tbare = false\n\tbroken = \"unterminated\n[core]\n\tsymlinks = false\n";
    assertThat(GitConfigFilter.filter(config)).isEqualTo("[core]\n\tbare = \"false\"\n");
    assertThat(GitConfigFilter.filter("garbage\n[core]\n\tbare = true\n"))
        .isEqualTo("[core]\n\trepositoryformatversion = 0\n");
  }

  @Test
  void aSymlinkOrAnOversizedFileGivesTheMinimalConfig(@TempDir Path dir) throws IOException {
    Path secret = Files.writeString(dir.resolve("secret"), "[core]\n\tbare = false\n");
    Path link = Files.createSymbolicLink(dir.resolve("config"), secret);
    assertThat(GitConfigFilter.filter(link)).isEqualTo("[core]\n\trepositoryformatversion = 0\n");
    Path big =
        Files.writeString(
            dir.resolve("big"), "[core]\n\tbare = false\n" + "#".repeat(GitConfigFilter.MAX_BYTES));
    assertThat(GitConfigFilter.filter(big)).isEqualTo("[core]\n\trepositoryformatversion = 0\n");
    assertThat(GitConfigFilter.filter(secret)).isEqualTo("[core]\n\tbare = \"false\"\n");
  }
}
