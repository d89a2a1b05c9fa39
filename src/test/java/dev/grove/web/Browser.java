package dev.grove.web;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Function;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless Chromium driven through its chromedriver (no browser is downloaded): a fresh
 * profile each time, waits on conditions with deadlines, never sleeps.
 */
final class Browser implements AutoCloseable {
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

  /** Where screenshots go: {@code -Dgrove.screenshots=DIR} (docs/ when they are refreshed). */
  static final Path SHOTS = Path.of(System.getProperty("grove.screenshots", "target/screenshots"));

  final ChromeDriver driver;

  static boolean available() {
    return Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
  }

  Browser(Path profile) {
    ChromeOptions o = new ChromeOptions();
    o.setBinary(CHROMIUM.toFile());
    o.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-dev-shm-usage",
        "--user-data-dir=" + profile,
        "--window-size=1440,900");
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(new File(CHROMEDRIVER.toString()))
            .usingAnyFreePort()
            .build();
    driver = new ChromeDriver(service, o);
    driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
  }

  void open(String url) {
    driver.get(url);
  }

  /**
   * Waits until {@code condition} gives something non-null and non-false; fails at the deadline.
   */
  <T> T until(Duration deadline, Function<WebDriver, T> condition) {
    // the page redraws as the run changes: an element found a moment ago may be gone; look again
    try {
      return new WebDriverWait(driver, deadline, Duration.ofMillis(50))
          .ignoring(StaleElementReferenceException.class)
          .until(condition::apply);
    } catch (TimeoutException e) {
      // what the page showed when the wait gave up, for the report (and a picture beside the
      // others)
      String shown;
      try {
        save("failed-wait");
        shown = driver.getCurrentUrl() + "\n" + driver.findElement(By.tagName("body")).getText();
      } catch (RuntimeException unreadable) {
        shown = "(the page could not be read: " + unreadable.getMessage() + ")";
      }
      throw new TimeoutException(e.getMessage() + "\nThe page showed:\n" + shown, e);
    }
  }

  <T> T until(Function<WebDriver, T> condition) {
    return until(Duration.ofSeconds(30), condition);
  }

  WebElement visible(String css) {
    return until(
        d ->
            d.findElements(By.cssSelector(css)).stream()
                .filter(WebElement::isDisplayed)
                .findFirst()
                .orElse(null));
  }

  /** Clicks the element, found again if the page redrew it meanwhile. */
  void click(String css) {
    until(
        d -> {
          WebElement e = visible(css);
          e.click();
          return true;
        });
  }

  String text(String css) {
    return until(d -> d.findElement(By.cssSelector(css)).getText());
  }

  Object js(String script, Object... args) {
    return driver.executeScript(script, args);
  }

  /**
   * Saves the page as {@code SHOTS/name.png}, once a notice of an earlier action has gone (it goes
   * by itself within seconds); taken anyway if it has not.
   */
  void screenshot(String name) {
    try {
      new WebDriverWait(driver, Duration.ofSeconds(8), Duration.ofMillis(100))
          .until(
              d ->
                  Boolean.TRUE.equals(
                      ((org.openqa.selenium.JavascriptExecutor) d)
                          .executeScript(
                              "var t = document.getElementById('toast');"
                                  + " return !t || getComputedStyle(t).opacity === '0';")));
    } catch (TimeoutException e) {
      // a notice shown again and again: the picture shows it
    }
    save(name);
  }

  private void save(String name) {
    try {
      Files.createDirectories(SHOTS);
      Files.write(SHOTS.resolve(name + ".png"), driver.getScreenshotAs(OutputType.BYTES));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    driver.quit();
  }
}
