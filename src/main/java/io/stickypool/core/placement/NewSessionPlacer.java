package io.stickypool.core.placement;

import io.stickypool.core.backend.Backend;
import io.stickypool.core.snapshot.PlacementSettings;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * Chooses the backend of a brand-new cookie session: weighted least sessions.
 *
 * <p>Order of preference among the backends that accept new sessions (DRAINING, DRAINED and
 * UNAVAILABLE backends are never chosen):
 *
 * <ol>
 *   <li>Within the bounded-load factor ({@link LoadBound}), the same promise {@link
 *       BoundedKeyPlacer} keeps. With equal weights the next rule alone always satisfies it. With
 *       unequal weights and a factor near 1.0 it can bite: weights 10, 1, 3 holding 5, 0, 1
 *       sessions at factor 1.0 would put the next session on the weight-10 backend, above its
 *       bound of 5, so it goes to the weight-3 one. It also covers counts that change while read.
 *   <li>Fewest {@code (sessions + 1) / weight}: the load it would have after taking the session.
 *       The {@code + 1} makes empty backends of higher weight go first.
 *   <li>Highest rendezvous score {@code KeyHash.combine(tieBreakHash, KeyHash.hash(id))}: with
 *       equal counts, each new session picks a pseudo-random backend instead of the first id, so
 *       two proxy replicas that see the same counts do not herd onto one backend.
 * </ol>
 *
 * <p>Cost: one pass over the candidates reading {@link SessionLoad} once per backend (a second one
 * when the bound bites); no allocation. Immutable and thread-safe; build one per routing snapshot.
 */
public final class NewSessionPlacer {
  private final Backend[] candidates;
  private final long[] idHashes;
  private final long totalWeight;
  private final double factor;

  private NewSessionPlacer(Backend[] candidates, double factor) {
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

  public static NewSessionPlacer of(Collection<Backend> backends, PlacementSettings settings) {
    Objects.requireNonNull(settings, "placement settings");
    List<Backend> active = new ArrayList<>();
    for (Backend b : backends) {
      if (b.state().acceptsNewSessions()) {
        active.add(b);
      }
    }
    active.sort(Comparator.comparing(Backend::id));
    return new NewSessionPlacer(active.toArray(new Backend[0]), settings.boundedLoadFactor());
  }

  /**
   * The backend for a new session, or null when no backend accepts new sessions.
   *
   * @param tieBreakHash a hash that differs per session, such as {@code KeyHash.hash(sessionId)}
   */
  public Backend place(SessionLoad load, long tieBreakHash) {
    if (candidates.length == 0) {
      return null;
    }
    // One pass finds the lightest and the total; the bound is checked on the winner alone, and
    // only when it fails (rare, see the class comment) does a second pass look among the rest.
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

  /** The lightest backend the bound admits, or {@code fallback} if counts moved and none is. */
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

  /** Whether candidate i would end lighter than j, by weight and then by rendezvous score. */
  private boolean lighter(int i, long li, int j, long lj, long tieBreakHash) {
    // (li + 1) / wi < (lj + 1) / wj, without division: exact, and no float ties to worry about.
    long order = (li + 1) * candidates[j].weight() - (lj + 1) * candidates[i].weight();
    if (order != 0) {
      return order < 0;
    }
    return KeyHash.combine(tieBreakHash, idHashes[i]) > KeyHash.combine(tieBreakHash, idHashes[j]);
  }

  private boolean admits(int i, long load, long totalAfter) {
    return LoadBound.admits(load, candidates[i].weight(), totalAfter, totalWeight, factor);
  }

  @Override
  public String toString() {
    return "NewSessionPlacer{candidates=" + candidates.length + ", factor=" + factor + "}";
  }
}
