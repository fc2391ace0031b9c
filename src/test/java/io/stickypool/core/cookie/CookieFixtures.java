package io.stickypool.core.cookie;

import io.stickypool.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;

/** Deterministic keys, a clock and raw-bytes helpers shared by the cookie tests. */
final class CookieFixtures {
  static final Instant START = Instant.parse("2025-06-01T12:00:00Z");
  static final Duration ABSOLUTE = Duration.ofHours(24);
  static final Duration IDLE = Duration.ofMinutes(30);
  static final long TOKEN = 0x1234_5678_9abc_def0L;

  private CookieFixtures() {}

  /** A key whose 32 secret bytes are all {@code fill}. */
  static SigningKey key(int id, int fill) {
    byte[] secret = new byte[32];
    Arrays.fill(secret, (byte) fill);
    return new SigningKey(id, secret);
  }

  static MutableClock clock() {
    return new MutableClock(START);
  }

  static CookieCodec codec(KeyRing ring, MutableClock clock) {
    return new CookieCodec(ring, clock, ABSOLUTE, IDLE);
  }

  static AffinityCookie cookieAt(long epochSecond) {
    return new AffinityCookie(0x0102_0304_0506_0708L, -42L, TOKEN, epochSecond, epochSecond, 0);
  }

  static byte[] bytesOf(String value) {
    return Base64.getUrlDecoder().decode(value);
  }

  static String valueOf(byte[] bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
