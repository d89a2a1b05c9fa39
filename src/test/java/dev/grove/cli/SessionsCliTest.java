package dev.grove.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code grove sessions}: other tools' and grove's sessions, found, listed and searched. */
class SessionsCliTest {
  @TempDir Path dir;
  Path home;
  CliRunner cli;

  @BeforeEach
  void setUp() throws IOException {
    home = dir.resolve("user");
    Files.createDirectories(home);
    cli = new CliRunner(Files.createDirectories(dir.resolve("work")));
    cli.env.put("GROVE_HOME", dir.resolve("grove-home").toString());
    cli.env.put("HOME", home.toString());
  }

  private static Path fixture(String name) {
    try {
      return Path.of(SessionsCliTest.class.getResource("/" + name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private Path put(String fixture, String where) throws IOException {
    Path to = home.resolve(where);
    Files.createDirectories(to.getParent());
    return Files.copy(fixture(fixture), to);
  }

  /** One session of each tool where the tool keeps it, under the fake HOME. */
  private void usualPlaces() throws IOException {
    put(
        "foreign/pi/v3-all-types.jsonl",
        ".pi/agent/sessions/--home-ada-shop--/2026-11-01T10-00-00-000Z_0c5f.jsonl");
    put(
        "foreign/claude/parallel-tools.jsonl",
        ".claude/projects/-home-ada-shop/5d2e8c1a-3b4f-4c6d-9e7f-0a1b2c3d4e5f.jsonl");
    put(
        "foreign/claude/interleaved.jsonl",
        ".claude/projects/-home-ada-shop/5d2e8c1a-3b4f-4c6d-9e7f-0a1b2c3d4e5f/subagents/agent-1.jsonl");
    put(
        "foreign/codex/rollout-2026-11-06T08-00-00-019a2d7a.jsonl",
        ".codex/sessions/2026/11/06/rollout-2026-11-06T08-00-00-019a2d7a.jsonl");
  }

  @Test
  void findsEachToolsSessionsInTheirUsualPlacesNewestFirst() throws IOException {
    usualPlaces();
    CliRunner.Result r = cli.run("sessions");
    assertThat(r.exit()).as("%s", r).isZero();
    List<String> lines = r.out().lines().filter(l -> !l.startsWith(" ")).toList();
    assertThat(lines.get(0)).startsWith("TOOL");
    assertThat(lines.subList(1, lines.size()))
        .hasSize(4)
        .satisfiesExactly(
            l -> assertThat(l).startsWith("claude").contains("run both checks").contains("agent-1"),
            l -> assertThat(l).startsWith("codex").contains("fix the failing login test"),
            l ->
                assertThat(l)
                    .startsWith("claude")
                    .contains("2026-11-03 10:00")
                    .contains("[Fix inverted login check]"),
            l ->
                assertThat(l)
                    .startsWith("pi")
                    .contains("fix the login bug")
                    .contains("[found-it]"));
    assertThat(r.err()).isEmpty();
  }

  private static void gitInit(Path repo) throws IOException, InterruptedException {
    Files.createDirectories(repo);
    Process p = new ProcessBuilder("git", "init", "-q", repo.toString()).inheritIO().start();
    assertThat(p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isZero();
  }

  @Test
  void findsTheRunsOfThisRepositoryAndOfTheRegisteredOnes() throws Exception {
    Path here = cli.cwd;
    gitInit(here);
    Path runs = dev.grove.orchestrator.Runs.dir(here);
    Files.createDirectories(runs);
    Files.copy(fixture("sessions/branches.jsonl"), runs.resolve("20261124-120000-1a2b3c4d.jsonl"));
    Path other = dir.resolve("other-repo");
    gitInit(other);
    Path otherRuns = dev.grove.orchestrator.Runs.dir(other);
    Files.createDirectories(otherRuns);
    Files.copy(
        fixture("sessions/nested.jsonl"), otherRuns.resolve("20261124-130000-5e6f7a8b.jsonl"));
    dev.grove.orchestrator.Repositories.at(dir.resolve("grove-home"))
        .register(other, otherRuns, java.time.Instant.parse("2026-11-24T13:00:00Z"));

    CliRunner.Result r = cli.run("sessions", "--tool", "grove", "--json");
    assertThat(r.exit()).as("%s", r).isZero();
    assertThat(json(r))
        .extracting(n -> n.get("file").asText())
        .containsExactly(
            otherRuns.resolve("20261124-130000-5e6f7a8b.jsonl").toString(),
            runs.resolve("20261124-120000-1a2b3c4d.jsonl").toString());
  }

  @Test
  void overridesOfEachToolsHomeAreFollowed() throws IOException {
    Path pi = dir.resolve("elsewhere/pi");
    Files.createDirectories(pi.resolve("sessions/p"));
    Files.copy(fixture("foreign/pi/v1-linear.jsonl"), pi.resolve("sessions/p/s.jsonl"));
    Path codex = dir.resolve("elsewhere/codex");
    Files.createDirectories(codex.resolve("sessions/2026/11/06"));
    Files.copy(
        fixture("foreign/codex/rollout-2026-11-06T08-00-00-019a2d7a.jsonl"),
        codex.resolve("sessions/2026/11/06/rollout-x.jsonl"));
    cli.env.put("PI_CODING_AGENT_DIR", pi.toString());
    cli.env.put("CODEX_HOME", codex.toString());
    CliRunner.Result r = cli.run("sessions", "--json");
    assertThat(r.exit()).as("%s", r).isZero();
    assertThat(json(r)).extracting(n -> n.get("tool").asText()).containsExactly("codex", "pi");
  }

  private static List<JsonNode> json(CliRunner.Result r) throws IOException {
    JsonNode arr = new ObjectMapper().readTree(r.out());
    assertThat(arr.isArray()).isTrue();
    List<JsonNode> out = new ArrayList<>();
    arr.forEach(out::add);
    return out;
  }

  @Test
  void jsonIsAnArrayOfSessionsWithEveryField() throws IOException {
    put("foreign/pi/v3-all-types.jsonl", "d/pi.jsonl");
    CliRunner.Result r = cli.run("sessions", "--dir", home.resolve("d").toString(), "--json");
    assertThat(r.exit()).as("%s", r).isZero();
    JsonNode s = json(r).get(0);
    assertThat(s.get("tool").asText()).isEqualTo("pi");
    assertThat(s.get("file").asText()).isEqualTo(home.resolve("d/pi.jsonl").toString());
    assertThat(s.get("lastActivity").asText()).isEqualTo("2026-11-01T10:01:05Z");
    assertThat(s.get("size").asLong()).isEqualTo(Files.size(home.resolve("d/pi.jsonl")));
    assertThat(s.get("entries").asInt()).isEqualTo(20);
    assertThat(s.get("firstMessage").asText()).isEqualTo("fix the login bug");
    assertThat(s.get("labels").get(0).asText()).isEqualTo("found-it");
    assertThat(s.get("problems").asInt()).isZero();
    assertThat(s.get("notes").isArray()).isTrue();
    assertThat(s.get("hit").isNull()).isTrue();
    assertThat(s.properties().stream().map(java.util.Map.Entry::getKey))
        .containsExactly(
            "tool",
            "file",
            "lastActivity",
            "size",
            "entries",
            "firstMessage",
            "labels",
            "problems",
            "notes",
            "hit");
  }

  @Test
  void searchShowsTheFirstEntryHoldingTheTextWithASnippet() throws IOException {
    usualPlaces();
    CliRunner.Result r = cli.run("sessions", "--search", "INVERTED");
    assertThat(r.exit()).as("%s", r).isZero();
    assertThat(r.out())
        .contains("a1000002: The check is inverted.")
        .contains("codex-00000013: The check was inverted; fixed.")
        .contains("c1a0de08-0000-4000-8000-000000000008: The check is inverted.")
        .doesNotContain("run both checks");

    CliRunner.Result json = cli.run("sessions", "--search", "inverted", "--tool", "pi", "--json");
    assertThat(json(json))
        .singleElement()
        .satisfies(
            n -> {
              assertThat(n.get("hit").get("entry").asText()).isEqualTo("a1000002");
              assertThat(n.get("hit").get("snippet").asText()).isEqualTo("The check is inverted.");
            });

    CliRunner.Result none = cli.run("sessions", "--search", "no such words here");
    assertThat(none.out()).startsWith("no session's messages contain \"no such words here\"");
  }

  @Test
  void dirIsSearchedAtEveryDepthWithoutFollowingLinksAndDamageIsANote() throws IOException {
    Path d = dir.resolve("mine");
    Files.createDirectories(d.resolve("a/b/c"));
    Files.copy(fixture("foreign/pi/damaged.jsonl"), d.resolve("a/b/c/deep.jsonl"));
    Files.writeString(d.resolve("a/notes.txt"), "not a session");
    Path outside = Files.createDirectories(dir.resolve("outside"));
    Files.copy(fixture("foreign/pi/v1-linear.jsonl"), outside.resolve("linked.jsonl"));
    Files.createSymbolicLink(d.resolve("link"), outside);
    Files.createSymbolicLink(d.resolve("file-link.jsonl"), outside.resolve("linked.jsonl"));
    CliRunner.Result r = cli.run("sessions", "--dir", d.toString());
    assertThat(r.exit()).as("%s", r).isZero();
    assertThat(r.out()).contains("deep.jsonl").doesNotContain("linked.jsonl");
    assertThat(r.out()).contains("problems: line 3:");
  }

  @Test
  void theSecondListingReadsNothingAndReindexReadsEverythingAgain() throws IOException {
    usualPlaces();
    assertThat(cli.run("sessions").exit()).isZero();
    assertThat(Files.exists(dir.resolve("grove-home/index/sessions.idx"))).isTrue();
    // the index answers: a file changed keeping its size and time still shows what was indexed
    Path pi =
        home.resolve(".pi/agent/sessions/--home-ada-shop--/2026-11-01T10-00-00-000Z_0c5f.jsonl");
    var mtime = Files.getLastModifiedTime(pi);
    Files.writeString(pi, Files.readString(pi).replace("fix the login bug", "fix the LOGIN bug"));
    Files.setLastModifiedTime(pi, mtime);
    assertThat(cli.run("sessions").out()).contains("fix the login bug");
    assertThat(cli.run("sessions", "--reindex").out()).contains("fix the LOGIN bug");
  }

  @Test
  void aDamagedIndexIsRebuiltWithAWarning() throws IOException {
    usualPlaces();
    cli.run("sessions");
    Path idx = dir.resolve("grove-home/index/sessions.idx");
    Files.write(idx, new byte[] {'n', 'o', 'p', 'e'});
    CliRunner.Result r = cli.run("sessions");
    assertThat(r.exit()).as("%s", r).isZero();
    assertThat(r.err()).contains("was discarded (it is cut short); rebuilding it");
    assertThat(r.out()).contains("fix the login bug");
  }

  @Test
  void badOptionsAreUsageErrors() {
    assertThat(cli.run("sessions", "--tool", "vim").exit()).isEqualTo(Exits.USAGE);
    assertThat(cli.run("sessions", "--limit", "-1").exit()).isEqualTo(Exits.USAGE);
    CliRunner.Result missing = cli.run("sessions", "--dir", "nope");
    assertThat(missing.exit()).isEqualTo(Exits.NOT_FOUND);
    assertThat(missing.err()).contains("--dir nope: no such directory");
  }
}
