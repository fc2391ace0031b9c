package io.stickypool.bench;

import io.stickypool.core.cookie.AffinityCookie;
import io.stickypool.core.cookie.CookieCodec;
import io.stickypool.core.cookie.CookieDecodeResult;
import io.stickypool.core.cookie.KeyRing;
import io.stickypool.core.cookie.SigningKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Per-request cost of the affinity cookie: judging a valid cookie (the common request), a forged
 * one (same length and key id, wrong tag: the most work an attacker can make us do), and writing
 * one (only on new sessions and refreshes). Run with {@code scripts/bench-jmh.sh CookieBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class CookieBenchmark {
  private CookieCodec codec;
  private AffinityCookie cookie;
  private String valid;
  private String forged;
  private String[] many;
  private int next;
  private javax.crypto.Mac rawMac;
  private final byte[] signed = new byte[34];

  @Setup
  public void setUp() {
    byte[] secret = new byte[32];
    Arrays.fill(secret, (byte) 7);
    KeyRing ring = KeyRing.of(new SigningKey(1, secret));
    Clock clock = Clock.fixed(Instant.parse("2025-06-01T12:00:00Z"), ZoneOffset.UTC);
    codec = new CookieCodec(ring, clock, Duration.ofHours(24), Duration.ofMinutes(30));
    cookie = codec.newSession(0x1234_5678_9abc_def0L, new SplittableRandom(1));
    valid = codec.encode(cookie);
    char c = valid.charAt(50) == 'A' ? 'B' : 'A'; // inside the tag, not the last character
    forged = valid.substring(0, 50) + c + valid.substring(51);
    if (!codec.decode(valid).isValid() || codec.decode(forged).cookie() != null) {
      throw new IllegalStateException("benchmark inputs are not what they claim to be");
    }
    // More distinct values than the per-thread cache of verified values holds, so most decodes
    // pay for the signature check: the first request of each session.
    many = new String[4096];
    SplittableRandom random = new SplittableRandom(2);
    for (int i = 0; i < many.length; i++) {
      many[i] = codec.encode(codec.newSession(random.nextLong(), random));
    }
    try {
      rawMac = javax.crypto.Mac.getInstance("HmacSHA256");
      rawMac.init(new javax.crypto.spec.SecretKeySpec(secret, "HmacSHA256"));
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Baseline: the JDK's HMAC-SHA256 over the 34 signed bytes, the floor for a signed cookie. */
  @Benchmark
  public byte[] baselineRawHmacSha256() {
    rawMac.update(signed);
    return rawMac.doFinal();
  }

  /** A session's first request on this thread: base64, HMAC check, times. */
  @Benchmark
  public CookieDecodeResult decodeValidFirstSeen() {
    String v = many[next++ & (many.length - 1)];
    return codec.decode(v);
  }

  /** Every later request of a session: the value was verified before on this thread. */
  @Benchmark
  public CookieDecodeResult decodeValid() {
    return codec.decode(valid);
  }

  @Benchmark
  public CookieDecodeResult decodeForged() {
    return codec.decode(forged);
  }

  @Benchmark
  public String encode() {
    return codec.encode(cookie);
  }
}
