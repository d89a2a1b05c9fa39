package dev.grove.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.grove.git.Git;
import dev.grove.orchestrator.ForkPoint;
import dev.grove.orchestrator.Orchestrator;
import dev.grove.orchestrator.Runs;
import dev.grove.orchestrator.SampleRepository;
import dev.grove.orchestrator.Task;
import dev.grove.orchestrator.Workbench;
import dev.grove.session.Body;
import dev.grove.session.Entry;
import dev.grove.session.Role;
import dev.grove.session.SessionStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

/**
 * The dashboard in real headless Chromium, one flow per view: the runs list, a live run started by
 * the test (its lanes change without a reload, and its agent answers a message sent from the page),
 * the session tree (unfold, filter, search, keyboard, an entry and its diff, a label), two lanes
 * side by side, a fork from an entry that runs, a page without the token refused, and the Sessions
 * view (pi and Claude Code sessions under a fake home, listed, searched and opened). Screenshots of
 * each view go to {@code target/screenshots} ({@code -Dgrove.screenshots=docs/screenshots} to
 * refresh the documentation's).
 */
class DashboardBrowserTest {
  @TempDir static Path tmp;
  static DemoRun demo;
  static Dashboard dashboard;
  static Browser browser;

  @BeforeAll
  static void open() {
    if ("true".equals(System.getenv("CI"))) {
      // .ci/run installs them: on CI a missing browser is a failure, not a reason to skip
      assertThat(Browser.available()).as("/usr/bin/chromium and /usr/bin/chromedriver").isTrue();
    }
    Assumptions.assumeTrue(
        Browser.available(),
        "needs Debian's chromium and chromium-driver (apt-get install chromium chromium-driver)");
    demo = DemoRun.make(tmp);
    placeForeignSessions();
    dashboard = demo.serve(null);
    browser = new Browser(tmp.resolve("profile"));
    browser.open(dashboard.url().toString());
  }

  @AfterAll
  static void close() {
    if (browser != null) {
      browser.close();
    }
    if (dashboard != null) {
      dashboard.close();
    }
  }

  static void go(String hash) {
    browser.open(dashboard.address() + "/#" + hash);
  }

  @Test
  void theRunsListShowsEveryRunAndWhatNeedsAPerson() {
    go("/");
    // the list redraws whenever a run changes (other tests start runs): read the row as it is now
    String row =
        browser.until(
            d -> {
              String text = browser.visible("#runs tr[data-run='" + demo.run + "']").getText();
              return text.contains("finished") ? text : null;
            });
    assertThat(row).contains("shop");
    browser.until(
        d ->
            d.findElements(By.cssSelector("#queue .item")).stream()
                .anyMatch(
                    e ->
                        e.getText().contains("fix-rounding")
                            && e.getText().contains("verification failed")));
    browser.screenshot("runs");
  }

  @Test
  void aLiveRunUpdatesWithoutReloadAndItsAgentAnswersAMessageFromThePage() throws Exception {
    Path where = Files.createDirectories(tmp.resolve("live"));
    SampleRepository.Made shop = SampleRepository.create(where, new Git(Map.of()));
    Path script = where.resolve("listener.json");
    try (InputStream in = getClass().getResourceAsStream("/scripts/listener.json")) {
      Files.write(script, in.readAllBytes());
    }
    Workbench wb = DemoRun.workbench(tmp, shop.repo(), script);
    go("/");
    browser.visible("#runs");
    browser.js("window.notReloaded = true");
    try (Orchestrator run =
        Orchestrator.start(
            wb,
            new Orchestrator.Options(null, 2, 0, null, "origin", null, false),
            Orchestrator.Listener.NONE,
            "tasks")) {
      String lane = run.spawn(new Task("listen", "Wait for a word from the user", null));
      // the new run appears in the list by itself
      browser.click("#runs tr[data-run='" + run.runId() + "'] a");
      browser.visible("#lanes tr[data-lane='listen'][data-state='running']");
      browser.js("window.notReloaded = true");
      browser.until(d -> !d.findElements(By.cssSelector("#timeline .tl-bar.open")).isEmpty());
      browser.screenshot("run");
      browser.click("#lanes tr[data-lane='listen'] button[data-action='say']");
      browser.until(
          d -> {
            browser
                .visible(".sayrow input")
                .sendKeys("ping from the page: the README is all you need");
            return true;
          });
      browser.click(".sayrow button");
      browser.until(
          Duration.ofSeconds(60),
          d ->
              !d.findElements(
                      By.cssSelector("#lanes tr[data-lane='listen'][data-state='finished']"))
                  .isEmpty());
      assertThat(browser.js("return window.notReloaded === true")).isEqualTo(true);
      assertThat(browser.text("#lanes tr[data-lane='listen']")).contains("answered the ping");
      SessionStore s = run.session();
      List<Entry> context = s.context(s.laneHead(lane).orElseThrow());
      List<String> said =
          context.stream()
              .map(e -> (Body.Message) e.body())
              .filter(m -> m.role() == Role.USER || m.role() == Role.ASSISTANT)
              .map(Body.Message::content)
              .toList();
      assertThat(said)
          .containsSubsequence(
              "ping from the page: the README is all you need", "pong: I read your message.");
    }
  }

  @Test
  void theTreeUnfoldsFiltersSearchesAndOpensAnEntryWithItsDiff() throws Exception {
    go("/run/" + demo.run + "/tree");
    browser.visible("#rows .trow");
    long before = ((Number) browser.js("return window.groveTree.rows.length")).longValue();
    browser.click("#rows .trow.fold");
    browser.until(
        d -> ((Number) browser.js("return window.groveTree.rows.length")).longValue() > before);

    // filter: user messages only
    new org.openqa.selenium.support.ui.Select(browser.visible("#filter")).selectByValue("user");
    browser.until(
        d ->
            (Boolean)
                browser.js(
                    "const t = window.groveTree; return t.rows.length > 0 && t.rows.every(r => t.shape.kinds[r.node] === 1)"));
    new org.openqa.selenium.support.ui.Select(browser.visible("#filter")).selectByValue("all");

    // search, then move with the keyboard
    WebElement search = browser.visible("#search");
    search.sendKeys("Math.ceil", Keys.ENTER);
    browser.until(d -> browser.text("#count").matches("\\d+ match(es)?"));
    String first = browser.until(d -> (String) browser.js("return window.groveTree.selectedId()"));
    browser.visible("#rows").sendKeys(Keys.ARROW_DOWN);
    browser.until(d -> !first.equals(browser.js("return window.groveTree.selectedId()")));
    search.clear();
    search.sendKeys(Keys.ENTER);

    // the tool result of the bad edit: its checkpoint's diff
    String edit = badEditResult();
    browser.js("window.groveTree.selectId(arguments[0])", edit);
    WebElement diff = browser.visible("#entry-diff .d2h-file-wrapper");
    assertThat(diff.getText()).contains("Pricing.java").contains("Math.ceil");
    browser.screenshot("tree-entry-diff");

    // a label, shown in the tree
    WebElement label = browser.visible("#label-input");
    label.clear();
    label.sendKeys("bad decision");
    browser.click("#label-save");
    browser.until(
        d ->
            d.findElements(By.cssSelector("#rows .trow .label")).stream()
                .anyMatch(e -> e.getText().contains("#bad decision")));
  }

  /** Markup and script in every place an agent (or another tool) writes text the page shows. */
  static final String HOSTILE =
      "<img src=x onerror=\"window.pwned='img'\"></script><script>window.pwned='script'</script>"
          + "<svg onload=\"window.pwned='svg'\"></svg>\u2028<a href=\"javascript:window.pwned='a'\">x</a>";

  @Test
  void hostileTextInEntriesToolCallsAndLabelsIsShownAsTextAndRunsNothing() throws Exception {
    String asked;
    String called;
    try (SessionStore s =
        SessionStore.open(Runs.dir(demo.shop.repo()).resolve(demo.run + ".jsonl"))) {
      // a lane of its own (no spawn event: the run's state and the other tests' lanes are as they
      // were)
      String below = s.laneHead("fix-discount").orElseThrow();
      asked =
          s.append(
                  new dev.grove.session.Draft(
                      dev.grove.session.Parent.of(below),
                      "hostile",
                      Body.Message.of(Role.USER, HOSTILE)))
              .id();
      called =
          s.append(
                  dev.grove.session.Draft.onLane(
                      "hostile",
                      new Body.Message(
                          Role.ASSISTANT,
                          HOSTILE,
                          List.of(
                              new dev.grove.session.ToolCall(
                                  "c<b>1</b>",
                                  "<img src=x onerror=\"window.pwned='name'\">",
                                  com.fasterxml.jackson.databind.node.JsonNodeFactory.instance
                                      .objectNode()
                                      .put("path", HOSTILE)
                                      .toString())),
                          null,
                          false,
                          "<i>model</i>",
                          null,
                          null)))
              .id();
      s.append(dev.grove.session.Draft.label(asked, "<img src=x onerror=window.pwned='label'>"));
    }
    go("/run/" + demo.run + "/tree");
    browser.driver.navigate().refresh(); // the tree as the file is now (the page may be this one)
    browser.visible("#rows .trow"); // a fresh page: window.pwned is set only if something ran
    browser.until(
        d -> {
          browser.js("window.groveTree.selectId(arguments[0])", asked);
          return d.findElements(By.cssSelector("#entry-content")).stream()
              .anyMatch(
                  e ->
                      e.getText().contains("<img src=x onerror=")
                          && e.getText().contains("<script>"));
        });
    browser.js("window.groveTree.selectId(arguments[0])", called);
    browser.until(d -> browser.text(".call .name").contains("<img src=x"));
    String args = browser.text(".call .content");
    assertThat(args).as(args.replace("\u2028", "<LS>")).contains("</script><script>");
    // the label, on the entry's page
    browser.js("window.groveTree.selectId(arguments[0])", asked);
    browser.until(
        d ->
            d.findElements(By.cssSelector(".entry-head .pill")).stream()
                .anyMatch(e -> e.getText().contains("#<img src=x onerror=")));
    // the tree's search runs over the same text
    search("onerror");
    browser.until(d -> browser.text("#count").matches("\\d+ match(es)?"));
    assertThat(browser.js("return window.pwned")).as("a script of the entries ran").isNull();
    assertThat(d().findElements(By.cssSelector("#entry img, #rows img, .call img, svg[onload]")))
        .as("markup from the entries became elements")
        .isEmpty();
  }

  static org.openqa.selenium.WebDriver d() {
    return browser.driver;
  }

  static void search(String text) {
    WebElement search = browser.visible("#search");
    search.clear();
    search.sendKeys(text, Keys.ENTER);
  }

  /** The tool result that carries the checkpoint of fix-rounding's bad edit. */
  static String badEditResult() {
    try (SessionStore s =
        SessionStore.open(Runs.dir(demo.shop.repo()).resolve(demo.run + ".jsonl"))) {
      for (var n : s.path(s.laneHead("fix-rounding").orElseThrow())) {
        Entry e = s.entry(n.id());
        if (e.body() instanceof Body.Message m
            && m.role() == Role.TOOL
            && m.checkpoint() != null
            && s.entry(e.parentId()).body() instanceof Body.Message a
            && a.toolCalls().stream().anyMatch(c -> c.arguments().contains("Math.ceil"))) {
          return e.id();
        }
      }
    }
    throw new IllegalStateException("no bad edit in the demo run");
  }

  @Test
  void twoLanesSideBySide() {
    go("/run/" + demo.run);
    // a bar for each lane (the scripted model costs nothing: the bars themselves may be empty)
    browser.until(d -> d.findElements(By.cssSelector("#costs .cost-bar")).size() >= 4);
    browser.screenshot("run-finished");
    browser.click("#lanes tr[data-lane='fix-rounding'] input[type=checkbox]");
    browser.click("#lanes tr[data-lane='fix-rounding-2'] input[type=checkbox]");
    browser.click("#compare");
    WebElement between = browser.visible("#between-diff .d2h-file-wrapper");
    assertThat(between.getText()).contains("Pricing.java");
    assertThat(browser.text("#side-a")).contains("failed");
    assertThat(browser.text("#side-b")).contains("shipped");
    browser.screenshot("compare");
  }

  @Test
  void aForkFromAnEntryWithAHintRunsAsANewLane() {
    String at;
    try (SessionStore s =
        SessionStore.open(Runs.dir(demo.shop.repo()).resolve(demo.run + ".jsonl"))) {
      at = ForkPoint.afterFailure(s, "fix-rounding", "verification failed").entryId();
    }
    go("/run/" + demo.run + "/tree/" + at);
    WebElement hint = browser.visible("#fork-hint");
    hint.sendKeys("Hint: round half up to the nearest cent, with BigDecimal.");
    browser.click("#fork");
    browser.until(
        Duration.ofSeconds(30),
        d -> !d.findElements(By.cssSelector("#lanes tr[data-lane='fix-rounding-3']")).isEmpty());
    browser.until(
        Duration.ofSeconds(90),
        d ->
            !d.findElements(
                    By.cssSelector("#lanes tr[data-lane='fix-rounding-3'][data-state='shipped']"))
                .isEmpty());
    assertThat(browser.text("#lanes tr[data-lane='fix-rounding-3']"))
        .contains("fork of fix-rounding");
  }

  /** pi and Claude Code sessions in the usual places under the demo's fake home. */
  static void placeForeignSessions() {
    try {
      copy("pi/v3-all-types.jsonl", ".pi/agent/sessions/--home-ada-shop--/login.jsonl");
      copy("claude/parallel-tools.jsonl", ".claude/projects/-home-ada-shop/parallel.jsonl");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A pi session whose messages, tool call and label are markup and script: listed until the file
   * it returns is deleted.
   */
  static Path placeHostileSession() throws IOException {
    ObjectMapper json = new ObjectMapper();
    var f = JsonNodeFactory.instance;
    var header =
        f.objectNode()
            .put("type", "session")
            .put("version", 3)
            .put("id", "0c5f2a9e-0000-4e3a-9c2f-00000000bad1")
            .put("timestamp", "2026-11-04T10:00:00.000Z")
            .put("cwd", "/home/ada/hostile");
    var asked =
        f.objectNode()
            .put("type", "message")
            .put("id", "h0000001")
            .putNull("parentId")
            .put("timestamp", "2026-11-04T10:00:01.000Z");
    asked.putObject("message").put("role", "user").put("content", HOSTILE).put("timestamp", 1);
    var answered =
        f.objectNode()
            .put("type", "message")
            .put("id", "h0000002")
            .put("parentId", "h0000001")
            .put("timestamp", "2026-11-04T10:00:02.000Z");
    var m = answered.putObject("message").put("role", "assistant");
    var content = m.putArray("content");
    content.addObject().put("type", "text").put("text", HOSTILE);
    var call =
        content
            .addObject()
            .put("type", "toolCall")
            .put("id", "c<b>1</b>")
            .put("name", "<img src=x onerror=\"window.pwned='name'\">");
    call.putObject("arguments").put("path", HOSTILE);
    m.put("provider", "x").put("model", "<i>model</i>").put("timestamp", 2);
    var label =
        f.objectNode()
            .put("type", "label")
            .put("id", "h0000003")
            .put("parentId", "h0000002")
            .put("timestamp", "2026-11-04T10:00:03.000Z")
            .put("targetId", "h0000001")
            .put("label", "<img src=x onerror=window.pwned='label'>");
    StringBuilder file = new StringBuilder();
    for (var line : List.of(header, asked, answered, label)) {
      file.append(json.writeValueAsString(line)).append('\n');
    }
    Path hostile = demo.home().resolve(".pi/agent/sessions/--home-ada-hostile--/hostile.jsonl");
    Files.createDirectories(hostile.getParent());
    Files.writeString(hostile, file);
    return hostile;
  }

  static Path copy(String fixture, String where) throws IOException {
    Path to = demo.home().resolve(where);
    Files.createDirectories(to.getParent());
    try (InputStream in = DashboardBrowserTest.class.getResourceAsStream("/foreign/" + fixture)) {
      Files.write(to, in.readAllBytes());
    }
    return to;
  }

  @Test
  void theSessionsViewListsPiAndClaudeSessionsSearchesThemAndOpensOneReadOnly() {
    go("/sessions");
    browser.visible("#sessions tr[data-tool='pi']");
    browser.visible("#sessions tr[data-tool='claude']");
    // the demo's run is a grove session among them, with a link to its run
    browser.visible("#sessions tr[data-tool='grove'] a.runlink");
    assertThat(browser.text("#sessions tr[data-tool='claude']"))
        .contains("fix the failing login test");
    browser.screenshot("sessions");

    WebElement search = browser.visible("#sessions-search");
    search.sendKeys("inverted", Keys.ENTER);
    browser.until(d -> browser.text("#sessions-count").contains("say"));
    browser.until(
        d ->
            d.findElements(By.cssSelector("#sessions tr[data-tool='pi'] .snippet")).stream()
                .anyMatch(e -> e.getText().contains("a1000002: The check is inverted.")));
    browser.click("#sessions tr[data-tool='pi'] a.open");

    // opened at the entry that says it, in the run view's tree and entry panel
    browser.until(d -> browser.text("#entry-content").equals("The check is inverted."));
    assertThat(browser.text(".entry-head")).contains("#found-it");
    assertThat(d().findElements(By.cssSelector("#label-input, #fork"))).as("read-only").isEmpty();
    assertThat(browser.text("#fork-command"))
        .startsWith("grove fork a1000002 --from ")
        .contains("login.jsonl --repo DIR");
    browser.click("#show-context");
    browser.until(d -> d.findElements(By.cssSelector("#entry-context li")).size() >= 3);
    assertThat(browser.text("#entry-context")).contains("fix the login bug").contains("Looking.");
    browser.screenshot("session-tree");

    // the tree's filter and search work as for a run
    search("flip");
    browser.until(d -> browser.text("#count").equals("1 match"));
    browser.until(d -> browser.text("#entry-content").equals("just flip the check"));

    // a Claude Code transcript, from the list
    go("/sessions");
    browser.click("#sessions tr[data-tool='claude'] a.open");
    browser.visible("#rows .trow");
    search("failing login");
    browser.until(d -> browser.text("#entry-content").contains("fix the failing login test"));
  }

  @Test
  void aSessionGoneSinceItWasListedIsSaidInThePage() throws Exception {
    Path gone = copy("pi/v1-linear.jsonl", ".pi/agent/sessions/--home-ada-old--/gone.jsonl");
    go("/sessions");
    String row = "#sessions tr[data-tool='pi'] a.open[title='" + gone + "']";
    browser.visible(row);
    Files.delete(gone);
    browser.click(row);
    assertThat(browser.visible("#problem").getText())
        .contains("cannot be shown")
        .contains("is gone");
  }

  @Test
  void hostileTextInAnotherToolsSessionIsShownAsTextAndRunsNothing() throws Exception {
    Path hostile = placeHostileSession();
    try {
      showsHostileSessionAsText();
    } finally {
      Files.delete(hostile); // the other views' screenshots without it
    }
  }

  private static void showsHostileSessionAsText() {
    go("/sessions");
    browser.driver.navigate().refresh(); // a fresh page: window.pwned is set only if something ran
    String row = "#sessions tr[data-tool='pi'] a.open[title$='hostile.jsonl']";
    assertThat(browser.visible(row).getText()).contains("<img src=x onerror=");
    assertThat(browser.text("#sessions")).contains("#<img src=x onerror=window.pwned='label'>");
    browser.click(row);
    browser.visible("#rows .trow");
    browser.until(
        d -> {
          browser.js("window.groveTree.selectId(arguments[0])", "h0000001");
          return d.findElements(By.cssSelector("#entry-content")).stream()
              .anyMatch(
                  e ->
                      e.getText().contains("<img src=x onerror=")
                          && e.getText().contains("<script>"));
        });
    browser.click("#show-context");
    browser.until(d -> browser.text("#entry-context").contains("<svg onload="));
    browser.js("window.groveTree.selectId(arguments[0])", "h0000002");
    browser.until(d -> browser.text(".call .name").contains("<img src=x"));
    assertThat(browser.text(".call .content")).contains("</script><script>");
    assertThat(browser.js("return window.pwned")).as("a script of the session ran").isNull();
    assertThat(
            d().findElements(
                    By.cssSelector("#entry img, #rows img, #sessions img, .call img, svg[onload]")))
        .as("markup from the session became elements")
        .isEmpty();
  }

  @Test
  void aPageWithoutTheTokenIsRefused() {
    try {
      browser.driver.manage().deleteAllCookies();
      browser.open(dashboard.address() + "/");
      assertThat(browser.driver.getPageSource()).contains("needs its token");
    } finally {
      browser.open(dashboard.url().toString());
    }
  }
}
