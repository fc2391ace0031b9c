package io.stickypool.core.cookie;

import static org.assertj.core.api.Assertions.assertThat;

import io.stickypool.testing.MutableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The per-thread memory of recently verified values: a value decoded again is judged from memory
 * (same result object, no signature check) while at most two values of its set were seen since.
 */
class CookieCodecRecentTest {
  private final MutableClock clock = CookieFixtures.clock();
  private final CookieCodec codec =
      CookieFixtures.codec(KeyRing.of(CookieFixtures.key(1, 7)), clock);

  @Test
  void twoValuesSharingASetBothStayRemembered() {
    List<String> same = valuesOfOneSet(3);
    CookieDecodeResult first = codec.decode(same.get(0));
    CookieDecodeResult second = codec.decode(same.get(1));

    for (int i = 0; i < 5; i++) {
      assertThat(codec.decode(same.get(0))).isSameAs(first);
      assertThat(codec.decode(same.get(1))).isSameAs(second);
    }
  }

  @Test
  void aThirdValueOfTheSetForgetsTheLeastRecentlyUsed() {
    List<String> same = valuesOfOneSet(3);
    CookieDecodeResult first = codec.decode(same.get(0));
    CookieDecodeResult second = codec.decode(same.get(1));
    codec.decode(same.get(0));

    codec.decode(same.get(2));

    assertThat(codec.decode(same.get(0))).isSameAs(first);
    CookieDecodeResult again = codec.decode(same.get(1));
    assertThat(again).isNotSameAs(second).isEqualTo(second);
  }

  @Test
  void aRememberedValueIsStillJudgedByTheClock() {
    String value = codec.encode(codec.newSession(CookieFixtures.TOKEN, new SplittableRandom(1)));
    assertThat(codec.decode(value).status()).isEqualTo(CookieStatus.VALID);

    clock.advance(CookieFixtures.IDLE.plus(Duration.ofSeconds(1)));

    assertThat(codec.decode(value).status()).isEqualTo(CookieStatus.EXPIRED_IDLE);
  }

  /** Encoded values whose hash puts them in the same set of the memory. */
  private List<String> valuesOfOneSet(int count) {
    SplittableRandom random = new SplittableRandom(3);
    Map<Integer, List<String>> bySet = new HashMap<>();
    while (true) {
      String v = codec.encode(codec.newSession(CookieFixtures.TOKEN, random));
      List<String> set = bySet.computeIfAbsent(v.hashCode() & 255, k -> new ArrayList<>());
      set.add(v);
      if (set.size() == count) {
        return set;
      }
    }
  }
}
