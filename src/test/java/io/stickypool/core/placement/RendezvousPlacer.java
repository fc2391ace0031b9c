package io.stickypool.core.placement;

import io.stickypool.core.backend.Backend;
import io.stickypool.core.snapshot.PlacementSettings;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * The reference: the linear new-session placer as it was before the index (one pass over every
 * backend, ties broken by the highest rendezvous score), kept to check that the indexed placer
 * follows the same rules and to measure it in the same JMH run.
 */
public final class RendezvousPlacer {
  private final Backend[] candidates;
  private final long[] idHashes;
  private final long totalWeight;
  private final double factor;

  private RendezvousPlacer(Backend[] candidates, double factor) {
    this.candidates = candidates;
    this.factor = factor;
    this.idHashes = new long[candidates.length];
    long weight = 0;
    for (int i = 0; i < candidates.length; i++) {
      idHashes[i] = KeyHash.hash(candidates[i].id().value());
      weight += candidates[i].weight();
    }
    this.totalWeight = weight;
  }

  public static RendezvousPlacer of(Collection<Backend> backends, PlacementSettings settings) {
    List<Backend> active = new ArrayList<>();
    for (Backend b : backends) {
      if (b.state().acceptsNewSessions()) {
        active.add(b);
      }
    }
    active.sort(Comparator.comparing(Backend::id));
    return new RendezvousPlacer(active.toArray(new Backend[0]), settings.boundedLoadFactor());
  }

  public Backend place(SessionLoad load, long tieBreakHash) {
    if (candidates.length == 0) {
      return null;
    }
    long total = 0;
    int best = -1;
    long bestLoad = 0;
    for (int i = 0; i < candidates.length; i++) {
      long l = load.liveSessions(candidates[i].id());
      total += l;
      if (best < 0 || lighter(i, l, best, bestLoad, tieBreakHash)) {
        best = i;
        bestLoad = l;
      }
    }
    if (admits(best, bestLoad, total + 1)) {
      return candidates[best];
    }
    return lightestAdmitted(load, total + 1, tieBreakHash, best);
  }

  private Backend lightestAdmitted(
      SessionLoad load, long totalAfter, long tieBreakHash, int fallback) {
    int best = -1;
    long bestLoad = 0;
    for (int i = 0; i < candidates.length; i++) {
      long l = load.liveSessions(candidates[i].id());
      if (admits(i, l, totalAfter) && (best < 0 || lighter(i, l, best, bestLoad, tieBreakHash))) {
        best = i;
        bestLoad = l;
      }
    }
    return candidates[best < 0 ? fallback : best];
  }

  private boolean lighter(int i, long li, int j, long lj, long tieBreakHash) {
    long order = (li + 1) * candidates[j].weight() - (lj + 1) * candidates[i].weight();
    if (order != 0) {
      return order < 0;
    }
    return KeyHash.combine(tieBreakHash, idHashes[i]) > KeyHash.combine(tieBreakHash, idHashes[j]);
  }

  private boolean admits(int i, long load, long totalAfter) {
    return LoadBound.admits(load, candidates[i].weight(), totalAfter, totalWeight, factor);
  }
}
