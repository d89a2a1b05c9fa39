package dev.grove.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Layouts other than the standard fixture's, many commands at once, and a caller that gives up. */
class SandboxLayoutTest {
  static CommandResult sh(Sandbox s, Path dir, String script) {
    return s.run(CommandRequest.of(dir, Duration.ofSeconds(30), "sh", "-c", script));
  }

  @Test
  void theUsualLayoutWithEverythingInsideTheHomeDirectoryHoldsTogether() throws Exception {
    try (Fixture f = Fixture.createUnderHome()) {
      Sandbox s = Sandboxes.create(Backend.BUBBLEWRAP, f.policy(), f.env());
      CommandResult r =
          sh(
              s,
              f.worktree,
              "git status --short --branch; echo x > new.txt; ls -A ~; ls -A ~/src/repo; "
                  + "cat ~/.ssh/id_ed25519 ~/src/repo/.env ~/.grove/config.toml "
                  + f.otherWorktree
                  + "/work-in-progress.txt");
      assertThat(r.stdout().text())
          .startsWith("## task/agent-a\n")
          .doesNotContain("PRIVATE KEY")
          .doesNotContain(Fixture.API_KEY)
          .doesNotContain(Fixture.TOKEN)
          .doesNotContain("unfinished");
      // what is visible of home: only the mount points leading to the worktree and the git
      // directory
      assertThat(r.stdout().text().lines().skip(1).toList())
          .containsExactly(".grove", "src", ".git");
      assertThat(f.worktree.resolve("new.txt")).hasContent("x");
    }
  }

  @Test
  void theRepositorysOtherWorktreesAreHiddenWhereverTheyAre() throws Exception {
    try (Fixture f = Fixture.create()) {
      Path elsewhere = f.base.resolve("elsewhere/agent-c");
      Fixture.git(f.repo, "worktree", "add", "-q", "-b", "task/agent-c", elsewhere.toString());
      Files.writeString(elsewhere.resolve("notes.txt"), "agent c's notes\n");
      Sandbox s = Sandboxes.create(Backend.BUBBLEWRAP, f.policy(), f.env());
      for (Path from : List.of(f.worktree, f.repo)) {
        CommandResult r =
            sh(s, from, "cat " + elsewhere.resolve("notes.txt") + "; ls -A " + elsewhere);
        assertThat(r.stdout().text()).as("from %s", from).isEmpty();
      }
      assertThat(sh(s, elsewhere, "cat notes.txt").stdout().text()).isEqualTo("agent c's notes\n");
    }
  }

  @Test
  void inAMainCheckoutTheGitDirectoryIsReadOnlyAndGroveStateHidden() throws Exception {
    try (Fixture f = Fixture.create()) {
      Sandbox s = Sandboxes.create(Backend.BUBBLEWRAP, f.policy(), f.env());
      String config = Files.readString(f.repo.resolve(".git/config"));
      CommandResult r =
          sh(
              s,
              f.repo,
              "git status --short; echo '[x]' >> .git/config; ls -A .grove; cat .env; "
                  + "echo edit >> README.md");
      assertThat(r.stdout().text())
          .contains("?? .env")
          .contains("API_KEY=")
          .doesNotContain("sessions");
      assertThat(r.stderr().text()).contains("Read-only file system");
      assertThat(Files.readString(f.repo.resolve(".git/config"))).isEqualTo(config);
      assertThat(f.repo.resolve("README.md")).content().endsWith("edit\n");
    }
  }

  @Test
  void aSymlinkedGitIsRefusedWithAClearMessage() throws Exception {
    try (Fixture f = Fixture.create()) {
      Path dir = Files.createDirectories(f.outside.resolve("linked"));
      Files.createSymbolicLink(dir.resolve(".git"), f.repo.resolve(".git"));
      Sandbox s = Sandboxes.create(Backend.BUBBLEWRAP, f.policy(), f.env());
      assertThatThrownBy(() -> sh(s, dir, "true"))
          .isInstanceOf(SandboxException.SetupFailed.class)
          .hasMessageContaining(".git is a symbolic link");
    }
  }

  @Test
  void manyCommandsRunSideBySide() throws Exception {
    try (Fixture f = Fixture.create()) {
      Sandbox s = Sandboxes.create(Backend.BUBBLEWRAP, f.policy(), f.env());
      List<Thread> threads = new ArrayList<>();
      List<AtomicReference<CommandResult>> results = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        int n = i;
        AtomicReference<CommandResult> result = new AtomicReference<>();
        results.add(result);
        threads.add(
            Thread.ofVirtual()
                .start(
                    () ->
                        result.set(
                            sh(
                                s,
                                f.worktree,
                                "echo "
                                    + n
                                    + " > out-"
                                    + n
                                    + ".txt; sleep 0.2; cat out-"
                                    + n
                                    + ".txt"))));
      }
      for (Thread t : threads) {
        t.join();
      }
      for (int i = 0; i < 8; i++) {
        assertThat(results.get(i).get().stdout().text()).isEqualTo(i + "\n");
      }
    }
  }

  @Test
  void anInterruptedCallerGetsAnExceptionAndTheCommandIsKilled() throws Exception {
    try (Fixture f = Fixture.create()) {
      Sandbox s = Sandboxes.create(Backend.BUBBLEWRAP, f.policy(), f.env());
      String marker = "4646." + Math.abs(UUID.randomUUID().getLeastSignificantBits() % 100000);
      AtomicReference<Throwable> thrown = new AtomicReference<>();
      Thread caller =
          Thread.ofVirtual()
              .start(
                  () -> {
                    try {
                      sh(s, f.worktree, "sleep " + marker);
                    } catch (Throwable t) {
                      thrown.set(t);
                    }
                  });
      Thread.sleep(300);
      caller.interrupt();
      caller.join(Duration.ofSeconds(10));
      assertThat(thrown.get())
          .isInstanceOf(SandboxException.Interrupted.class)
          .hasMessageContaining("killed");
      assertThat(Fixture.survivors("sleep " + marker)).isEmpty();
      assertThat(Fixture.leftoverCgroups(s)).isEmpty();
    }
  }
}
