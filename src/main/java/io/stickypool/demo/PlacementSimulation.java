package io.stickypool.demo;

import io.stickypool.core.backend.Backend;
import io.stickypool.core.backend.BackendId;
import io.stickypool.core.backend.BackendState;
import io.stickypool.core.placement.HashRing;
import io.stickypool.core.placement.KeyHash;
import io.stickypool.core.placement.NewSessionPlacer;
import io.stickypool.core.snapshot.PlacementSettings;
import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A placement-only simulation of the affinity core, with no network: sessions are placed on four
 * simulated backends, one backend drains and leaves, a new one joins, and the simulation counts
 * how many sessions and keys moved and how evenly they spread. It is what {@code stickypool demo
 * --simulation} prints; the full demo runs real proxies and the operator.
 */
public final class PlacementSimulation {
  private final PrintStream out;
  private final int sessionCount;
  private final long seed;

  public PlacementSimulation(PrintStream out, int sessionCount, long seed) {
    this.out = out;
    this.sessionCount = sessionCount;
    this.seed = seed;
  }

  /** Runs the story; returns the number of surviving-backend keys that moved (must be zero). */
  public int run() {
    List<Backend> backends = new ArrayList<>();
    for (String id : List.of("web-0", "web-1", "web-2", "web-3")) {
      backends.add(Backend.active(BackendId.of(id), "10.0.0." + (backends.size() + 10), 8080));
    }
    out.println("== placement simulation (affinity core only, no network) ==");
    Map<BackendId, Integer> counts = new HashMap<>();
    NewSessionPlacer placer = NewSessionPlacer.of(backends, PlacementSettings.defaults());
    SplittableRandom random = new SplittableRandom(seed);
    Map<Long, BackendId> sessions = new HashMap<>();
    for (int i = 0; i < sessionCount; i++) {
      long id = random.nextLong();
      BackendId b = placer.place(x -> counts.getOrDefault(x, 0), id).id();
      counts.merge(b, 1, Integer::sum);
      sessions.put(id, b);
    }
    out.println(sessionCount + " new cookie sessions, least-loaded placement: " + counts);
    int moved = keyRingStory(backends, random);
    out.println("keys of surviving backends that moved: " + moved + " (must be 0)");
    return moved;
  }

  private int keyRingStory(List<Backend> backends, SplittableRandom random) {
    HashRing before = HashRing.of(backends);
    List<Backend> scaledDown = new ArrayList<>(backends);
    scaledDown.set(3, backends.get(3).withState(BackendState.DRAINING, Instant.EPOCH.plusSeconds(300)));
    HashRing after = HashRing.of(scaledDown);
    int moved = 0;
    int movedFromLeaving = 0;
    int keys = 100_000;
    for (int i = 0; i < keys; i++) {
      long k = KeyHash.hash("user-" + random.nextLong());
      BackendId was = before.pick(k).id();
      BackendId now = after.pick(k).id();
      if (!was.equals(now)) {
        if (was.equals(backends.get(3).id())) {
          movedFromLeaving++;
        } else {
          moved++;
        }
      }
    }
    out.println("key affinity: web-3 starts draining; " + movedFromLeaving + " of " + keys
        + " keys move (those that were on web-3), spread over the other three");
    return moved;
  }
}
