package io.stickypool.core.cookie;

import static io.stickypool.core.cookie.CookieFixtures.key;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class CookieCodecConcurrencyTest {
  private static final int THREADS = 4;
  private static final int ROUNDS = 5_000;

  @Test
  void oneCodecJudgesCorrectlyFromManyThreadsAtOnce() throws Exception {
    CookieCodec signer1 = CookieFixtures.codec(KeyRing.of(key(1, 0x11)), CookieFixtures.clock());
    CookieCodec shared =
        CookieFixtures.codec(KeyRing.of(key(1, 0x11), key(2, 0x22)), CookieFixtures.clock());
    CyclicBarrier start = new CyclicBarrier(THREADS);
    List<Callable<Integer>> tasks = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      CookieCodec signer = t % 2 == 0 ? signer1 : shared; // mixes key ids 1 and 2
      long seed = t;
      tasks.add(() -> mismatches(shared, signer, new SplittableRandom(seed), start));
    }
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    try {
      for (Future<Integer> f : pool.invokeAll(tasks, 30, TimeUnit.SECONDS)) {
        assertThat(f.get()).isZero();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /** Encodes and decodes in a loop, counting results that differ from what was encoded. */
  private static int mismatches(
      CookieCodec codec, CookieCodec signer, SplittableRandom random, CyclicBarrier start)
      throws Exception {
    start.await();
    int bad = 0;
    for (int i = 0; i < ROUNDS; i++) {
      AffinityCookie c = signer.newSession(random.nextLong(), random);
      String value = signer.encode(c);
      CookieDecodeResult r = codec.decode(value);
      byte[] b = CookieFixtures.bytesOf(value);
      b[CookieLayout.OFF_BACKEND_TOKEN] ^= 1;
      boolean forgedRejected =
          codec.decode(CookieFixtures.valueOf(b)).status() == CookieStatus.BAD_SIGNATURE;
      if (!r.isValid() || !r.cookie().equals(c) || !forgedRejected) {
        bad++;
      }
    }
    return bad;
  }
}
