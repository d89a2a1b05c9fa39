package dev.grove.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code grove session …} on pi session files: read directly, imported, never written. */
class ForeignSessionCliTest {
  @TempDir Path dir;
  CliRunner cli;

  @BeforeEach
  void setUp() {
    cli = new CliRunner(dir);
    cli.env.put("GROVE_HOME", dir.resolve("home").toString());
  }

  private static String pi(String name) {
    return fixture("pi/" + name);
  }

  private static String fixture(String name) {
    try {
      return Path.of(ForeignSessionCliTest.class.getResource("/foreign/" + name).toURI())
          .toString();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void treeContextLeavesShowAndValidateReadAPiFile() {
    String f = pi("v3-all-types.jsonl");
    CliRunner.Result tree = cli.run("session", "tree", f);
    assertThat(tree.exit()).as("%s", tree).isZero();
    assertThat(tree.out()).contains("a1000004").contains("found-it");
    CliRunner.Result ctx = cli.run("session", "context", f, "--entry", "a1000004");
    assertThat(ctx.exit()).as("%s", ctx).isZero();
    assertThat(ctx.out()).contains("Found the inverted check").contains("Shipped.");
    assertThat(ctx.out()).doesNotContain("fix the login bug");
    CliRunner.Result leaves = cli.run("session", "leaves", f);
    assertThat(leaves.out()).contains("a1000003").contains("a1000004");
    CliRunner.Result show = cli.run("session", "show", f, "z1000001");
    assertThat(show.exit()).as("%s", show).isZero();
    assertThat(show.out()).contains("hologram");
    CliRunner.Result valid = cli.run("session", "validate", f);
    assertThat(valid.exit()).as("%s", valid).isZero();
    assertThat(valid.out()).contains("valid (20 entries");
  }

  @Test
  void messagesAndJsonNameTheFileTheUserGaveNotTheConvertedCopy() {
    String f = pi("v3-all-types.jsonl");
    CliRunner.Result missing = cli.run("session", "show", f, "nope1234");
    assertThat(missing.exit()).as("%s", missing).isEqualTo(Exits.NOT_FOUND);
    assertThat(missing.err())
        .contains("no entry nope1234 in session file " + f)
        .doesNotContain("imports");
    CliRunner.Result leaves = cli.run("session", "leaves", f, "--json");
    assertThat(leaves.exit()).as("%s", leaves).isZero();
    assertThat(leaves.out()).doesNotContain("imports");
    CliRunner.Result lane = cli.run("session", "context", f, "--lane", "nope");
    assertThat(lane.err()).contains(f).doesNotContain("imports");
  }

  @Test
  void validateListsEveryDamagedLineOfAPiFileWithItsNumber() {
    CliRunner.Result r = cli.run("session", "validate", pi("damaged.jsonl"));
    assertThat(r.exit()).isEqualTo(Exits.CORRUPT);
    assertThat(r.out()).contains("line 3:").contains("line 4:").contains("line 5:");
    CliRunner.Result tree = cli.run("session", "tree", pi("damaged.jsonl"));
    assertThat(tree.exit()).isEqualTo(Exits.CORRUPT);
    assertThat(tree.err()).contains("damaged.jsonl").contains("line 3");
  }

  @Test
  void appendingToAPiFileIsRefusedAndTheFileIsUntouched() throws Exception {
    Path copy = dir.resolve("pi.jsonl");
    Files.copy(Path.of(pi("v3-all-types.jsonl")), copy);
    byte[] before = Files.readAllBytes(copy);
    CliRunner.Result r =
        cli.run(
            "session",
            "append",
            copy.toString(),
            "--lane",
            "main",
            "--role",
            "user",
            "--content",
            "x");
    assertThat(r.exit()).isNotZero();
    assertThat(r.err()).contains("never writes into another tool's file").contains("import");
    assertThat(Files.readAllBytes(copy)).isEqualTo(before);
  }

  @Test
  void importWritesAGroveSessionThatGroveReadsAsItsOwn() {
    Path out = dir.resolve("imported.jsonl");
    CliRunner.Result r =
        cli.run("session", "import", pi("v1-linear.jsonl"), "--out", out.toString());
    assertThat(r.exit()).as("%s", r).isZero();
    assertThat(r.out()).contains("6 entries imported from a pi session");
    CliRunner.Result append =
        cli.run(
            "session",
            "append",
            out.toString(),
            "--lane",
            "main",
            "--role",
            "assistant",
            "--content",
            "carrying on");
    assertThat(append.exit()).as("%s", append).isZero();
    CliRunner.Result ctx = cli.run("session", "context", out.toString(), "--lane", "main");
    assertThat(ctx.out()).contains("Greeted; did x.").contains("carrying on");
  }

  @Test
  void treeContextAndValidateReadAClaudeCodeTranscript() {
    String f = fixture("claude/parallel-tools.jsonl");
    CliRunner.Result tree = cli.run("session", "tree", f);
    assertThat(tree.exit()).as("%s", tree).isZero();
    assertThat(tree.out()).contains("c1a0de0a").contains("c1a0de15");
    CliRunner.Result ctx = cli.run("session", "context", f, "--lane", "main");
    assertThat(ctx.exit()).as("%s", ctx).isZero();
    assertThat(ctx.out())
        .contains("if (!ok) deny();")
        .contains("assertTrue(login")
        .contains("Fixed: the check in Login.java was inverted.")
        .doesNotContain("Found LoginTest.java.");
    CliRunner.Result valid = cli.run("session", "validate", f);
    assertThat(valid.exit()).as("%s", valid).isZero();
    CliRunner.Result bad = cli.run("session", "validate", fixture("claude/damaged.jsonl"));
    assertThat(bad.exit()).isEqualTo(Exits.CORRUPT);
    assertThat(bad.out()).contains("line 2:").contains("line 5:").doesNotContain("line 6:");
    Path out = dir.resolve("claude.jsonl");
    CliRunner.Result r = cli.run("session", "import", f, "--out", out.toString());
    assertThat(r.exit()).as("%s", r).isZero();
    assertThat(r.out()).contains("15 entries imported from a claude session");
  }

  @Test
  void contextAndImportReadACodexRollout() {
    String f = fixture("codex/rollout-2026-11-06T08-00-00-019a2d7a.jsonl");
    CliRunner.Result ctx = cli.run("session", "context", f, "--entry", "codex-00000013");
    assertThat(ctx.exit()).as("%s", ctx).isZero();
    assertThat(ctx.out()).contains("fix the failing login test").contains("if (!ok) deny();");
    assertThat(ctx.out()).doesNotContain("Reading the code");
    CliRunner.Result bad = cli.run("session", "validate", fixture("codex/damaged.jsonl"));
    assertThat(bad.exit()).isEqualTo(Exits.CORRUPT);
    assertThat(bad.out()).contains("line 3:").contains("line 4:");
    Path out = dir.resolve("codex.jsonl");
    CliRunner.Result r = cli.run("session", "import", f, "--out", out.toString());
    assertThat(r.exit()).as("%s", r).isZero();
    assertThat(r.out()).contains("16 entries imported from a codex session");
    CliRunner.Result help = cli.run("session", "--help");
    assertThat(help.out()).contains("Claude Code").contains("Codex CLI");
  }
}
