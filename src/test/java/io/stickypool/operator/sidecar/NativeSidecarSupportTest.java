package io.stickypool.operator.sidecar;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NativeSidecarSupportTest {
  @ParameterizedTest(name = "{0}.{1} -> {2}")
  @CsvSource({
      "1, 27, false",
      "1, 28, false",
      "1, 28+, false",
      "1, 29, true",
      "1, 30+, true",
      "1, 33, true",
      "2, 0, true",
      "0, 99, false",
      "v1, 29, true",
      "one, twenty, true",
      "'', '', true",
  })
  void nativeSidecarsFromKubernetes129(String major, String minor, boolean supported) {
    assertThat(NativeSidecarSupport.supports(major, minor)).isEqualTo(supported);
  }
}
