package io.stickypool.testing.browser;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;
import java.util.stream.Stream;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;

/**
 * A real browser for page tests: Debian's {@code chromium}, driven headless through Debian's
 * {@code chromedriver} (both found on PATH; Selenium downloads nothing). One window per instance.
 */
public final class HeadlessChromium implements AutoCloseable {
  /** What the machine's setup installs; the skip message names it. */
  public static final String INSTALL = "apt-get install -y --no-install-recommends chromium chromium-driver";

  private final ChromeDriver driver;

  private HeadlessChromium(ChromeDriver driver) {
    this.driver = driver;
  }

  /** Empty when both binaries are on PATH, else what is missing and how to install it. */
  public static Optional<String> missing() {
    List<String> absent = Stream.of("chromium", "chromedriver").filter(b -> onPath(b).isEmpty()).toList();
    return absent.isEmpty() ? Optional.empty()
        : Optional.of(String.join(" and ", absent) + " not found on PATH; install them with: " + INSTALL);
  }

  /** Starts chromium headless at {@code width} x {@code height}, recording the page's console. */
  public static HeadlessChromium start(int width, int height) {
    ChromeOptions options = new ChromeOptions();
    options.setBinary(onPath("chromium").orElseThrow().toFile());
    // --no-sandbox: tests run as root in a container, where chromium's sandbox cannot start.
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--no-proxy-server", "--no-first-run", "--disable-extensions", "--hide-scrollbars",
        "--window-size=" + width + "," + height);
    options.setCapability("goog:loggingPrefs", Map.of(LogType.BROWSER, "ALL"));
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(onPath("chromedriver").orElseThrow().toFile())
        .usingAnyFreePort()
        .withTimeout(Duration.ofSeconds(60))
        .build();
    ChromeDriver driver = new ChromeDriver(service, options);
    driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
    return new HeadlessChromium(driver);
  }

  public void open(String url) {
    driver.get(url);
  }

  /** Text content of the first element matching {@code css}, "" when there is none; read in one call. */
  public String text(String css) {
    Object text = driver.executeScript("const e = document.querySelector(arguments[0]); return e ? e.textContent : '';", css);
    return text == null ? "" : text.toString().strip();
  }

  /** How many elements match {@code css} now. */
  public long count(String css) {
    return (Long) driver.executeScript("return document.querySelectorAll(arguments[0]).length;", css);
  }

  /**
   * Runs {@code js} in the page and returns what it returns: one call reads what several element
   * look-ups would, so a redraw in between cannot leave a stale element.
   */
  public Object script(String js) {
    return driver.executeScript(js);
  }

  /** Console messages and page errors at SEVERE since the last call (the log drains as it is read). */
  public List<String> consoleErrors() {
    return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
        .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue()).map(LogEntry::toString).toList();
  }

  /** Saves what the window shows as a PNG. */
  public Path screenshot(Path file) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    driver.quit();
  }

  private static Optional<Path> onPath(String binary) {
    String path = System.getenv().getOrDefault("PATH", "");
    return Stream.of(path.split(File.pathSeparator)).filter(d -> !d.isEmpty()).map(d -> Path.of(d, binary))
        .filter(Files::isExecutable).findFirst();
  }
}
