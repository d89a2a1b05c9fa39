package dev.grove.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code grove session export}: files written whole or not at all, never replaced unasked. */
class SessionExportCliTest {
  static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;
  CliRunner cli;

  @BeforeEach
  void setUp() {
    cli = new CliRunner(dir);
    cli.env.put("GROVE_HOME", dir.resolve("home").toString());
  }

  static String resource(String name) {
    try {
      return Path.of(SessionExportCliTest.class.getResource(name).toURI()).toString();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static final String GOLDEN = resource("/export/golden.jsonl");

  CliRunner.Result ok(String... args) {
    CliRunner.Result r = cli.run(args);
    assertThat(r.exit()).as("%s", r).isZero();
    return r;
  }

  @Test
  void markdownGoesToStandardOutputForTheCurrentLeafByDefault() {
    String md = ok("session", "export", GOLDEN, "--markdown").out();
    assertThat(md)
        .startsWith("# Session `0193a4c2-0000-7000-8000-0000000000e1`")
        .contains("9 messages up to `b000000d` (lane `main`)")
        .contains("## 9 · assistant · `b000000d`");
  }

  @Test
  void anEntryALeafOrALaneChoosesThePath() {
    assertThat(ok("session", "export", GOLDEN, "--markdown", "--lane", "try-1").out())
        .contains("up to `b0000007` (lane `try-1`)");
    assertThat(ok("session", "export", GOLDEN, "--markdown", "the-fix").out())
        .contains("6 messages up to `b0000009`");
    assertThat(ok("session", "export", GOLDEN, "--markdown", "--leaf", "b0000007").out())
        .contains("up to `b0000007`");
    CliRunner.Result notLeaf =
        cli.run("session", "export", GOLDEN, "--markdown", "--leaf", "b0000004");
    assertThat(notLeaf.exit()).isEqualTo(Exits.USAGE);
    assertThat(notLeaf.err()).contains("b0000004 is not a leaf (it has 2 children)");
  }

  @Test
  void htmlAndMarkdownFilesAreWrittenAndDescribedInJson() throws Exception {
    CliRunner.Result r = ok("session", "export", GOLDEN, "--html", "out/../s.html", "--json");
    JsonNode j = JSON.readTree(r.out());
    assertThat(j.path("file").asText()).isEqualTo(dir.resolve("s.html").toString());
    assertThat(j.path("format").asText()).isEqualTo("html");
    assertThat(j.path("entries").asInt()).isEqualTo(13);
    assertThat(j.path("bytes").asLong()).isEqualTo(Files.size(dir.resolve("s.html")));
    assertThat(Files.readString(dir.resolve("s.html"))).contains("Content-Security-Policy");
    JsonNode m =
        JSON.readTree(
            ok("session", "export", GOLDEN, "--markdown", "--out", "s.md", "--json").out());
    assertThat(m.path("format").asText()).isEqualTo("markdown");
    assertThat(m.path("entries").asInt()).isEqualTo(9);
    assertThat(Files.readString(dir.resolve("s.md"))).contains("## 9 · assistant");
  }

  @Test
  void anExistingFileIsNeverReplacedWithoutForce() throws Exception {
    Files.writeString(dir.resolve("s.html"), "mine");
    CliRunner.Result r = cli.run("session", "export", GOLDEN, "--html", "s.html");
    assertThat(r.exit()).isEqualTo(Exits.FAILED);
    assertThat(r.err()).contains("s.html exists: export never replaces a file unless --force");
    assertThat(Files.readString(dir.resolve("s.html"))).isEqualTo("mine");
    ok("session", "export", GOLDEN, "--html", "s.html", "--force");
    assertThat(Files.readString(dir.resolve("s.html"))).startsWith("<!DOCTYPE html>");
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains(".export-"));
    }
  }

  @Test
  void mistakesSayWhatIsWrongWithTheirExitCodes() {
    CliRunner.Result missing = cli.run("session", "export", "nope.jsonl", "--markdown");
    assertThat(missing.exit()).isEqualTo(Exits.NOT_FOUND);
    assertThat(missing.err()).contains("nope.jsonl does not exist");
    CliRunner.Result entry = cli.run("session", "export", GOLDEN, "--markdown", "ffff0000");
    assertThat(entry.exit()).isEqualTo(Exits.NOT_FOUND);
    assertThat(entry.err()).contains("no entry ffff0000");
    CliRunner.Result lane = cli.run("session", "export", GOLDEN, "--markdown", "--lane", "x");
    assertThat(lane.exit()).isEqualTo(Exits.NOT_FOUND);
    assertThat(lane.err()).contains("no lane 'x'").contains("lanes: main, try-1");
    CliRunner.Result two =
        cli.run("session", "export", GOLDEN, "--markdown", "b0000004", "--lane", "main");
    assertThat(two.exit()).isEqualTo(Exits.USAGE);
    CliRunner.Result both = cli.run("session", "export", GOLDEN, "--markdown", "--html", "x.html");
    assertThat(both.exit()).isEqualTo(Exits.USAGE);
    CliRunner.Result json = cli.run("session", "export", GOLDEN, "--markdown", "--json");
    assertThat(json.exit()).isEqualTo(Exits.USAGE);
    assertThat(json.err()).contains("--json needs --out FILE");
    CliRunner.Result dirGone = cli.run("session", "export", GOLDEN, "--html", "no/such/dir/x.html");
    assertThat(dirGone.exit()).isEqualTo(Exits.NOT_FOUND);
    assertThat(dirGone.err()).contains("its directory does not exist");
  }

  @Test
  void secretsOfTheEnvironmentAreMaskedInBothFormats() throws Exception {
    cli.env.put("GROVE_TEST_TOKEN", "Login.java");
    ok("session", "export", GOLDEN, "--html", "s.html");
    ok("session", "export", GOLDEN, "--markdown", "--out", "s.md");
    assertThat(Files.readString(dir.resolve("s.html")))
        .doesNotContain("Login.java")
        .contains("[REDACTED]");
    assertThat(Files.readString(dir.resolve("s.md")))
        .doesNotContain("Login.java")
        .contains("[REDACTED]");
  }

  @Test
  void markdownMadeForAPullRequestMentionsNobodyAndClosesNothing() throws Exception {
    ok("session", "new", "m.jsonl");
    ok(
        "session",
        "append",
        "m.jsonl",
        "--lane",
        "main",
        "--role",
        "user",
        "--content",
        "Fixes #12 and closes owner/repo#3, thanks @ada");
    String md = ok("session", "export", "m.jsonl", "--markdown").out();
    assertThat(md)
        .contains("#\u206012", "@\u2060ada")
        .doesNotContain("#12", "@ada", "closes owner/repo#3");
    ok("session", "export", "m.jsonl", "--html", "m.html");
    assertThat(Files.readString(dir.resolve("m.html")))
        .as("a page is not pasted into a forge: its text stays exact")
        .contains("@ada");
  }

  @Test
  void piClaudeCodeAndCodexFilesExport() throws Exception {
    String[] sources = {
      resource("/foreign/pi/v3-all-types.jsonl"),
      resource("/foreign/claude/parallel-tools.jsonl"),
      resource("/foreign/codex/rollout-2026-11-06T08-00-00-019a2d7a.jsonl")
    };
    String[] tools = {"pi session", "Claude Code transcript", "Codex CLI rollout"};
    for (int i = 0; i < sources.length; i++) {
      ok("session", "export", sources[i], "--html", "f" + i + ".html");
      assertThat(Files.readString(dir.resolve("f" + i + ".html")))
          .contains("<dd>" + tools[i] + " · ");
      assertThat(ok("session", "export", sources[i], "--markdown").out()).contains("## 1 · ");
    }
  }
}
