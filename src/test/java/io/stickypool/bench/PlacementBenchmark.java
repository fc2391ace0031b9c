package io.stickypool.bench;

import io.stickypool.core.backend.Backend;
import io.stickypool.core.backend.BackendId;
import io.stickypool.core.placement.BoundedKeyPlacer;
import io.stickypool.core.placement.HashRing;
import io.stickypool.core.placement.IndexedLoad;
import io.stickypool.core.placement.KeyHash;
import io.stickypool.core.placement.LoadIndex;
import io.stickypool.core.placement.NewSessionPlacer;
import io.stickypool.core.placement.RendezvousPlacer;
import io.stickypool.core.snapshot.PlacementSettings;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Per-request placement cost: hashing a key and finding its ring owner; choosing the backend of a
 * new cookie session (through the load index, as with the session table, and with the linear
 * placer the index replaced as the baseline, each including its own bookkeeping of the count
 * changes); and key placement with bounded loads. Keys are pre-generated pseudo-random
 * header values (4096 of them, so they stay in cache as a just-parsed request's would), backends
 * are named like pods.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class PlacementBenchmark {
  private static final int KEYS = 4096;

  /** A ring of N pods and the keys to look up. */
  @State(Scope.Thread)
  public static class Ring {
    @Param({"10", "100", "1000"})
    public int ringBackends;

    HashRing ring;
    Backend[] array;
    String[] keys;
    int next;

    @Setup
    public void setUp() {
      Random random = new Random(ringBackends);
      List<Backend> pods = pods(random, ringBackends);
      ring = HashRing.of(pods);
      array = pods.toArray(new Backend[0]);
      keys = keys(random);
    }
  }

  /** A pool of N pods with about 1000 live sessions each, churning as sessions come and go. */
  @State(Scope.Thread)
  public static class Pool {
    @Param({"10", "100", "1000", "10000"})
    public int poolBackends;

    NewSessionPlacer sessions;
    RendezvousPlacer linear;
    BoundedKeyPlacer keyed;
    Load load;
    Load plainLoad;
    String[] keys;
    int next;

    @Setup
    public void setUp() {
      Random random = new Random(poolBackends);
      List<Backend> pods = pods(random, poolBackends);
      sessions = NewSessionPlacer.of(pods, PlacementSettings.defaults());
      linear = RendezvousPlacer.of(pods, PlacementSettings.defaults());
      keyed = BoundedKeyPlacer.of(HashRing.of(pods), PlacementSettings.defaults(), sessions);
      load = new Load(pods, new Random(poolBackends));
      plainLoad = new Load(pods, new Random(poolBackends));
      keys = keys(random);
    }
  }

  /**
   * Baseline: the naive non-consistent pick, {@code String.hashCode() mod N} into an array. What
   * the ring costs beyond it is the price of moving no key when a backend leaves.
   */
  @Benchmark
  public Backend baselineModuloPick(Ring s) {
    String key = s.keys[s.next++ & (KEYS - 1)];
    return s.array[Math.floorMod(key.hashCode() * 31 + key.length(), s.array.length)];
  }

  @Benchmark
  public Backend keyLookup(Ring s) {
    return s.ring.pick(KeyHash.hash(s.keys[s.next++ & (KEYS - 1)]));
  }

  /** Through the index: the placement, then the index's update for the count changes. */
  @Benchmark
  public Backend newSessionPlacement(Pool s) {
    Backend chosen = s.sessions.place(s.load, KeyHash.hash(s.next++));
    s.load.placedOn(chosen);
    return chosen;
  }

  /** The placement alone, counts standing still: what the index costs a new session to read. */
  @Benchmark
  public Backend newSessionPlacementReadOnly(Pool s) {
    return s.sessions.place(s.load, KeyHash.hash(s.next++));
  }

  /** Baseline: the linear placer the index replaced, reading every count. */
  @Benchmark
  public Backend newSessionPlacementLinear(Pool s) {
    Backend chosen = s.linear.place(s.plainLoad, KeyHash.hash(s.next++));
    s.plainLoad.placedOn(chosen);
    return chosen;
  }

  @Benchmark
  public Backend boundedKeyPlacement(Pool s) {
    Backend chosen = s.keyed.place(KeyHash.hash(s.keys[s.next++ & (KEYS - 1)]), s.load);
    s.load.placedOn(chosen);
    return chosen;
  }

  /**
   * Session counts in a map, as a session table's per-backend counters would be found; once a
   * placer asks for an index, it keeps that index current as the session table does.
   */
  static final class Load implements IndexedLoad {
    private final Map<BackendId, int[]> counts = new HashMap<>();
    private final List<int[]> byIndex = new ArrayList<>();
    private final List<BackendId> ids = new ArrayList<>();
    private LoadIndex index;
    private int expiring;

    Load(List<Backend> pods, Random random) {
      for (Backend pod : pods) {
        int[] count = {900 + random.nextInt(200)};
        counts.put(pod.id(), count);
        byIndex.add(count);
        ids.add(pod.id());
      }
    }

    @Override
    public LoadIndex indexFor(NewSessionPlacer placer) {
      if (index == null || index.placer() != placer) {
        index = placer.newIndex(this);
      }
      return index;
    }

    @Override
    public int liveSessions(BackendId id) {
      return counts.get(id)[0];
    }

    /** One session placed, one expired elsewhere: the total stays put, the spread moves. */
    void placedOn(Backend b) {
      counts.get(b.id())[0]++;
      if (index != null) {
        index.add(b.id(), 1);
      }
      int i = expiring++ % byIndex.size();
      int[] expired = byIndex.get(i);
      if (expired[0] > 0) {
        expired[0]--;
        if (index != null) {
          index.add(ids.get(i), -1);
        }
      }
    }
  }

  static List<Backend> pods(Random random, int n) {
    List<Backend> pods = new ArrayList<>();
    String replicaSet = "shop-" + Long.toHexString(random.nextLong()).substring(0, 9) + "-";
    for (int i = 0; i < n; i++) {
      String suffix = Long.toString((random.nextLong() >>> 2) | (1L << 61), 36).substring(0, 5) + i;
      pods.add(Backend.active(BackendId.of(replicaSet + suffix), "10.0.0." + (i % 250 + 1), 8080));
    }
    return pods;
  }

  static String[] keys(Random random) {
    String[] keys = new String[KEYS];
    for (int i = 0; i < KEYS; i++) {
      keys[i] = "user-" + Long.toUnsignedString(random.nextLong(), 36);
    }
    return keys;
  }
}
