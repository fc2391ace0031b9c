package io.stickypool.core.cookie;

import static org.assertj.core.api.Assertions.assertThat;

import io.stickypool.core.backend.BackendId;
import org.junit.jupiter.api.Test;

class CookieBackendTokenTest {
  @Test
  void isFirstEightBytesOfSha256OfId() {
    // printf 'web-7d9f8c6b5-x2x9k' | sha256sum | cut -c1-16
    assertThat(BackendToken.of(BackendId.of("web-7d9f8c6b5-x2x9k"))).isEqualTo(0x8f1cb252be1d56bdL);
    assertThat(BackendToken.of(BackendId.of("pod-a"))).isEqualTo(0x9bb860b4a6e4acf9L);
  }

  @Test
  void isStableAcrossCallsAndDistinctForDistinctIds() {
    long podA = BackendToken.of(BackendId.of("pod-a"));

    assertThat(BackendToken.of(BackendId.of("pod-a"))).isEqualTo(podA);
    assertThat(BackendToken.of(BackendId.of("pod-b"))).isNotEqualTo(podA);
  }
}
