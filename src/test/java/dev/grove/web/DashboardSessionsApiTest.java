package dev.grove.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.grove.secrets.Secrets;
import dev.grove.session.catalog.Places;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Sessions view's API over real HTTP: pi, Claude Code and Codex sessions in the usual places
 * under a fake home, listed and searched as {@code grove sessions} does, opened by the key the list
 * gives (never by a path), read-only, and a file's troubles said as such.
 */
class DashboardSessionsApiTest {
  static final String TOKEN = "a-test-token-of-some-length";
  static final ObjectMapper JSON = Requests.JSON;

  @TempDir static Path tmp;
  static Path home;
  static Dashboard dashboard;

  @BeforeAll
  static void serve() throws IOException {
    home = tmp.resolve("home");
    place("pi/v3-all-types.jsonl", ".pi/agent/sessions/--home-ada-shop--/v3.jsonl");
    place("pi/damaged.jsonl", ".pi/agent/sessions/--home-ada-bad--/damaged.jsonl");
    place("claude/parallel-tools.jsonl", ".claude/projects/-home-ada-shop/parallel.jsonl");
    place(
        "codex/rollout-2026-11-06T08-00-00-019a2d7a.jsonl",
        ".codex/sessions/2026/11/06/rollout-2026-11-06T08-00-00-019a2d7a.jsonl");
    dashboard =
        Dashboard.start(
            new Dashboard.Settings(
                "127.0.0.1",
                0,
                tmp.resolve("grove-home"),
                List.of(),
                Secrets.none(),
                TOKEN,
                repo -> {
                  throw new IllegalStateException("no repositories here");
                },
                Places.usual(home, Map.of())));
  }

  @AfterAll
  static void stop() {
    dashboard.close();
  }

  /** Copies a fixture of src/test/resources/foreign to {@code where} under the fake home. */
  static Path place(String fixture, String where) throws IOException {
    Path to = home.resolve(where);
    Files.createDirectories(to.getParent());
    try (InputStream in =
        DashboardSessionsApiTest.class.getResourceAsStream("/foreign/" + fixture)) {
      Files.write(to, in.readAllBytes());
    }
    return to;
  }

  static HttpResponse<String> get(String path, String... headers) throws Exception {
    return Requests.get(dashboard, path, headers);
  }

  static HttpResponse<String> authorized(String path) throws Exception {
    return Requests.authorized(dashboard, path);
  }

  static JsonNode api(String path) throws Exception {
    return Requests.api(dashboard, path);
  }

  static JsonNode session(String tool) throws Exception {
    for (JsonNode s : api("/sessions").path("sessions")) {
      if (s.path("tool").asText().equals(tool) && s.path("problems").asInt() == 0) {
        return s;
      }
    }
    throw new AssertionError("no " + tool + " session listed");
  }

  @Test
  void theListIsWhatGroveSessionsListsNewestFirstEachNamedByAKey() throws Exception {
    JsonNode list = api("/sessions");
    List<String> tools = new ArrayList<>();
    List<String> when = new ArrayList<>();
    for (JsonNode s : list.path("sessions")) {
      tools.add(s.path("tool").asText());
      when.add(s.path("lastActivity").asText());
      assertThat(s.path("key").asText()).matches("[0-9a-f]{32}");
    }
    assertThat(tools).contains("pi", "claude", "codex");
    assertThat(when).isSortedAccordingTo(Comparator.reverseOrder());
    JsonNode pi = session("pi");
    assertThat(pi.path("firstMessage").asText()).isEqualTo("fix the login bug");
    assertThat(pi.path("entries").asInt()).isEqualTo(20);
    assertThat(pi.path("labels").toString()).contains("found-it");
    assertThat(pi.path("file").asText()).endsWith("v3.jsonl");
    assertThat(pi.path("hit").isNull()).isTrue();
    // the same file keeps its key from one listing to the next
    assertThat(session("pi").path("key").asText()).isEqualTo(pi.path("key").asText());
  }

  @Test
  void aSearchIsTheCatalogsSearchWithTheEntryThatSaysIt() throws Exception {
    JsonNode found = api("/sessions?q=INVERTED");
    assertThat(found.path("total").asInt()).isEqualTo(found.path("sessions").size());
    JsonNode s = null;
    for (JsonNode x : found.path("sessions")) {
      assertThat(x.path("hit").path("snippet").asText()).containsIgnoringCase("inverted");
      if (x.path("file").asText().endsWith("v3.jsonl")) {
        s = x;
      }
    }
    assertThat(s).as("the pi session says it").isNotNull();
    assertThat(s.path("hit").path("entry").asText()).isEqualTo("a1000002");
    assertThat(s.path("hit").path("snippet").asText()).contains("The check is inverted.");
    assertThat(api("/sessions?q=nobody+said+this").path("sessions")).isEmpty();
    assertThat(api("/sessions?tool=codex").path("sessions").findValuesAsText("tool"))
        .containsOnly("codex");
  }

  @Test
  void aSessionOpensByItsKeyAsATreeWithEntriesContextAndSearch() throws Exception {
    String key = session("pi").path("key").asText();
    JsonNode tree = api("/sessions/" + key + "/tree");
    assertThat(tree.path("key").asText()).isEqualTo(key);
    assertThat(tree.path("ids").toString()).contains("a1000002", "u1000004");
    assertThat(tree.toString()).doesNotContain("The check is inverted"); // no bodies
    JsonNode previews = api("/sessions/" + key + "/entries?ids=u1000001,a1000002");
    assertThat(previews.get(0).path("text").asText()).isEqualTo("fix the login bug");
    assertThat(previews.get(1).path("text").asText()).isEqualTo("The check is inverted.");
    JsonNode entry = api("/sessions/" + key + "/entries/a1000002");
    assertThat(entry.path("entry").path("content").asText()).isEqualTo("The check is inverted.");
    assertThat(entry.path("label").asText()).isEqualTo("found-it");
    assertThat(entry.path("checkpoint").isNull()).isTrue();
    // the compaction keeps its summary and the entries from firstKeptEntryId, as pi builds it
    JsonNode context = api("/sessions/" + key + "/entries/a1000004/context");
    List<String> texts = context.path("entries").findValuesAsText("text");
    assertThat(texts.get(0)).contains("Found the inverted check");
    assertThat(texts).contains("just flip the check", "ship it", "Shipped.");
    assertThat(texts).doesNotContain("fix the login bug");
    assertThat(context.path("count").asInt()).isEqualTo(texts.size());
    assertThat(api("/sessions/" + key + "/search?q=flip").toString()).contains("u1000003");
    // and a Claude Code transcript, its parallel tool calls included
    String claude = session("claude").path("key").asText();
    assertThat(api("/sessions/" + claude + "/tree").path("count").asInt()).isPositive();
  }

  @Test
  void anUnknownKeyOrAPathInPlaceOfAKeyIsNotFound() throws Exception {
    for (String path :
        new String[] {
          "/sessions/0123456789abcdef0123456789abcdef/tree",
          "/sessions/%2Fetc%2Fpasswd/tree",
          "/sessions/..%2F..%2F..%2Fetc%2Fpasswd/entries/x",
          "/sessions/" + home.resolve(".pi/agent/sessions/--home-ada-shop--/v3.jsonl") + "/tree",
          "/sessions/" + session("pi").path("key").asText().toUpperCase(Locale.ROOT) + "/tree"
        }) {
      HttpResponse<String> r = authorized(path);
      assertThat(r.statusCode()).as(path).isEqualTo(404);
      assertThat(r.body()).doesNotContain("root:");
    }
    assertThat(authorized("/sessions/0123456789abcdef0123456789abcdef/tree").body())
        .contains("no session");
    String key = session("pi").path("key").asText();
    HttpResponse<String> missing = authorized("/sessions/" + key + "/entries/nosuchentry");
    assertThat(missing.statusCode()).isEqualTo(404);
    // the pi file is named, not the converted copy the server reads
    assertThat(missing.body()).contains("v3.jsonl").doesNotContain("imports");
  }

  @Test
  void everySessionRequestWithoutTheTokenIsRefused() throws Exception {
    String key = session("pi").path("key").asText();
    for (String path :
        new String[] {
          "/api/sessions",
          "/api/sessions?q=login",
          "/api/sessions/" + key + "/tree",
          "/api/sessions/" + key + "/entries/a1000002",
          "/api/sessions/" + key + "/entries/a1000002/context"
        }) {
      assertThat(get(path).statusCode()).as(path).isEqualTo(401);
      assertThat(get(path, "Authorization", "Bearer wrong-token-of-some-length").statusCode())
          .as(path)
          .isEqualTo(401);
    }
  }

  @Test
  void aDamagedVanishedOrReplacedFileIsAClearErrorNotAFailure() throws Exception {
    String damaged = null;
    for (JsonNode s : api("/sessions").path("sessions")) {
      if (s.path("file").asText().endsWith("damaged.jsonl")) {
        damaged = s.path("key").asText();
      }
    }
    HttpResponse<String> r = authorized("/sessions/" + damaged + "/tree");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(422);
    assertThat(JSON.readTree(r.body()).path("error").asText())
        .contains("damaged.jsonl")
        .contains("line 3");

    Path gone = place("pi/v1-linear.jsonl", ".pi/agent/sessions/--home-ada-old--/gone.jsonl");
    String goneKey = keyOf(gone);
    Files.delete(gone);
    r = authorized("/sessions/" + goneKey + "/tree");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(410);
    assertThat(r.body()).contains("is gone");

    // listed as a file, then replaced by a link to a file elsewhere: not followed
    Path linked = place("pi/v1-linear.jsonl", ".pi/agent/sessions/--home-ada-old--/linked.jsonl");
    String linkedKey = keyOf(linked);
    Path elsewhere = place("pi/v1-linear.jsonl", "elsewhere/secret.jsonl");
    Files.delete(linked);
    Files.createSymbolicLink(linked, elsewhere);
    r = authorized("/sessions/" + linkedKey + "/entries?ids=");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(422);
    assertThat(r.body()).contains("no longer a regular file");
  }

  @Test
  void aFolderReplacedByALinkSinceTheListingIsNotFollowed() throws Exception {
    Path file = place("claude/parallel-tools.jsonl", ".claude/projects/-home-ada-moved/a.jsonl");
    String key = keyOf(file);
    Path folder = file.getParent();
    Path elsewhere = Files.move(folder, tmp.resolve("elsewhere-folder"));
    Files.createSymbolicLink(folder, elsewhere);
    // the file itself is still a regular file at its path, but reached through a link
    assertThat(Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)).isTrue();
    HttpResponse<String> r = authorized("/sessions/" + key + "/tree");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(422);
    assertThat(r.body()).contains("symbolic link");
  }

  static String keyOf(Path file) throws Exception {
    for (JsonNode s : api("/sessions").path("sessions")) {
      if (s.path("file").asText().equals(file.toString())) {
        return s.path("key").asText();
      }
    }
    throw new AssertionError(file + " is not listed");
  }
}
