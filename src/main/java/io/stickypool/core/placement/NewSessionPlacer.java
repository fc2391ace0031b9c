package io.stickypool.core.placement;

import io.stickypool.core.backend.Backend;
import io.stickypool.core.snapshot.PlacementSettings;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

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
 *       bound of 5, so it goes to the weight-3 one. If counts change while read so that the bound
 *       admits none, the rule is dropped.
 *   <li>Fewest {@code (sessions + 1) / weight}: the load it would have after taking the session.
 *       The {@code + 1} makes empty backends of higher weight go first.
 *   <li>Among the {@code k} backends still equal, ordered by (weight, id), the one at {@code
 *       floor(k * unsigned(tieBreakHash) / 2^64)}: with equal counts each new session picks a
 *       pseudo-random backend instead of the first id, so two proxy replicas that see the same
 *       counts do not herd onto one backend.
 * </ol>
 *
 * <p>Cost: with the session table ({@link IndexedLoad}), O(D + log N) through a {@link LoadIndex}
 * the table keeps current (D = distinct weights); with any other {@link SessionLoad}, up to three
 * passes reading each count. No allocation per call. Immutable and thread-safe; build one per
 * routing snapshot.
 */
public final class NewSessionPlacer {
  private static final AtomicLong BUILT = new AtomicLong();
  private static final Comparator<Backend> ORDER =
      Comparator.comparingInt(Backend::weight).thenComparing(Backend::id);

  private final Backend[] candidates;
  private final long totalWeight;
  private final double factor;
  private final long serial = BUILT.incrementAndGet();

  private NewSessionPlacer(Backend[] candidates, double factor) {
    this.candidates = candidates;
    this.factor = factor;
    long weight = 0;
    for (Backend b : candidates) {
      weight += b.weight();
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
    active.sort(ORDER);
    return new NewSessionPlacer(active.toArray(new Backend[0]), settings.boundedLoadFactor());
  }

  /**
   * The backend for a new session, or null when no backend accepts new sessions.
   *
   * @param tieBreakHash a hash that differs per session, such as {@code KeyHash.hash(sessionId)}
   */
  public Backend place(SessionLoad load, long tieBreakHash) {
    if (load instanceof IndexedLoad indexed && candidates.length <= LoadIndex.MAX_CANDIDATES) {
      LoadIndex index = indexed.indexFor(this);
      if (index != null) {
        return index.place(tieBreakHash);
      }
    }
    return scan(load, tieBreakHash);
  }

  /** A fresh index of the candidates starting from {@code load}; the caller keeps it current. */
  public LoadIndex newIndex(SessionLoad load) {
    return new LoadIndex(this, candidates, totalWeight, factor, load);
  }

  /** Whether this placer was built after {@code other} (a newer routing table). */
  public boolean newerThan(NewSessionPlacer other) {
    return serial > other.serial;
  }

  /** The same rules by reading every count: one pass to total, one to rank, one to pick. */
  private Backend scan(SessionLoad load, long tieBreakHash) {
    if (candidates.length == 0) {
      return null;
    }
    long total = 0;
    for (Backend b : candidates) {
      total += load.liveSessions(b.id());
    }
    long totalAfter = total + 1;
    long admittedNum = 0;
    int admittedWeight = 0;
    long anyNum = 0;
    int anyWeight = 0;
    for (Backend b : candidates) {
      long l = load.liveSessions(b.id());
      if (LoadIndex.lighter(l + 1, b.weight(), anyNum, anyWeight)) {
        anyNum = l + 1;
        anyWeight = b.weight();
      }
      if (admits(l, b, totalAfter) && LoadIndex.lighter(l + 1, b.weight(), admittedNum, admittedWeight)) {
        admittedNum = l + 1;
        admittedWeight = b.weight();
      }
    }
    boolean admittedOnly = admittedWeight != 0;
    return admittedOnly
        ? pick(load, admittedNum, admittedWeight, true, totalAfter, tieBreakHash)
        : pick(load, anyNum, anyWeight, false, totalAfter, tieBreakHash);
  }

  /** The j-th (by the hash) candidate whose load after placing is num / weight. */
  private Backend pick(
      SessionLoad load, long num, int weight, boolean admittedOnly, long totalAfter, long hash) {
    int ties = 0;
    int last = 0;
    for (int i = 0; i < candidates.length; i++) {
      if (matches(load, i, num, weight, admittedOnly, totalAfter)) {
        ties++;
        last = i;
      }
    }
    int j = LoadIndex.tieIndex(hash, ties);
    for (int i = 0; i < candidates.length; i++) {
      if (matches(load, i, num, weight, admittedOnly, totalAfter) && j-- == 0) {
        return candidates[i];
      }
    }
    return candidates[last];
  }

  private boolean matches(
      SessionLoad load, int i, long num, int weight, boolean admittedOnly, long totalAfter) {
    Backend b = candidates[i];
    long l = load.liveSessions(b.id());
    return (l + 1) * weight == num * b.weight() && (!admittedOnly || admits(l, b, totalAfter));
  }

  private boolean admits(long load, Backend b, long totalAfter) {
    return LoadBound.admits(load, b.weight(), totalAfter, totalWeight, factor);
  }

  @Override
  public String toString() {
    return "NewSessionPlacer{candidates=" + candidates.length + ", factor=" + factor + "}";
  }
}
