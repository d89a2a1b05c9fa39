package dev.grove.adversarial;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.grove.adversarial.Hostile.Cli;
import dev.grove.adversarial.Hostile.Shop;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 9, host code execution through grove's own git. Agents, with nothing but run_command in the
 * sandbox, make a nested repository whose config names their program every way git allows (filters,
 * an external diff, a textconv, fsmonitor, an ssh command through an include), fill a real
 * submodule's empty directory with a repository at the recorded commit and arm it the same way,
 * rewrite {@code .gitmodules} and age files so that git must look at them again. Then grove
 * checkpoints, verifies, ships (commit, push, a GitHub pull request), and the user lists, diffs,
 * merges, traces and cleans up. The program would append its environment to a marker on the host:
 * the marker never appears.
 */
class HostGitRunTest {
  @TempDir Path tmp;

  /**
   * The agent's planting, as one shell script run in its worktree (the sandbox's own git does the
   * work).
   */
  static String plant(Path marker, Path gitDir) {
    return """
        set -e
        W=$PWD
        mkdir -p .tools
        cat > .tools/evil.sh <<'EVIL'
        %s
        EVIL
        chmod +x .tools/evil.sh
        E=$W/.tools/evil.sh
        arm() {
          git config filter.x.clean "$E"; git config filter.x.smudge "$E"; git config filter.x.process "$E"
          git config filter.x.required true; git config diff.external "$E"; git config diff.x.textconv "$E"
          git config include.path "$W/agent.gitconfig"
          echo '* filter=x diff=x' > .gitattributes
        }
        printf '[core]\\n\\tfsmonitor = %%s\\n\\tsshCommand = %%s\\n' "$E" "$E" > agent.gitconfig
        mkdir -p vendor/lib && cd vendor/lib && git init -q -b main . && echo inner > inner.txt
        git add -A && git -c user.name=a -c user.email=a@example.com commit -q -m inner
        arm; touch -d 2001-01-01 inner.txt; cd "$W"
        recorded=$(git rev-parse HEAD:lib)
        cd lib && git init -q . && git fetch -q '%s' "$recorded" && git checkout -q "$recorded"
        arm; touch -d 2001-01-01 lib.txt; cd "$W"
        printf '[submodule "lib"]\\n\\tpath = lib\\n\\turl = ext::%%s\\n\\tupdate = !%%s\\n' "$E" "$E" > .gitmodules
        echo '* filter=x diff=x' > .gitattributes
        echo planted
        """
        .formatted(Hostile.evilScript(marker).strip(), gitDir);
  }

  static JsonNode lane(JsonNode status, String name) {
    for (JsonNode l : status.path("lanes")) {
      if (l.path("lane").asText().equals(name)) {
        return l;
      }
    }
    throw new AssertionError("no lane " + name + " in " + status);
  }

  /** Makes git look at the file's content again (its stat data no longer matches the index). */
  static void age(Path file) throws java.io.IOException {
    Files.setLastModifiedTime(
        file,
        java.nio.file.attribute.FileTime.fromMillis(
            978_307_200_000L + System.nanoTime() % 1_000_000));
  }

  @Test
  void aNestedRepositorysFilterNeverRunsOnTheHostThroughARunItsPullRequestAndEveryCommandAfter()
      throws Exception {
    Shop shop = Shop.create(tmp);
    // a real submodule, whose commits live in the repository itself (branch lib-src)
    shop.git("checkout", "-q", "--orphan", "lib-src");
    shop.git("rm", "-rq", "--cached", ".");
    Files.writeString(shop.repo().resolve("lib.txt"), "lib\n");
    shop.git("add", "lib.txt");
    shop.git("commit", "-q", "-m", "lib");
    shop.git("clean", "-fdq");
    shop.git("checkout", "-q", "-f", "main");
    shop.git("push", "-q", "origin", "lib-src");
    shop.git(
        "-c",
        "protocol.file.allow=always",
        "submodule",
        "add",
        "-q",
        "-b",
        "lib-src",
        shop.remote().toString(),
        "lib");
    shop.git("commit", "-q", "-m", "add the lib submodule");
    shop.git("push", "-q", "origin", "main");
    String recorded = shop.git("rev-parse", "HEAD:lib");
    Path marker = tmp.resolve("PWNED");
    String spec =
        Scripted.spec(
            tmp.resolve("agents.json"),
            Scripted.anyTask()
                .run(plant(marker, shop.repo().resolve(".git")))
                .write("NOTES.md", "notes from the agent\n")
                .finish("Wrote the notes."));
    Path tasks =
        Hostile.write(
            tmp.resolve("tasks.json"),
            """
        [{"slug": "nested", "task": "plant and ship"},
         {"slug": "kept", "task": "plant and fail", "verify": "exit 1"}]
        """);

    try (GitHubStub github = new GitHubStub()) {
      GitHubStub.originOnGitHub(shop);
      Cli cli = shop.cli();
      Cli.Result run =
          cli.run(
              "run",
              "--tasks",
              tasks.toString(),
              "--model",
              spec,
              "--forge",
              "github",
              "--forge-url",
              github.apiUrl(),
              "--json");
      assertThat(marker).as("after the run\n%s", run).doesNotExist();
      JsonNode st = Scripted.JSON.readTree(run.out());
      assertThat(st.path("lanes"))
          .extracting(l -> l.path("lane").asText() + ":" + l.path("state").asText())
          .as(run.toString())
          .containsExactlyInAnyOrder("nested:shipped", "kept:failed");

      // what reached the remote: the agent's files, the submodule at its recorded commit, no nested
      // repository
      String tree = Hostile.GIT.run(shop.remote(), List.of("ls-tree", "-r", "task/nested")).out();
      assertThat(tree)
          .contains("NOTES.md", ".tools/evil.sh", ".gitmodules")
          .doesNotContain("vendor/lib");
      assertThat(tree.lines().filter(l -> l.startsWith("160000")))
          .containsExactly("160000 commit " + recorded + "\tlib");
      List<JsonNode> prs = github.created();
      assertThat(prs).hasSize(1);
      String body = prs.get(0).path("body").asText();
      assertThat(body)
          .contains("### Left out by grove")
          .contains("vendor/lib/")
          .contains("### Worth a careful look")
          .contains("`.gitmodules`")
          .contains("`.gitattributes`");
      Hostile.assertNoSecretIn("what GitHub was sent", github.everythingSent());

      // the failed lane's worktree still holds both armed repositories: plain git in either falls
      // for it
      Path kept = Path.of(lane(st, "kept").path("worktree").asText());
      for (Path armed : List.of(kept.resolve("vendor/lib"), kept.resolve("lib"))) {
        Hostile.GIT.probe(armed, List.of("status", "--porcelain"));
        assertThat(marker).as("plain git status in %s runs the planted program", armed).exists();
        Files.delete(marker);
        age(kept.resolve("vendor/lib/inner.txt"));
        age(kept.resolve("lib/lib.txt"));
      }

      // the user looks at that worktree with grove
      for (String[] args :
          new String[][] {
            {"worktree", "list"},
            {"worktree", "diff", "kept"},
            {"worktree", "diff", "kept", "--stat"},
            {"worktree", "diff", "kept", "--name-status"},
            {"status"},
            {"status", st.path("run").asText()}
          }) {
        Cli.Result r = cli.run(args);
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(marker).as("after grove %s", String.join(" ", args)).doesNotExist();
      }
      assertThat(cli.run("worktree", "diff", "kept").out()).contains("NOTES.md");

      Cli.Result merge = cli.run("merge", "nested");
      assertThat(merge.exit()).as(merge.toString()).isZero();
      assertThat(marker).as("after grove merge").doesNotExist();
      Cli.Result why = cli.run("why", "NOTES.md:1");
      assertThat(why.out()).as(why.toString()).contains("lane nested");
      Cli.Result clean = cli.run("clean");
      assertThat(clean.out()).as(clean.toString()).contains("kept").contains("removed");
      assertThat(marker).as("after grove why and grove clean").doesNotExist();
    }
    assertThat(shop.git("ls-tree", "-r", "main")).doesNotContain("vendor/lib");
    Hostile.assertNoSecretIn("the runs, commits and pushed branches", shop.everythingGroveWrote());
  }
}
