package io.stickypool.core.cookie;

import static io.stickypool.core.cookie.CookieFixtures.START;
import static io.stickypool.core.cookie.CookieFixtures.TOKEN;
import static io.stickypool.core.cookie.CookieFixtures.bytesOf;
import static io.stickypool.core.cookie.CookieFixtures.codec;
import static io.stickypool.core.cookie.CookieFixtures.key;
import static io.stickypool.core.cookie.CookieFixtures.valueOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stickypool.core.backend.BackendId;
import io.stickypool.core.snapshot.CookieSettings;
import io.stickypool.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CookieCodecTest {
  private final MutableClock clock = CookieFixtures.clock();
  private final CookieCodec codec = codec(KeyRing.of(key(3, 0x33)), clock);

  private String newValue() {
    return codec.encode(codec.newSession(TOKEN, new SplittableRandom(7)));
  }

  @Test
  void roundTripsEveryField() {
    AffinityCookie c = new AffinityCookie(-1L, Long.MIN_VALUE, -2L, START.getEpochSecond() - 5,
        START.getEpochSecond(), 3);

    CookieDecodeResult r = codec.decode(codec.encode(c));

    assertThat(r.status()).isEqualTo(CookieStatus.VALID);
    assertThat(r.isValid()).isTrue();
    assertThat(r.cookie()).isEqualTo(c);
  }

  @Test
  void newSessionIsIssuedNowBySigningKeyWithRandomId() {
    AffinityCookie c = codec.newSession(TOKEN, new SplittableRandom(1));
    AffinityCookie other = codec.newSession(TOKEN, new SplittableRandom(2));

    assertThat(c.issuedAt()).isEqualTo(START.getEpochSecond()).isEqualTo(c.lastSeen());
    assertThat(c.keyId()).isEqualTo(3);
    assertThat(c.backendToken()).isEqualTo(TOKEN);
    assertThat(c.sessionIdHigh()).isNotEqualTo(other.sessionIdHigh());
  }

  @Test
  void valueIs67UrlSafeCharactersWithoutBackendName() {
    BackendId id = BackendId.of("web-7d9f8c6b5-x2x9k");
    String value = codec.encode(codec.newSession(BackendToken.of(id), new SplittableRandom(3)));

    assertThat(value).hasSize(CookieCodec.ENCODED_LENGTH).hasSizeLessThanOrEqualTo(120);
    assertThat(value).matches("[A-Za-z0-9_-]+").doesNotContain(id.value());
    assertThat(new String(bytesOf(value), StandardCharsets.ISO_8859_1))
        .doesNotContain(id.value());
  }

  @Test
  void encodesEqualCookiesToEqualValues() {
    AffinityCookie c = codec.newSession(TOKEN, new SplittableRandom(4));
    assertThat(codec.encode(c)).isEqualTo(codec.encode(c));
  }

  @Test
  void absentWhenNullOrEmpty() {
    assertThat(codec.decode(null).status()).isEqualTo(CookieStatus.ABSENT);
    assertThat(codec.decode("").status()).isEqualTo(CookieStatus.ABSENT);
    assertThat(codec.decode("").cookie()).isNull();
  }

  @ParameterizedTest
  @ValueSource(strings = {"a", "!!", "abc=", "Zm9v YmFy", "ä", "AQ==", "AQID\n"})
  void malformedWhenNotBase64Url(String value) {
    assertThat(codec.decode(value).status()).isEqualTo(CookieStatus.MALFORMED);
  }

  @ParameterizedTest
  @ValueSource(chars = {'+', '/', '=', '.', ' ', '\u00e9', '\uff21'})
  void malformedWhenOneCharacterIsOutsideBase64UrlAlphabet(char bad) {
    String value = newValue();
    String broken = value.substring(0, 10) + bad + value.substring(11);

    assertThat(codec.decode(broken).status()).isEqualTo(CookieStatus.MALFORMED);
  }

  @Test
  void malformedWhenLastCharacterHasNonZeroUnusedBits() {
    String value = newValue();
    char last = value.charAt(value.length() - 1);
    // 50 bytes leave 2 unused bits in the 67th character; setting the lowest gives a second
    // spelling of the same bytes, which must not be accepted.
    String twin = value.substring(0, 66) + sextetChar(sextetOf(last) | 1);

    assertThat(bytesOf(twin)).isEqualTo(bytesOf(value)); // the JDK decoder accepts it
    assertThat(codec.decode(twin).status()).isEqualTo(CookieStatus.MALFORMED);
  }

  @Test
  void malformedWhenLengthIsWrong() {
    String value = newValue();
    assertThat(codec.decode(value.substring(0, 66)).status()).isEqualTo(CookieStatus.MALFORMED);
    assertThat(codec.decode(value + "AA").status()).isEqualTo(CookieStatus.MALFORMED);
    assertThat(codec.decode(value + "A".repeat(200)).status()).isEqualTo(CookieStatus.MALFORMED);
  }

  @Test
  void malformedWhenLastSeenBeforeIssuedAt() {
    byte[] b = bytesOf(newValue());
    b[CookieLayout.OFF_LAST_SEEN] = 0;
    assertThat(codec.decode(valueOf(b)).status()).isEqualTo(CookieStatus.MALFORMED);
  }

  @Test
  void unsupportedVersionWhenFirstByteIsNotOne() {
    byte[] b = bytesOf(newValue());
    b[CookieLayout.OFF_VERSION] = 2;
    assertThat(codec.decode(valueOf(b)).status()).isEqualTo(CookieStatus.UNSUPPORTED_VERSION);
    // a future version may be another length; the version is still what is reported
    assertThat(codec.decode(valueOf(new byte[] {2, 0, 0})).status())
        .isEqualTo(CookieStatus.UNSUPPORTED_VERSION);
  }

  @Test
  void unknownKeyWhenKeyIdNotInRing() {
    CookieCodec other = codec(KeyRing.of(key(9, 0x33)), clock);
    String value = other.encode(other.newSession(TOKEN, new SplittableRandom(5)));

    assertThat(codec.decode(value).status()).isEqualTo(CookieStatus.UNKNOWN_KEY);
  }

  @Test
  void badSignatureWhenTagTampered() {
    byte[] b = bytesOf(newValue());
    b[CookieLayout.LENGTH - 1] ^= 1;
    assertThat(codec.decode(valueOf(b)).status()).isEqualTo(CookieStatus.BAD_SIGNATURE);
  }

  @Test
  void badSignatureWhenBackendTokenChanged() {
    byte[] b = bytesOf(newValue());
    b[CookieLayout.OFF_BACKEND_TOKEN] ^= 0x40;
    CookieDecodeResult r = codec.decode(valueOf(b));

    assertThat(r.status()).isEqualTo(CookieStatus.BAD_SIGNATURE);
    assertThat(r.cookie()).isNull();
  }

  @Test
  void badSignatureWhenSameIdHasAnotherSecret() {
    CookieCodec impostor = codec(KeyRing.of(key(3, 0x34)), clock);
    String value = impostor.encode(impostor.newSession(TOKEN, new SplittableRandom(6)));

    assertThat(codec.decode(value).status()).isEqualTo(CookieStatus.BAD_SIGNATURE);
  }

  @Test
  void expiresIdleWhenNotRefreshedForIdleTimeout() {
    String value = newValue();
    clock.advance(CookieFixtures.IDLE.minusSeconds(1));
    assertThat(codec.decode(value).status()).isEqualTo(CookieStatus.VALID);

    clock.advance(Duration.ofSeconds(1));
    CookieDecodeResult r = codec.decode(value);

    assertThat(r.status()).isEqualTo(CookieStatus.EXPIRED_IDLE);
    assertThat(r.cookie().backendToken()).isEqualTo(TOKEN); // authentic: names the old backend
  }

  @Test
  void refreshingKeepsSessionAliveUntilAbsoluteTimeout() {
    AffinityCookie c = codec.newSession(TOKEN, new SplittableRandom(8));
    String value = codec.encode(c);
    for (int i = 0; i < 24 * 4; i++) { // one request every 15 minutes for a day
      clock.advance(Duration.ofMinutes(15));
      CookieDecodeResult r = codec.decode(value);
      if (r.status() != CookieStatus.VALID) {
        assertThat(r.status()).isEqualTo(CookieStatus.EXPIRED_ABSOLUTE);
        assertThat(clock.instant()).isEqualTo(START.plus(CookieFixtures.ABSOLUTE));
        return;
      }
      value = codec.encode(codec.refreshed(r.cookie()));
    }
    throw new AssertionError("session outlived its absolute timeout");
  }

  @Test
  void issuedInFutureBeyondSkewAllowance() {
    MutableClock ahead = CookieFixtures.clock();
    CookieCodec aheadCodec = codec(codec.keyRing(), ahead);
    ahead.advance(CookieCodec.CLOCK_SKEW_ALLOWANCE);
    String withinSkew = aheadCodec.encode(aheadCodec.newSession(TOKEN, new SplittableRandom(9)));
    ahead.advance(Duration.ofSeconds(1));
    String beyondSkew = aheadCodec.encode(aheadCodec.newSession(TOKEN, new SplittableRandom(9)));

    assertThat(codec.decode(withinSkew).status()).isEqualTo(CookieStatus.VALID);
    assertThat(codec.decode(beyondSkew).status()).isEqualTo(CookieStatus.ISSUED_IN_FUTURE);
    assertThat(codec.decode(beyondSkew).cookie()).isNotNull();
  }

  @Test
  void needsRefreshOnlyAfterRefreshInterval() {
    AffinityCookie c = codec.newSession(TOKEN, new SplittableRandom(10));
    assertThat(codec.refreshInterval()).isEqualTo(Duration.ofMinutes(5)); // min(30 min / 4, 5 min)

    clock.advance(Duration.ofMinutes(5).minusSeconds(1));
    assertThat(codec.needsRefresh(c)).isFalse();
    clock.advance(Duration.ofSeconds(1));
    assertThat(codec.needsRefresh(c)).isTrue();
    assertThat(codec.needsRefresh(codec.refreshed(c))).isFalse();
  }

  @Test
  void refreshIntervalIsQuarterOfShortIdleTimeout() {
    KeyRing ring = codec.keyRing();
    Duration hour = Duration.ofHours(1);
    CookieCodec shortIdle = new CookieCodec(ring, clock, hour, Duration.ofMinutes(8));
    CookieCodec tinyIdle = new CookieCodec(ring, clock, hour, Duration.ofSeconds(2));

    assertThat(shortIdle.refreshInterval()).isEqualTo(Duration.ofMinutes(2));
    assertThat(tinyIdle.refreshInterval()).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void refreshedMovesOnlyLastSeenAndNeverBackwards() {
    AffinityCookie c = codec.newSession(TOKEN, new SplittableRandom(11));
    clock.advance(Duration.ofMinutes(7));
    AffinityCookie r = codec.refreshed(c);

    assertThat(r.lastSeen()).isEqualTo(c.lastSeen() + 420);
    assertThat(r).usingRecursiveComparison().ignoringFields("lastSeen").isEqualTo(c);
    clock.set(START.minusSeconds(100));
    assertThat(codec.refreshed(r).lastSeen()).isEqualTo(r.lastSeen());
  }

  @Test
  void rejectsTimeoutsOutsideOneSecondTo32Bits() {
    KeyRing ring = codec.keyRing();
    assertThatThrownBy(() -> new CookieCodec(ring, clock, Duration.ZERO, Duration.ofMinutes(1)))
        .hasMessageContaining("absoluteTimeout");
    Duration hour = Duration.ofHours(1);
    assertThatThrownBy(() -> new CookieCodec(ring, clock, hour, Duration.ofMillis(500)))
        .hasMessageContaining("idleTimeout");
    assertThatThrownBy(() -> new CookieCodec(ring, clock, Duration.ofDays(50_000), hour))
        .hasMessageContaining("absoluteTimeout");
  }

  @Test
  void takesTimeoutsFromCookieSettings() {
    CookieSettings settings = CookieSettings.defaults();
    CookieCodec fromSettings = CookieCodec.of(codec.keyRing(), clock, settings);
    String value = fromSettings.encode(fromSettings.newSession(TOKEN, new SplittableRandom(12)));

    clock.advance(settings.idleTimeout());
    assertThat(fromSettings.decode(value).status()).isEqualTo(CookieStatus.EXPIRED_IDLE);
  }

  private static int sextetOf(char c) {
    return "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".indexOf(c);
  }

  private static char sextetChar(int v) {
    return "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".charAt(v);
  }
}
