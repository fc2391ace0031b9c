package io.stickypool.core.cookie;

import io.stickypool.core.snapshot.CookieSettings;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;
import javax.crypto.Mac;

/**
 * Writes and judges the signed affinity cookie. The value is 50 bytes (big-endian numbers) as
 * canonical base64url without padding, 67 characters:
 *
 * <pre>
 * offset size field
 *      0    1 version, 1
 *      1    1 key id (0..255) of the signing key
 *      2    8 session id, high 64 bits (random)
 *     10    8 session id, low 64 bits (random)
 *     18    8 backend token ({@link BackendToken}): opaque, no name or IP
 *     26    4 issued-at, unsigned epoch seconds
 *     30    4 last-seen, unsigned epoch seconds (>= issued-at)
 *     34   16 HMAC-SHA256 over bytes 0..33 under that key, first 16 bytes
 * </pre>
 *
 * <p>{@link #decode} never throws. It checks, in order: structure (at most {@value
 * #MAX_ENCODED_LENGTH} characters of canonical base64url), version, 50 bytes with last-seen not
 * before issued-at, key id in the ring, tag (constant time), then times against the clock. Both
 * timeouts come from the cookie's own signed times, so replicas need no shared state. A last-seen
 * up to {@link #CLOCK_SKEW_ALLOWANCE} ahead of the clock is accepted because another replica may
 * have issued it with a clock slightly ahead of ours.
 *
 * <p>Refreshing: the cookie is re-issued only when {@link #needsRefresh} says so, not on every
 * response, because each Set-Cookie costs bytes and a MAC and makes shared caches skip the
 * response. The price is that the idle timeout is enforced with a slack of one refresh interval: a
 * session expires between {@code idle - refreshInterval} and {@code idle} after its last request.
 *
 * <p>Thread-safe: every event loop may call every method. Each thread lazily gets its own buffers
 * and Macs (a ThreadLocal owned by this codec). Build a new codec when the ring or timeouts change.
 */
public final class CookieCodec {
  /** Longest value decode looks at; a cookie is 67 characters. */
  public static final int MAX_ENCODED_LENGTH = 120;
  /** Length of every value {@link #encode} writes: 50 bytes in base64url. */
  public static final int ENCODED_LENGTH = 67;
  public static final Duration CLOCK_SKEW_ALLOWANCE = Duration.ofSeconds(60);
  /** Upper bound of the refresh interval, which is otherwise a quarter of the idle timeout. */
  public static final Duration MAX_REFRESH_INTERVAL = Duration.ofMinutes(5);

  private static final long SKEW_SECONDS = CLOCK_SKEW_ALLOWANCE.getSeconds();

  private final KeyRing ring;
  private final Clock clock;
  private final long absoluteSeconds;
  private final long idleSeconds;
  private final long refreshSeconds;
  private final ThreadLocal<CodecScratch> scratch;

  /** @throws IllegalArgumentException unless both timeouts are 1 s..2^32-1 s */
  public CookieCodec(KeyRing ring, Clock clock, Duration absoluteTimeout, Duration idleTimeout) {
    this.ring = Objects.requireNonNull(ring, "ring");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.absoluteSeconds = seconds(absoluteTimeout, "absoluteTimeout");
    this.idleSeconds = seconds(idleTimeout, "idleTimeout");
    this.refreshSeconds =
        Math.max(1, Math.min(idleSeconds / 4, MAX_REFRESH_INTERVAL.getSeconds()));
    ring.keys().forEach(SigningKey::newMac); // fail here, not on an event loop, if HMAC is missing
    this.scratch = ThreadLocal.withInitial(() -> new CodecScratch(ring));
  }

  public static CookieCodec of(KeyRing ring, Clock clock, CookieSettings settings) {
    return new CookieCodec(ring, clock, settings.absoluteTimeout(), settings.idleTimeout());
  }

  private static long seconds(Duration d, String name) {
    Objects.requireNonNull(d, name);
    if (d.getSeconds() < 1 || d.getSeconds() > AffinityCookie.MAX_EPOCH_SECOND) {
      throw new IllegalArgumentException(name + " " + d + " is not 1 s..2^32-1 s");
    }
    return d.getSeconds();
  }

  public KeyRing keyRing() {
    return ring;
  }

  /** How stale last-seen may get before {@link #needsRefresh} asks for a new cookie. */
  public Duration refreshInterval() {
    return Duration.ofSeconds(refreshSeconds);
  }

  /**
   * A new session pinned to {@code backendToken}, issued now. Pass a SecureRandom (one per event
   * loop avoids contention): ids must not collide across replicas; the signature, not the id's
   * secrecy, is what protects the cookie.
   */
  public AffinityCookie newSession(long backendToken, RandomGenerator random) {
    long now = nowSeconds();
    return new AffinityCookie(
        random.nextLong(), random.nextLong(), backendToken, now, now, ring.signingKey().id());
  }

  /** {@code c} seen now, as the signing key will write it. Last-seen never moves backwards. */
  public AffinityCookie refreshed(AffinityCookie c) {
    long lastSeen = Math.max(c.lastSeen(), nowSeconds());
    return new AffinityCookie(
        c.sessionIdHigh(), c.sessionIdLow(), c.backendToken(), c.issuedAt(), lastSeen,
        ring.signingKey().id());
  }

  /** Whether to send {@code encode(refreshed(c))}: last-seen is stale or an older key signed it. */
  public boolean needsRefresh(AffinityCookie c) {
    return c.keyId() != ring.signingKey().id() || nowSeconds() - c.lastSeen() >= refreshSeconds;
  }

  /** The cookie value, signed by the ring's newest key whatever {@code c.keyId()} says. */
  public String encode(AffinityCookie c) {
    SigningKey key = ring.signingKey();
    CodecScratch s = scratch.get();
    CookieLayout.writeSigned(c, key.id(), s.bytes);
    s.sign(s.mac(key.id()));
    return Base64Url.encode(s.bytes, CookieLayout.LENGTH);
  }

  /** Judges a cookie value; never throws. See the class comment for the order of checks. */
  public CookieDecodeResult decode(CharSequence value) {
    if (value == null || value.length() == 0) {
      return CookieDecodeResult.of(CookieStatus.ABSENT);
    }
    if (value.length() > MAX_ENCODED_LENGTH) {
      return CookieDecodeResult.of(CookieStatus.MALFORMED);
    }
    CodecScratch s = scratch.get();
    CookieDecodeResult known = s.recentlyVerified(value);
    if (known != null) {
      CookieStatus status = judgeTimes(known.cookie());
      return status == CookieStatus.VALID ? known : new CookieDecodeResult(status, known.cookie());
    }
    byte[] b = s.bytes;
    int n = Base64Url.decode(value, b);
    if (n < 1) {
      return CookieDecodeResult.of(CookieStatus.MALFORMED);
    }
    if (b[CookieLayout.OFF_VERSION] != CookieLayout.VERSION) {
      return CookieDecodeResult.of(CookieStatus.UNSUPPORTED_VERSION);
    }
    if (n != CookieLayout.LENGTH || CookieLayout.lastSeen(b) < CookieLayout.issuedAt(b)) {
      return CookieDecodeResult.of(CookieStatus.MALFORMED);
    }
    CookieDecodeResult result = verified(s, b);
    if (result.status().authenticated()) {
      s.rememberVerified(value, result);
    }
    return result;
  }

  private CookieDecodeResult verified(CodecScratch s, byte[] b) {
    Mac mac = s.mac(CookieLayout.keyId(b));
    if (mac == null) {
      return CookieDecodeResult.of(CookieStatus.UNKNOWN_KEY);
    }
    if (!s.verify(mac)) {
      return CookieDecodeResult.of(CookieStatus.BAD_SIGNATURE);
    }
    AffinityCookie c = CookieLayout.read(b);
    return new CookieDecodeResult(judgeTimes(c), c);
  }

  private CookieStatus judgeTimes(AffinityCookie c) {
    long now = nowSeconds();
    if (c.lastSeen() > now + SKEW_SECONDS) {
      return CookieStatus.ISSUED_IN_FUTURE;
    }
    if (now - c.issuedAt() >= absoluteSeconds) {
      return CookieStatus.EXPIRED_ABSOLUTE;
    }
    if (now - c.lastSeen() >= idleSeconds) {
      return CookieStatus.EXPIRED_IDLE;
    }
    return CookieStatus.VALID;
  }

  /** Epoch seconds; millis() rather than instant() because it allocates nothing. */
  private long nowSeconds() {
    return Math.floorDiv(clock.millis(), 1000L);
  }
}
