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
  }

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
