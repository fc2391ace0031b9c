package io.stickypool.core.cookie;

import static io.stickypool.core.cookie.CookieFixtures.TOKEN;
import static io.stickypool.core.cookie.CookieFixtures.codec;
import static io.stickypool.core.cookie.CookieFixtures.key;
import static org.assertj.core.api.Assertions.assertThat;

import io.stickypool.testing.MutableClock;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CookieKeyRotationTest {
  private final MutableClock clock = CookieFixtures.clock();
  private final KeyRing k1Only = KeyRing.of(key(1, 0x11));
  private final KeyRing k1AndK2 = k1Only.withKey(key(2, 0x22));
  private final KeyRing k2Only = k1AndK2.withoutKey(1);

  private final String signedByK1 =
      codec(k1Only, clock).encode(codec(k1Only, clock).newSession(TOKEN, new SplittableRandom(1)));

  @Test
  void oldCookiesStillVerifyAfterNewKeyIsAdded() {
    CookieDecodeResult r = codec(k1AndK2, clock).decode(signedByK1);

    assertThat(r.status()).isEqualTo(CookieStatus.VALID);
    assertThat(r.cookie().keyId()).isEqualTo(1);
  }

  @Test
  void newCookiesAreSignedByNewestKey() {
    CookieCodec rotated = codec(k1AndK2, clock);
    String value = rotated.encode(rotated.newSession(TOKEN, new SplittableRandom(2)));

    assertThat(rotated.decode(value).cookie().keyId()).isEqualTo(2);
    assertThat(codec(k1Only, clock).decode(value).status()).isEqualTo(CookieStatus.UNKNOWN_KEY);
    assertThat(codec(k2Only, clock).decode(value).status()).isEqualTo(CookieStatus.VALID);
  }

  @Test
  void cookieSignedByOlderKeyIsReSignedOnNextRefresh() {
    CookieCodec rotated = codec(k1AndK2, clock);
    AffinityCookie old = rotated.decode(signedByK1).cookie();

    assertThat(rotated.needsRefresh(old)).isTrue(); // though last-seen is fresh
    AffinityCookie resigned = rotated.decode(rotated.encode(rotated.refreshed(old))).cookie();
    assertThat(resigned.keyId()).isEqualTo(2);
    assertThat(resigned.backendToken()).isEqualTo(old.backendToken()); // session does not move
    assertThat(resigned.sessionIdLow()).isEqualTo(old.sessionIdLow());
    assertThat(rotated.needsRefresh(resigned)).isFalse();
  }

  @Test
  void retiredKeysCookiesAreUnknownKey() {
    CookieDecodeResult r = codec(k2Only, clock).decode(signedByK1);

    assertThat(r.status()).isEqualTo(CookieStatus.UNKNOWN_KEY);
    assertThat(r.cookie()).isNull();
  }
}
