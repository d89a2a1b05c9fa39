package dev.grove.session.export;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.grove.session.Body;
import dev.grove.session.Draft;
import dev.grove.session.Entry;
import dev.grove.session.Parent;
import dev.grove.session.Role;
import dev.grove.session.SessionStore;
import dev.grove.session.ToolCall;
import dev.grove.session.foreign.ForeignSessions;
import java.io.IOException;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SessionExportTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final Instant AT = Instant.parse("2026-12-01T00:00:00Z");
  static final String HOSTILE =
      "</script><script>window.pwned=1</script><img src=x onerror=\"window.pwned=2\">"
          + "\u2028<!-- & ]]> \u2029 line";

  @TempDir Path dir;

  static Path resource(String name) {
    try {
      return Path.of(SessionExportTest.class.getResource(name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static SessionExport.Options options(String tool, String name) {
    return SessionExport.Options.of(tool, name, "grove test", AT);
  }

  static String markdown(SessionStore store, String entry, SessionExport.Options o)
      throws IOException {
    StringWriter w = new StringWriter();
    SessionExport.markdown(store, entry, w, o);
    return w.toString();
  }

  static String html(SessionStore store, String marked, SessionExport.Options o)
      throws IOException {
    StringWriter w = new StringWriter();
    SessionExport.html(store, marked, w, o);
    return w.toString();
  }

  /** The JSON the page's script draws from, as the browser's JSON.parse would read it. */
  static JsonNode data(String html) throws IOException {
    Matcher m =
        Pattern.compile(
                "<script type=\"application/json\" id=\"grove-session\">(.*?)</script>",
                Pattern.DOTALL)
            .matcher(html);
    assertThat(m.find()).as("the data element").isTrue();
    return JSON.readTree(m.group(1));
  }

  @Test
  void markdownOfAPathIsExactlyTheGoldenFile() throws IOException {
    try (SessionStore store = SessionStore.open(resource("/export/golden.jsonl"))) {
      String md = markdown(store, "b000000d", options("grove", "golden.jsonl"));
      assertThat(md)
          .isEqualTo(Files.readString(resource("/export/golden.md"), StandardCharsets.UTF_8));
    }
  }

  @Test
  void markdownFencesAreLongerThanAnyBacktickRunInside() throws IOException {
    StringWriter w = new StringWriter();
    MarkdownExport.fenced("", "a ```` b", w);
    assertThat(w.toString()).isEqualTo("`````\na ```` b\n`````\n\n");
    assertThat(MarkdownExport.code("a`b")).isEqualTo("``a`b``");
    assertThat(MarkdownExport.code("`x")).isEqualTo("`` `x ``");
  }

  @Test
  void markdownCutsALongResultAtALineEndAndNeverInsideASurrogatePair() {
    String text = "x".repeat(150) + "\n" + "y".repeat(100);
    assertThat(MarkdownExport.cutAt(text, 200, 60)).isEqualTo(151);
    String emoji = "z".repeat(99) + "\uD83D\uDE00" + "z".repeat(10);
    assertThat(MarkdownExport.cutAt(emoji, 100, 60)).isEqualTo(99);
    assertThat(MarkdownExport.cutAt("a\nb\nc\n", 100, 2)).isEqualTo(4);
    assertThat(MarkdownExport.cutAt("short", 100, 2)).isEqualTo(5);
  }

  @Test
  void markdownAndHtmlMaskSecrets() throws IOException {
    try (SessionStore store = SessionStore.open(resource("/export/golden.jsonl"))) {
      SessionExport.Options o =
          options("grove", "golden.jsonl").withRedact(s -> s.replace("Login.java", "[REDACTED]"));
      assertThat(markdown(store, "b000000d", o))
          .contains("[REDACTED]")
          .doesNotContain("Login.java");
      assertThat(html(store, "b000000d", o)).contains("[REDACTED]").doesNotContain("Login.java");
    }
  }

  @Test
  void htmlHoldsEveryEntryWithItsMessageCallsAndResults() throws IOException {
    try (SessionStore store = SessionStore.open(resource("/export/golden.jsonl"))) {
      StringWriter w = new StringWriter();
      int n = SessionExport.html(store, "b000000d", w, options("grove", "golden.jsonl"));
      assertThat(n).isEqualTo(13);
      JsonNode d = data(w.toString());
      assertThat(d.path("marked").asText()).isEqualTo("b000000d");
      assertThat(d.path("labels").path("b0000009").asText()).isEqualTo("the-fix");
      assertThat(d.path("heads").path("try-1").asText()).isEqualTo("b0000007");
      JsonNode entries = d.path("entries");
      assertThat(entries).hasSize(13);
      assertThat(entries.findValuesAsText("id"))
          .contains("b0000001", "b0000005", "b0000007", "b000000c", "b000000d");
      JsonNode call = entries.get(2);
      assertThat(call.path("model").asText()).isEqualTo("openai:gpt-4.1");
      assertThat(call.path("usage").path("input").asLong()).isEqualTo(1830);
      assertThat(call.path("toolCalls").get(0).path("arguments").asText())
          .isEqualTo("{\n  \"path\" : \"Login.java\"\n}");
      assertThat(entries.get(5).path("isError").asBoolean()).isTrue();
      assertThat(entries.get(6).path("kind").asText()).isEqualTo("lane.failed");
      assertThat(entries.get(7).path("type").asText()).isEqualTo("summary");
      assertThat(entries.get(11).path("type").asText()).isEqualTo("unknown");
      assertThat(entries.get(11).path("unknownType").asText()).isEqualTo("future-thing");
      assertThat(w.toString())
          .contains("<h1>Session <code>0193a4c2-0000-7000-8000-0000000000e1</code></h1>")
          .contains("<dd>grove session · golden.jsonl</dd>")
          .contains("<dd>/home/ada/shop</dd>")
          .contains("<dd>13 in 2 lanes</dd>")
          .contains("Exported by grove test at 2026-12-01T00:00:00Z.");
    }
  }

  @Test
  void htmlEscapesHostileTextEverywhereItGoes() throws IOException {
    Path file = dir.resolve("hostile.jsonl");
    try (SessionStore store = SessionStore.create(file, "/tmp/" + HOSTILE)) {
      Entry u = store.append(Draft.onLane("main", Body.Message.of(Role.USER, HOSTILE)));
      Entry a =
          store.append(
              Draft.onLane(
                  "main",
                  new Body.Message(
                      Role.ASSISTANT,
                      HOSTILE,
                      List.of(new ToolCall("c1", HOSTILE, "{\"x\":\"" + "</script>" + "\"}")),
                      null,
                      false,
                      HOSTILE,
                      null,
                      null)));
      store.append(Draft.label(a.id(), HOSTILE));
      store.append(
          new Draft(
              Parent.of(u.id()),
              "other",
              new Body.Event("x", JSON.createObjectNode().put("k", HOSTILE)),
              false));
      String page = html(store, a.id(), options("grove", HOSTILE));
      String data =
          page.substring(page.indexOf("id=\"grove-session\">") + "id=\"grove-session\">".length());
      data = data.substring(0, data.indexOf("</script>"));
      assertThat(data).doesNotContain("<").doesNotContain(">").doesNotContain("&");
      assertThat(data).doesNotContain("\u2028").doesNotContain("\u2029");
      // only the page's own two script elements, and the hostile text as text in the header
      assertThat(Pattern.compile("<script").matcher(page).results().count()).isEqualTo(2);
      assertThat(page).doesNotContain("<img").contains("&lt;/script&gt;&lt;script&gt;");
      JsonNode d = data(page);
      assertThat(d.path("entries").get(0).path("content").asText()).isEqualTo(HOSTILE);
      assertThat(d.path("labels").path(a.id()).asText()).isEqualTo(HOSTILE);
    }
  }

  @Test
  void theContentSecurityPolicyAllowsExactlyThePageScriptByItsHash() throws Exception {
    try (SessionStore store = SessionStore.open(resource("/export/golden.jsonl"))) {
      String page = html(store, "b000000d", options("grove", "golden.jsonl"));
      Matcher csp =
          Pattern.compile("<meta http-equiv=\"Content-Security-Policy\" content=\"([^\"]*)\">")
              .matcher(page);
      assertThat(csp.find()).isTrue();
      String policy = csp.group(1);
      assertThat(policy).startsWith("default-src 'none'; script-src 'sha256-");
      assertThat(policy).doesNotContain("unsafe-eval").doesNotContain("http");
      Matcher script = Pattern.compile("<script>(.*?)</script>", Pattern.DOTALL).matcher(page);
      assertThat(script.find()).isTrue();
      String hash =
          Base64.getEncoder()
              .encodeToString(
                  MessageDigest.getInstance("SHA-256")
                      .digest(script.group(1).getBytes(StandardCharsets.UTF_8)));
      assertThat(policy).contains("script-src 'sha256-" + hash + "';");
      assertThat(page.indexOf("Content-Security-Policy")).isLessThan(page.indexOf("<style>"));
      assertThat(page).doesNotContain("src=").doesNotContain("href=");
    }
  }

  @Test
  void aPiSessionExportsWithItsThinkingLabelsAndBranches() throws IOException {
    Path source = resource("/foreign/pi/v3-all-types.jsonl");
    try (SessionStore store =
        SessionStore.open(ForeignSessions.readable(source, dir.resolve("imports")))) {
      String page = html(store, "a1000004", options("pi", "v3-all-types.jsonl"));
      JsonNode d = data(page);
      assertThat(d.path("labels").path("a1000002").asText()).isEqualTo("found-it");
      JsonNode a1 = find(d, "a1000001");
      assertThat(a1.path("thinking").get(0).asText()).isEqualTo("Look at Login.java first.");
      assertThat(a1.path("toolCalls")).hasSize(2);
      assertThat(page).contains("<dd>pi session · v3-all-types.jsonl</dd>");
      String md = markdown(store, "a1000004", options("pi", "v3-all-types.jsonl"));
      assertThat(md)
          .contains("- **Source:** a pi session, `v3-all-types.jsonl`")
          .contains("Found the inverted check")
          .doesNotContain("fix the login bug");
    }
  }

  @Test
  void aClaudeCodeTranscriptExportsWithItsParallelCallsAndResults() throws IOException {
    Path source = resource("/foreign/claude/parallel-tools.jsonl");
    try (SessionStore store =
        SessionStore.open(ForeignSessions.readable(source, dir.resolve("imports")))) {
      String leaf = SessionExport.currentLeaf(store);
      JsonNode d = data(html(store, leaf, options("claude", "parallel-tools.jsonl")));
      int[] nodes = {0};
      store.forEachNode(n -> nodes[0]++);
      assertThat(d.path("entries").size()).isEqualTo(nodes[0]);
      assertThat(d.path("entries").findValuesAsText("role")).contains("assistant", "tool");
      assertThat(d.path("entries").findValuesAsText("thinking")).isNotNull();
      assertThat(d.path("entries").findValues("thinking")).isNotEmpty();
      String md = markdown(store, leaf, options("claude", "parallel-tools.jsonl"));
      assertThat(md).contains("a Claude Code transcript").contains("tool result").contains("**→ ");
    }
  }

  private static JsonNode find(JsonNode data, String id) {
    for (JsonNode e : data.path("entries")) {
      if (e.path("id").asText().equals(id)) {
        return e;
      }
    }
    throw new AssertionError("no entry " + id);
  }
}
