package io.stickypool.core.cookie;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class AffinityCookieTest {
  @Test
  void acceptsFullUnsigned32BitTimeRange() {
    assertThatCode(() -> new AffinityCookie(0, 0, 0, 0, AffinityCookie.MAX_EPOCH_SECOND, 255))
        .doesNotThrowAnyException();
  }

  @Test
  void rejectsTimesOutside32Bits() {
    assertThatThrownBy(() -> new AffinityCookie(0, 0, 0, -1, 0, 0))
        .hasMessageContaining("issuedAt");
    assertThatThrownBy(() -> new AffinityCookie(0, 0, 0, 0, 1L << 32, 0))
        .hasMessageContaining("lastSeen");
  }

  @Test
  void rejectsLastSeenBeforeIssuedAt() {
    assertThatThrownBy(() -> new AffinityCookie(0, 0, 0, 10, 9, 0))
        .hasMessageContaining("lastSeen");
  }

  @Test
  void rejectsKeyIdOutsideOneByte() {
    assertThatThrownBy(() -> new AffinityCookie(0, 0, 0, 0, 0, 256)).hasMessageContaining("keyId");
    assertThatThrownBy(() -> new AffinityCookie(0, 0, 0, 0, 0, -1)).hasMessageContaining("keyId");
  }

  @Test
  void decodeResultCarriesCookieExactlyWhenAuthenticated() {
    AffinityCookie c = new AffinityCookie(0, 0, 0, 0, 0, 0);
    assertThatThrownBy(() -> new CookieDecodeResult(CookieStatus.VALID, null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new CookieDecodeResult(CookieStatus.BAD_SIGNATURE, c))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatCode(() -> new CookieDecodeResult(CookieStatus.EXPIRED_IDLE, c))
        .doesNotThrowAnyException();
  }
}
