package io.stickypool.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.stickypool.testing.browser.HeadlessChromium;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What `make demo` tells a user to do: open the printed live view in a browser and watch the
 * scale-down. The short demo runs while headless chromium follows the page: four Active backends,
 * then two Draining, then the two that stayed. Screenshots of those three moments go to
 * {@code target/live-view/demo-*.png}; {@code STICKYPOOL_SCREENSHOTS=docs/images} refreshes the
 * README's.
 */
class ClusterDemoLiveViewE2E {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final Pattern URL =
      Pattern.compile("live view of the pool \\(open it in a browser\\): (http://127\\.0\\.0\\.1:\\d+/)");

  @Test
  @Timeout(180)
  void aUserWatchesTheDrainInTheLiveView() throws Exception {
    Assumptions.assumeTrue(HeadlessChromium.missing().isEmpty(),
        () -> "skipped, no browser: " + HeadlessChromium.missing().orElseThrow());
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream both = new PrintStream(new ClusterDemoE2E.TeeStream(bytes, System.out), true, StandardCharsets.UTF_8);
    Path shots = Path.of(System.getenv().getOrDefault("STICKYPOOL_SCREENSHOTS", "target/live-view"));

    CompletableFuture<ClusterDemoSummary> demo = CompletableFuture.supplyAsync(() -> {
      try {
        return new ClusterDemo(both, ClusterDemoOptions.shortRun(40, false)).run();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    Matcher url = await().atMost(WAIT).until(() -> URL.matcher(bytes.toString(StandardCharsets.UTF_8)), Matcher::find);
    try (HeadlessChromium page = HeadlessChromium.start(1280, 900)) {
      page.open(url.group(1));
      await().atMost(WAIT).untilAsserted(() -> assertThat(states(page))
          .containsExactlyInAnyOrder("Active", "Active", "Active", "Active"));
      await().atMost(WAIT).until(() -> sessions(page) > 0);
      page.screenshot(shots.resolve("demo-before.png"));

      await().atMost(WAIT).untilAsserted(() -> assertThat(states(page)).filteredOn("Draining"::equals).hasSize(2));
      page.screenshot(shots.resolve("demo-during.png"));

      await().atMost(WAIT).untilAsserted(() -> assertThat(states(page)).containsExactly("Active", "Active"));
      // SessionsRebalanced comes once the proxies' re-pins stop growing, a few seconds after the leave.
      await().atMost(WAIT).untilAsserted(() ->
          assertThat(page.count("#moves li[data-reason=SessionsRebalanced]")).as("moves listed").isPositive());
      page.screenshot(shots.resolve("demo-after.png"));
      assertThat(page.consoleErrors()).as("errors in the browser console").isEmpty();
    }
    ClusterDemoSummary summary = demo.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    ClusterDemoE2E.assertStoryHeldTogether(summary);
  }

  @SuppressWarnings("unchecked")
  private static List<String> states(HeadlessChromium page) {
    return (List<String>) page.script(
        "return Array.from(document.querySelectorAll('section.pool tr.backend')).map(r => r.dataset.state);");
  }

  private static long sessions(HeadlessChromium page) {
    return ((Number) page.script("return Array.from(document.querySelectorAll('section.pool tr.backend .sessions'))"
        + ".reduce((sum, s) => sum + (parseInt(s.textContent, 10) || 0), 0);")).longValue();
  }
}
