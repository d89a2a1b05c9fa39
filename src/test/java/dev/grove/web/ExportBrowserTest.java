package dev.grove.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.grove.session.Body;
import dev.grove.session.Draft;
import dev.grove.session.Entry;
import dev.grove.session.Parent;
import dev.grove.session.Role;
import dev.grove.session.SessionStore;
import dev.grove.session.ToolCall;
import dev.grove.session.export.SessionExport;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;

/**
 * An exported page opened from {@code file://} in headless Chromium: the hostile text of a session
 * is shown as text and runs nothing, the page's own script runs (the CSP admits it by its hash and
 * nothing else), and branches fold and unfold.
 */
class ExportBrowserTest {
  static final String HOSTILE =
      "</script><script>window.pwned=1</script><img src=x onerror=\"window.pwned=2\">"
          + "\u2028<b>bold?</b> \u2029 & end";

  @TempDir static Path tmp;
  static Browser browser;
  static Entry user;
  static Entry side;
  static Entry leaf;

  @BeforeAll
  static void open() throws Exception {
    if ("true".equals(System.getenv("CI"))) {
      assertThat(Browser.available()).as("/usr/bin/chromium and /usr/bin/chromedriver").isTrue();
    }
    Assumptions.assumeTrue(
        Browser.available(),
        "needs Debian's chromium and chromium-driver (apt-get install chromium chromium-driver)");
    Path file = tmp.resolve("hostile.jsonl");
    try (SessionStore store = SessionStore.create(file, "/work/" + HOSTILE)) {
      user = store.append(Draft.onLane("main", Body.Message.of(Role.USER, HOSTILE)));
      store.append(
          Draft.onLane(
              "main",
              new Body.Message(
                  Role.ASSISTANT,
                  HOSTILE,
                  List.of(new ToolCall("c1", "run_command", "{\"cmd\":\"</script>\"}")),
                  null,
                  false,
                  HOSTILE,
                  null,
                  null)));
      store.append(Draft.onLane("main", Body.Message.toolResult("c1", HOSTILE, true)));
      for (int i = 0; i < 250; i++) {
        leaf = store.append(Draft.onLane("main", Body.Message.of(Role.ASSISTANT, "step " + i)));
      }
      side =
          store.append(
              new Draft(
                  Parent.of(user.id()),
                  "side",
                  Body.Message.of(Role.ASSISTANT, "a side branch " + HOSTILE),
                  false));
      store.append(Draft.label(side.id(), HOSTILE));
      Path page = tmp.resolve("page.html");
      try (Writer w = Files.newBufferedWriter(page, StandardCharsets.UTF_8)) {
        SessionExport.html(
            store,
            leaf.id(),
            w,
            SessionExport.Options.of("grove", "hostile.jsonl", "grove test", Instant.now()));
      }
      browser = new Browser(tmp.resolve("profile"));
      browser.open(page.toUri().toString());
    }
    browser.until(d -> "true".equals(browser.js("return document.body.dataset.ready")));
  }

  @AfterAll
  static void close() {
    if (browser != null) {
      browser.close();
    }
  }

  @Test
  void hostileTextIsShownLiterallyAndRunsNothing() {
    assertThat(browser.js("return typeof window.pwned")).isEqualTo("undefined");
    assertThat(browser.js("return document.images.length")).isEqualTo(0L);
    assertThat(browser.js("return document.querySelectorAll('script:not([data-test])').length"))
        .isEqualTo(2L);
    assertThat(browser.js("return document.querySelectorAll('b').length")).isEqualTo(0L);
    assertThat(
            browser.js(
                "return document.getElementById(arguments[0]).querySelector('.text').textContent",
                "e-" + user.id()))
        .isEqualTo(HOSTILE);
    assertThat(browser.text("header dl")).contains("/work/</script><script>window.pwned=1");
  }

  @Test
  void theContentSecurityPolicyStopsAScriptTheEscapingMightHaveMissed() {
    Object ran =
        browser.js(
            "var s = document.createElement('script');"
                + "s.dataset.test = 'csp';"
                + "s.textContent = 'window.injected = 1';"
                + "document.body.appendChild(s);"
                + "return typeof window.injected");
    assertThat(ran).isEqualTo("undefined");
  }

  @Test
  void aBranchUnfoldsWhenOpenedAndFoldsAgain() {
    String sideRow = "#e-" + side.id();
    assertThat(browser.driver.findElements(By.cssSelector(sideRow))).isEmpty();
    browser.click("details.branch > summary");
    assertThat(browser.visible(sideRow).getText()).contains("a side branch </script>");
    assertThat(
            browser.js(
                "return document.querySelector(arguments[0]).textContent", sideRow + " .label"))
        .isEqualTo("#" + HOSTILE);
    browser.click("details.branch > summary");
    browser.until(d -> !d.findElement(By.cssSelector(sideRow)).isDisplayed());
  }

  @Test
  void anEntryOnASideBranchIsShownWithItsPathOpen() throws Exception {
    Path page = tmp.resolve("side.html");
    try (SessionStore store = SessionStore.open(tmp.resolve("hostile.jsonl"));
        Writer w = Files.newBufferedWriter(page, StandardCharsets.UTF_8)) {
      SessionExport.html(
          store,
          side.id(),
          w,
          SessionExport.Options.of("grove", "hostile.jsonl", "grove test", Instant.now()));
    }
    browser.open(page.toUri().toString());
    try {
      browser.until(d -> "true".equals(browser.js("return document.body.dataset.ready")));
      assertThat(browser.visible("#e-" + side.id() + ".marked.on-path").getText())
          .contains("a side branch");
      // the main line is now the branch off the marked path, folded
      assertThat(browser.driver.findElements(By.cssSelector("#e-" + leaf.id()))).isEmpty();
      assertThat(browser.text("details.branch > summary")).contains("main").contains("252 entries");
    } finally {
      browser.open(tmp.resolve("page.html").toUri().toString());
      browser.until(d -> "true".equals(browser.js("return document.body.dataset.ready")));
    }
  }

  @Test
  void aLongRunFoldsItsMiddleAndShowsTheMarkedLeaf() {
    assertThat(browser.visible("#e-" + leaf.id() + ".marked").getText()).contains("step 249");
    String folded = browser.text(".gap");
    assertThat(folded).contains("entries folded");
    int before =
        ((Number) browser.js("return document.querySelectorAll('.entry').length")).intValue();
    browser.click(".gap .show-more");
    browser.until(
        d ->
            ((Number) browser.js("return document.querySelectorAll('.entry').length")).intValue()
                > before);
  }
}
