package dev.grove.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dashboard's JSON API over real HTTP, on the demo's run. */
class DashboardApiTest {
  static final String TOKEN = "a-test-token-of-some-length";
  static final ObjectMapper JSON = Requests.JSON;

  @TempDir static Path tmp;
  static DemoRun demo;
  static Dashboard dashboard;

  @BeforeAll
  static void serve() {
    demo = DemoRun.make(tmp);
    dashboard = demo.serve(TOKEN);
  }

  @AfterAll
  static void stop() {
    dashboard.close();
  }

  static HttpResponse<String> get(String path, String... headers) throws Exception {
    return Requests.get(dashboard, path, headers);
  }

  static JsonNode api(String path) throws Exception {
    return Requests.api(dashboard, path);
  }

  static HttpResponse<String> post(String path, String body, String... headers) throws Exception {
    return Requests.post(dashboard, path, body, headers);
  }

  static JsonNode change(String path, String body) throws Exception {
    HttpResponse<String> r =
        post(path, body, "Authorization", "Bearer " + TOKEN, "Content-Type", "application/json");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  @Test
  void everyRequestWithoutTheTokenIsRefusedReadOrWrite() throws Exception {
    for (String path : new String[] {"/", "/app.js", "/api/runs", "/api/runs/" + demo.run}) {
      HttpResponse<String> r = get(path);
      assertThat(r.statusCode()).as(path).isEqualTo(401);
      assertThat(r.body()).contains("token").doesNotContain(TOKEN);
    }
    assertThat(get("/api/runs", "Authorization", "Bearer wrong-token-of-some-length").statusCode())
        .isEqualTo(401);
    HttpResponse<String> post =
        post("/runs/" + demo.run + "/clean", "{}", "Content-Type", "application/json");
    assertThat(post.statusCode()).isEqualTo(401);
  }

  @Test
  void theTokenInTheAddressBecomesAnHttpOnlyCookieAndLeavesTheAddress() throws Exception {
    HttpResponse<String> r = get("/?token=" + TOKEN);
    assertThat(r.statusCode()).isEqualTo(303);
    assertThat(r.headers().firstValue("Location")).contains("/");
    String cookie = r.headers().firstValue("Set-Cookie").orElseThrow();
    assertThat(cookie).contains("HttpOnly").contains("SameSite=Strict");
    String pair = cookie.substring(0, cookie.indexOf(';'));
    HttpResponse<String> page = get("/", "Cookie", pair);
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains("<title>grove</title>").doesNotContain(TOKEN);
    assertThat(page.headers().firstValue("Content-Security-Policy"))
        .hasValueSatisfying(csp -> assertThat(csp).contains("script-src 'self'"));
    assertThat(get("/api/runs", "Cookie", pair).statusCode()).isEqualTo(200);
  }

  @Test
  void aForeignHostOrOriginIsRefused() throws Exception {
    // DNS rebinding: a page of another name that now points at 127.0.0.1
    assertThat(rawStatus("GET /api/runs HTTP/1.1\r\nHost: evil.example:" + dashboard.port()))
        .isEqualTo(421);
    HttpResponse<String> csrf =
        post(
            "/runs/" + demo.run + "/clean",
            "{}",
            "Authorization",
            "Bearer " + TOKEN,
            "Content-Type",
            "application/json",
            "Origin",
            "http://evil.example");
    assertThat(csrf.statusCode()).isEqualTo(403);
    HttpResponse<String> form =
        post(
            "/runs/" + demo.run + "/clean",
            "x=1",
            "Authorization",
            "Bearer " + TOKEN,
            "Content-Type",
            "application/x-www-form-urlencoded");
    assertThat(form.statusCode()).isEqualTo(415);
  }

  /** A request written by hand, for headers an HTTP client will not send (a foreign Host). */
  static int rawStatus(String head) throws IOException {
    try (Socket s = new Socket("127.0.0.1", dashboard.port())) {
      s.getOutputStream()
          .write(
              (head + "\r\nAuthorization: Bearer " + TOKEN + "\r\nConnection: close\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      InputStream in = s.getInputStream();
      String status = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
      return Integer.parseInt(status.substring(9, 12));
    }
  }

  @Test
  void theRunsListHasEveryRunAndWhatNeedsAPerson() throws Exception {
    JsonNode runs = api("/runs");
    assertThat(runs.path("runs")).hasSize(1);
    JsonNode run = runs.path("runs").get(0);
    assertThat(run.path("run").asText()).isEqualTo(demo.run);
    assertThat(run.path("state").asText()).isEqualTo("finished");
    assertThat(run.path("repo").asText()).isEqualTo(demo.shop.repo().toRealPath().toString());
    assertThat(runs.path("queue").findValuesAsText("kind")).containsExactly("verification");
    assertThat(runs.path("queue").get(0).path("lane").asText()).isEqualTo("fix-rounding");
  }

  @Test
  void aRunSpeaksTheCliVocabularyWithLaneActivity() throws Exception {
    JsonNode run = api("/runs/" + demo.run);
    for (String field :
        new String[] {
          "run",
          "session",
          "file",
          "state",
          "resumable",
          "started",
          "model",
          "base",
          "succeeded",
          "inputTokens",
          "outputTokens",
          "cost",
          "lanes"
        }) {
      assertThat(run.has(field)).as(field).isTrue();
    }
    JsonNode lane = run.path("lanes").get(0);
    assertThat(lane.path("lane").asText()).isEqualTo("fix-discount");
    assertThat(lane.path("state").asText()).isEqualTo("shipped");
    assertThat(lane.path("lastTool").asText()).isEqualTo("finish");
    assertThat(lane.path("spans")).hasSize(1);
    assertThat(lane.path("spans").get(0).path("how").asText()).isEqualTo("finished");
    assertThat(lane.path("verification").path("ok").asBoolean()).isTrue();
    assertThat(run.path("lanes").get(3).path("forkOf").asText()).isEqualTo("fix-rounding");
  }

  @Test
  void theTreeIsItsShapeAndBodiesComeOnDemand() throws Exception {
    JsonNode tree = api("/runs/" + demo.run + "/tree");
    int count = tree.path("count").asInt();
    assertThat(tree.path("ids")).hasSize(count);
    assertThat(tree.path("parents")).hasSize(count);
    assertThat(tree.path("parents").get(0).asInt()).isEqualTo(-1);
    assertThat(tree.path("laneNames").toString()).contains("fix-rounding-2");
    assertThat(tree.toString()).doesNotContain("Math.ceil"); // no bodies
    String first = tree.path("ids").get(0).asText();
    String second = tree.path("ids").get(1).asText();
    JsonNode previews = api("/runs/" + demo.run + "/entries?ids=" + first + "," + second);
    assertThat(previews.get(0).path("kind").asText()).isEqualTo("run.started");
    assertThat(previews.get(1).path("kind").asText()).isEqualTo("run.tasks");
    JsonNode hits = api("/runs/" + demo.run + "/search?q=math.ceil");
    assertThat(hits.size()).isPositive();
  }

  @Test
  void anEntryWithACheckpointHasTheDiffOfWhatItChanged() throws Exception {
    JsonNode tree = api("/runs/" + demo.run + "/tree");
    String edit = null;
    for (JsonNode id : api("/runs/" + demo.run + "/search?q=Math.ceil")) {
      int at = -1;
      for (int i = 0; i < tree.path("ids").size(); i++) {
        if (tree.path("ids").get(i).asText().equals(id.asText())) {
          at = i;
        }
      }
      for (int i = 0; i < tree.path("parents").size(); i++) {
        if (tree.path("parents").get(i).asInt() == at && at >= 0) {
          JsonNode e = api("/runs/" + demo.run + "/entries/" + tree.path("ids").get(i).asText());
          if (!e.path("checkpoint").isNull()) {
            edit = tree.path("ids").get(i).asText();
          }
        }
      }
    }
    assertThat(edit).as("the tool result of the bad edit carries a checkpoint").isNotNull();
    JsonNode diff = api("/runs/" + demo.run + "/entries/" + edit + "/diff");
    assertThat(diff.path("patch").asText())
        .contains("src/Pricing.java")
        .contains("-    return Math.floor(amount * 100) / 100;")
        .contains("+    return Math.ceil(amount * 100) / 100;");
  }

  @Test
  void aShippedLanesChangeAndTwoLanesSideBySide() throws Exception {
    JsonNode lane = api("/runs/" + demo.run + "/lanes/fix-discount/diff");
    assertThat(lane.path("patch").asText()).contains("+    return price - price * percent / 100;");
    JsonNode c = api("/runs/" + demo.run + "/compare?a=fix-rounding&b=fix-rounding-2");
    assertThat(c.path("a").path("lane").path("state").asText()).isEqualTo("failed");
    assertThat(c.path("b").path("lane").path("state").asText()).isEqualTo("shipped");
    assertThat(c.path("between").path("patch").asText())
        .contains("-    return Math.ceil(amount * 100) / 100;")
        .contains("RoundingMode.HALF_UP");
  }

  @Test
  void labellingAnEntryAndTheErrorsOfBadRequests() throws Exception {
    String id = api("/runs/" + demo.run + "/tree").path("ids").get(3).asText();
    JsonNode labelled =
        change("/runs/" + demo.run + "/entries/" + id + "/label", "{\"label\":\"look here\"}");
    assertThat(labelled.path("label").asText()).isEqualTo("look here");
    assertThat(api("/runs/" + demo.run + "/tree").path("labels").path(id).asText())
        .isEqualTo("look here");
    HttpResponse<String> none =
        get("/api/runs/20990101-000000-00000000", "Authorization", "Bearer " + TOKEN);
    assertThat(none.statusCode()).isEqualTo(404);
    assertThat(JSON.readTree(none.body()).path("error").asText()).contains("no run");
    HttpResponse<String> traversal =
        get("/api/runs/..%2F..%2Fetc", "Authorization", "Bearer " + TOKEN);
    assertThat(traversal.statusCode()).isEqualTo(404);
    HttpResponse<String> ended =
        post(
            "/runs/" + demo.run + "/lanes/fix-discount/say",
            "{\"text\":\"hello\"}",
            "Authorization",
            "Bearer " + TOKEN,
            "Content-Type",
            "application/json");
    assertThat(ended.statusCode()).as(ended.body()).isEqualTo(409);
    assertThat(ended.body()).contains("has ended (shipped)");
  }

  @Test
  void aMergeIsCheckedThenDone() throws Exception {
    JsonNode check = api("/runs/" + demo.run + "/lanes/add-tax/merge-check");
    assertThat(check.path("merged").asBoolean()).isFalse();
    assertThat(check.path("conflicts")).isEmpty();
    assertThat(check.path("into").asText()).isEqualTo("main");
    JsonNode merged = change("/runs/" + demo.run + "/lanes/add-tax/merge", "{}");
    assertThat(merged.path("merged").asBoolean()).isTrue();
    assertThat(merged.path("commit").asText()).hasSize(40);
  }
}
