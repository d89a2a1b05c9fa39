package dev.grove.cli;

import static dev.grove.git.GitFixture.read;
import static dev.grove.git.GitFixture.write;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.grove.git.GitFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * grove worktree and grove checkpoint, in-process, against real repositories and no git identity.
 */
class WorktreeCliTest {
  static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;
  GitFixture f;
  Path repo;
  CliRunner cli;

  @BeforeEach
  void setUp() {
    f = new GitFixture(dir);
    repo = f.repo("app");
    cli = new CliRunner(repo);
    cli.env.putAll(f.env);
    cli.env.put("GROVE_HOME", f.groveHome().toString());
  }

  CliRunner.Result ok(String... args) {
    CliRunner.Result r = cli.run(args);
    assertThat(r.exit()).as(r.toString()).isZero();
    return r;
  }

  @Test
  void addListDiffAndRemove() throws Exception {
    CliRunner.Result add = ok("worktree", "add", "Fix Login");
    Path wt = Path.of(add.out().strip());
    assertThat(wt).isDirectory().endsWith(Path.of("fix-login"));
    assertThat(add.err())
        .contains("created worktree fix-login on branch task/fix-login (base main at ");
    write(wt.resolve("src/App.java"), "class App { boolean loggedIn; }\n");
    write(wt.resolve("notes.txt"), "n\n");

    String list = ok("worktree", "list").out();
    assertThat(list)
        .contains("SLUG")
        .contains("fix-login")
        .contains("2 changes")
        .contains("+0")
        .contains("main")
        .contains(wt.toString());
    JsonNode json = JSON.readTree(ok("worktree", "list", "--json").out());
    assertThat(json).hasSize(1);
    assertThat(json.get(0).path("branch").asText()).isEqualTo("task/fix-login");
    assertThat(json.get(0).path("changes").asInt()).isEqualTo(2);
    assertThat(json.get(0).path("missing")).isEmpty();

    assertThat(ok("worktree", "diff", "fix-login").out())
        .contains("+class App { boolean loggedIn; }")
        .contains("+++ b/notes.txt");
    assertThat(ok("worktree", "diff", "fix-login", "--name-status").out())
        .isEqualTo("A\tnotes.txt\nM\tsrc/App.java\n");

    CliRunner.Result refused = cli.run("worktree", "remove", "fix-login");
    assertThat(refused.exit()).isEqualTo(1);
    assertThat(refused.err())
        .contains("grove: worktree 'fix-login' has 2 uncommitted changes")
        .contains("--force");
    assertThat(wt).isDirectory();

    CliRunner.Result removed = ok("worktree", "remove", "fix-login", "--force");
    assertThat(removed.out())
        .contains("removed worktree fix-login")
        .contains("and branch task/fix-login")
        .contains("saved 2 uncommitted changes and 0 unpushed commits as")
        .contains("under refs/grove/saved/fix-login/")
        .contains("get it back with: grove checkpoint restore ");
    assertThat(wt).doesNotExist();
    String restore =
        removed
            .out()
            .lines()
            .filter(l -> l.startsWith("get it back with: "))
            .findFirst()
            .orElseThrow()
            .substring("get it back with: grove ".length());
    Path back = Path.of(ok(restore.split(" ")).out().strip());
    assertThat(read(back.resolve("notes.txt"))).isEqualTo("n\n");
    assertThat(read(back.resolve("src/App.java"))).isEqualTo("class App { boolean loggedIn; }\n");
  }

  @Test
  void snapshotKeepListAndRestoreCheckpointsOfASession() throws Exception {
    Path wt =
        Path.of(
            JSON.readTree(ok("worktree", "add", "agent", "--json").out())
                .path("worktree")
                .asText());
    Files.createDirectories(repo.resolve(".git/grove/sessions"));
    ok("session", "new", ".git/grove/sessions/run.jsonl");
    String task =
        ok(
                "session",
                "append",
                ".git/grove/sessions/run.jsonl",
                "--lane",
                "agent",
                "--role",
                "user",
                "--content",
                "add a file")
            .out()
            .strip();
    write(wt.resolve("added.txt"), "first\n");
    String c1 = ok("checkpoint", "snapshot", "agent").out().strip();
    String e1 =
        ok(
                "session",
                "append",
                ".git/grove/sessions/run.jsonl",
                "--lane",
                "agent",
                "--role",
                "tool",
                "--tool-call-id",
                "c1",
                "--content",
                "wrote added.txt",
                "--checkpoint",
                c1)
            .out()
            .strip();
    ok(
        "checkpoint",
        "snapshot",
        "agent",
        "--session",
        ".git/grove/sessions/run.jsonl",
        "--entry",
        e1);
    write(wt.resolve("added.txt"), "second\n");
    String c2 = ok("checkpoint", "snapshot", "agent").out().strip();
    assertThat(c2).isNotEqualTo(c1).matches("[0-9a-f]{40}");
    String e2 =
        ok(
                "session",
                "append",
                ".git/grove/sessions/run.jsonl",
                "--lane",
                "agent",
                "--role",
                "tool",
                "--tool-call-id",
                "c2",
                "--content",
                "changed added.txt",
                "--checkpoint",
                c2)
            .out()
            .strip();

    String list = ok("checkpoint", "list", ".git/grove/sessions/run.jsonl").out();
    assertThat(list)
        .contains(e1 + "  agent  tool")
        .contains(c1.substring(0, 12))
        .contains("wrote added.txt")
        .contains(e2)
        .contains(c2.substring(0, 12))
        .doesNotContain(task);
    JsonNode json =
        JSON.readTree(ok("checkpoint", "list", ".git/grove/sessions/run.jsonl", "--json").out());
    assertThat(json).hasSize(2);
    assertThat(json.get(0).path("checkpoint").asText()).isEqualTo(c1);
    assertThat(json.get(0).path("ref").asText())
        .startsWith("refs/grove/checkpoints/")
        .endsWith("/" + e1);

    // a checkpoint kept afterwards for an entry that carries none is listed with it (entries are
    // never rewritten)
    write(wt.resolve("added.txt"), "third\n");
    String c3 =
        ok(
                "checkpoint",
                "snapshot",
                "agent",
                "--session",
                ".git/grove/sessions/run.jsonl",
                "--entry",
                task)
            .out()
            .strip();
    assertThat(ok("checkpoint", "list", ".git/grove/sessions/run.jsonl").out())
        .contains(task)
        .contains(c3.substring(0, 12));

    Path retry = Path.of(ok("checkpoint", "restore", c1, "retry").out().strip());
    assertThat(read(retry.resolve("added.txt"))).isEqualTo("first\n");
    assertThat(f.git(retry, "status", "--porcelain")).isEqualTo("?? added.txt");
  }

  @Test
  void gcKeepsTheCheckpointsOfLiveSessionsOnly() throws Exception {
    Path wt = Path.of(ok("worktree", "add", "agent").out().strip());
    CliRunner.Result noDir = cli.run("worktree", "gc");
    assertThat(noDir.exit()).isEqualTo(3);
    assertThat(noDir.err()).contains("no session directory").contains("--sessions DIR");

    Files.createDirectories(repo.resolve(".git/grove/sessions"));
    ok("session", "new", ".git/grove/sessions/live.jsonl");
    ok("session", "new", dir.resolve("elsewhere.jsonl").toString());
    String live =
        ok(
                "session",
                "append",
                ".git/grove/sessions/live.jsonl",
                "--lane",
                "a",
                "--role",
                "user",
                "--content",
                "x")
            .out()
            .strip();
    String gone =
        ok(
                "session",
                "append",
                dir.resolve("elsewhere.jsonl").toString(),
                "--lane",
                "a",
                "--role",
                "user",
                "--content",
                "y")
            .out()
            .strip();
    write(wt.resolve("f.txt"), "1\n");
    ok(
        "checkpoint",
        "snapshot",
        "agent",
        "--session",
        ".git/grove/sessions/live.jsonl",
        "--entry",
        live);
    ok(
        "checkpoint",
        "snapshot",
        "agent",
        "--session",
        dir.resolve("elsewhere.jsonl").toString(),
        "--entry",
        gone);

    assertThat(ok("worktree", "gc", "--dry-run").out())
        .contains("would delete 1 checkpoint ref of session")
        .contains("kept 1 of 1 live session");
    assertThat(ok("worktree", "gc").out()).contains("deleted 1 checkpoint refs; kept 1");
    assertThat(f.git(repo, "for-each-ref", "refs/grove/checkpoints/").lines()).hasSize(1);
  }

  @Test
  void pruneReportsWhatItDoesAndTheSpaceFreed() throws Exception {
    Path wt = Path.of(ok("worktree", "add", "gone").out().strip());
    write(wt.resolve("big.bin"), "x".repeat(100_000));
    try (var walk = Files.walk(wt)) {
      walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
    String dry = ok("worktree", "prune", "--dry-run").out();
    assertThat(dry)
        .contains("would remove the registration of " + wt)
        .contains("would delete branch task/gone")
        .contains("would forget worktree gone")
        .contains("would free");
    assertThat(ok("worktree", "prune").out())
        .contains("remove the registration of")
        .contains("freed");
    assertThat(ok("worktree", "prune").out()).isEqualTo("nothing to prune\n");
    assertThat(ok("worktree", "list").out()).contains("no grove worktrees");
  }

  @Test
  void errorsSayWhatIsWrongWithTheRightExitCode() {
    CliRunner outside = new CliRunner(dir);
    outside.env.putAll(cli.env);
    CliRunner.Result notRepo = outside.run("worktree", "list");
    assertThat(notRepo.exit()).isEqualTo(2);
    assertThat(notRepo.err()).contains("is not in a git repository").contains("--repo DIR");
    assertThat(outside.run("worktree", "list", "--repo", repo.toString()).exit()).isZero();

    CliRunner.Result none = cli.run("worktree", "remove", "nope");
    assertThat(none.exit()).isEqualTo(3);
    assertThat(none.err()).contains("no grove worktree 'nope'");

    CliRunner.Result bad = cli.run("worktree", "add", "!!!");
    assertThat(bad.exit()).isEqualTo(2);
    assertThat(bad.err()).contains("has no letters or digits");

    ok("worktree", "add", "taken");
    CliRunner.Result taken = cli.run("worktree", "add", "taken");
    assertThat(taken.exit()).isEqualTo(1);
    assertThat(taken.err()).contains("already exists").contains("--unique");
    assertThat(ok("worktree", "add", "taken", "--unique").out().strip()).endsWith("taken-2");

    CliRunner.Result duration = cli.run("worktree", "prune", "--stale-after", "soon");
    assertThat(duration.exit()).isEqualTo(2);
    assertThat(duration.err()).contains("not a duration: 'soon' (use e.g. 90s, 10m or 1h)");
    assertThat(ok("worktree", "prune", "--stale-after", "2h", "--dry-run").out())
        .isEqualTo("nothing to prune\n");

    CliRunner.Result setup =
        cli.run("worktree", "add", "setup", "--setup", "echo failing >&2; exit 7");
    assertThat(setup.exit()).isEqualTo(1);
    assertThat(setup.err()).contains("failed with exit code 7").contains("failing");
  }

  @Test
  void helpListsTheCommands() {
    assertThat(ok("--help").out()).contains("worktree").contains("checkpoint");
    assertThat(ok("worktree", "--help").out())
        .contains("add")
        .contains("list")
        .contains("diff")
        .contains("remove")
        .contains("prune")
        .contains("gc");
    assertThat(ok("checkpoint", "--help").out())
        .contains("list")
        .contains("snapshot")
        .contains("restore");
  }
}
