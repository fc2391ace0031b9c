package io.stickypool.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class GoDurationsTest {
  @ParameterizedTest(name = "{0} = {1} ms")
  @CsvSource({
      "0s, 0", "0ms, 0", "1h, 3600000", "30m, 1800000", "300s, 300000", "500ms, 500",
      "1h30m, 5400000", "90m, 5400000", "01h, 3600000", "00060m, 3600000",
      "1h30m30s500ms, 5430500", "99999h, 359996400000", "1m1m, 120000", "1s1h, 3601000"})
  void parsesGatewayApiDurations(String text, long millis) {
    assertThat(GoDurations.parse(text)).isEqualTo(Duration.ofMillis(millis));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "", "1", "h", "-1h", "+1h", "1.5h", "1 h", " 1h", "1H", "1d", "1us", "1ns", "1µs",
      "100000s", "1h1m1s1ms1h", "1h 30m", "PT1H"})
  void refusesAnythingElse(String text) {
    assertThatThrownBy(() -> GoDurations.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is not a duration")
        .hasMessageContaining("1h30m");
  }

  @ParameterizedTest(name = "{1} ms -> {0}")
  @CsvSource({
      "0s, 0", "500ms, 500", "1s, 1000", "1m, 60000", "1h, 3600000", "1h30m, 5400000",
      "24h, 86400000", "36h, 129600000", "1h1ms, 3600001", "1m30s, 90000",
      "99999h59m59s999ms, 359999999999"})
  void formatsCanonically(String text, long millis) {
    assertThat(GoDurations.format(Duration.ofMillis(millis))).isEqualTo(text);
    assertThat(GoDurations.parse(text)).isEqualTo(Duration.ofMillis(millis));
  }

  @Test
  void refusesToFormatWhatTheSyntaxCannotExpress() {
    assertThatThrownBy(() -> GoDurations.format(Duration.ofSeconds(-1)))
        .hasMessageContaining("negative");
    assertThatThrownBy(() -> GoDurations.format(Duration.ofNanos(1_500_000)))
        .hasMessageContaining("finer than a millisecond");
    assertThatThrownBy(() -> GoDurations.format(Duration.ofHours(100_000)))
        .hasMessageContaining("longer than 99999h");
  }
}
