package io.stickypool.proxy.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBufAllocator;
import io.stickypool.testing.LeakDetection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The start-up seed goes through the real parsers and shaper: the heads meant to be forwarded
 * are accepted (so their branches are the ones profiled), the three refused ones are refused,
 * and every buffer it took is given back (the leak detector runs at PARANOID).
 */
@ExtendWith(LeakDetection.class)
class HeadProfileSeedTest {
  private static final int REQUESTS_FORWARDED = 13;
  private static final int RESPONSES = 6;

  @Test
  void parsesAndShapesEveryHeadOfTheSeedAndReleasesItsBuffers() {
    int rounds = 3;

    int accepted = HeadProfileSeed.run(ProxySettings.defaults(), ByteBufAllocator.DEFAULT, rounds);

    assertThat(accepted).isEqualTo(rounds * (REQUESTS_FORWARDED + RESPONSES));
  }
}
