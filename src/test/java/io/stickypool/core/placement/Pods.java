package io.stickypool.core.placement;

import io.stickypool.core.backend.Backend;
import io.stickypool.core.backend.BackendId;
import io.stickypool.core.backend.BackendState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/** Backends named like Deployment pods, and key hashes, from a seeded Random. */
final class Pods {
  private static final String SUFFIX_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";
  private static final Instant DEADLINE = Instant.parse("2030-01-01T00:00:00Z");

  private Pods() {}

  /** {@code n} distinct ACTIVE backends of weight 1, named like {@code shop-5d8f7c9b4-x2k4p}. */
  static List<Backend> random(Random random, int n) {
    String replicaSet = "shop-" + Long.toHexString(random.nextLong()).substring(0, 9) + "-";
    Set<String> names = new LinkedHashSet<>();
    while (names.size() < n) {
      StringBuilder name = new StringBuilder(replicaSet);
      for (int i = 0; i < 5; i++) {
        name.append(SUFFIX_ALPHABET.charAt(random.nextInt(SUFFIX_ALPHABET.length())));
      }
      names.add(name.toString());
    }
    List<Backend> pods = new ArrayList<>();
    for (String name : names) {
      pods.add(pod(name, 1));
    }
    return pods;
  }

  static Backend pod(String id, int weight) {
    return new Backend(BackendId.of(id), "10.0.0.1", 8080, weight, BackendState.ACTIVE, null);
  }

  static Backend pod(String id) {
    return pod(id, 1);
  }

  static Backend inState(Backend b, BackendState state) {
    return b.withState(state, state == BackendState.DRAINING ? DEADLINE : null);
  }

  /** Hashes of keys that look like header values or session ids. */
  static long[] keyHashes(Random random, int count) {
    long[] hashes = new long[count];
    for (int i = 0; i < count; i++) {
      hashes[i] = KeyHash.hash("user-" + Long.toUnsignedString(random.nextLong(), 36));
    }
    return hashes;
  }

  /** A mutable session count per backend, as the session table would report it. */
  static final class Counts implements SessionLoad {
    private final Map<BackendId, Integer> counts = new HashMap<>();

    Counts set(String id, int sessions) {
      counts.put(BackendId.of(id), sessions);
      return this;
    }

    void add(Backend b) {
      counts.merge(b.id(), 1, Integer::sum);
    }

    @Override
    public int liveSessions(BackendId id) {
      return counts.getOrDefault(id, 0);
    }
  }
}
