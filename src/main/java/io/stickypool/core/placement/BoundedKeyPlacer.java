package io.stickypool.core.placement;

import io.stickypool.core.backend.Backend;
import io.stickypool.core.snapshot.PlacementSettings;
import java.util.Objects;

/**
 * Chooses the backend of a key (a header value, a client address, an application cookie):
 * consistent hashing with bounded loads (Mirrokni, Thorup and Zadimoghaddam, 2018).
 *
 * <p>The key goes to its ring owner unless that backend is full, and then to the next backend
 * clockwise that is not, in {@link HashRing#pickFirst} order. Full means {@link LoadBound} refuses
 * it: taking one more session would put it above {@code ceil(factor * weighted mean)}, the mean
 * counting the new session. While no backend is full this is exactly the ring, so keys move only
 * as the ring moves them; a full backend sheds new keys to the same neighbour on every replica.
 * The capacities always leave room somewhere, so with consistent counts the result never goes
 * over the bound; if counts change under the walk and it finds no room, the owner is returned.
 *
 * <p>Cost: the total of the members' sessions, from the {@link LoadIndex} of the {@link
 * NewSessionPlacer} over the same members when the load is {@link IndexedLoad} (O(1)), else one
 * pass over the members; then one {@link SessionLoad} read per backend tried; no allocation.
 * Immutable and thread-safe; build one per ring.
 */
public final class BoundedKeyPlacer {
  private final HashRing ring;
  private final double factor;
  private final NewSessionPlacer sameMembers;

  private BoundedKeyPlacer(HashRing ring, double factor, NewSessionPlacer sameMembers) {
    this.ring = ring;
    this.factor = factor;
    this.sameMembers = sameMembers;
  }

  public static BoundedKeyPlacer of(HashRing ring, PlacementSettings settings) {
    return of(ring, settings, null);
  }

  /**
   * A placer that takes its total from the index of {@code sameMembers}, a placer built from the
   * same backends as the ring (so with the same candidates), or null to always add the counts up.
   */
  public static BoundedKeyPlacer of(HashRing ring, PlacementSettings settings, NewSessionPlacer sameMembers) {
    Objects.requireNonNull(ring, "ring");
    Objects.requireNonNull(settings, "placement settings");
    return new BoundedKeyPlacer(ring, settings.boundedLoadFactor(), sameMembers);
  }

  /** The backend for the key, or null when the ring is empty. */
  public Backend place(long keyHash, SessionLoad load) {
    if (ring.isEmpty()) {
      return null;
    }
    long totalAfter = liveTotal(load) + 1;
    int start = ring.slotOf(keyHash);
    int slot = start;
    int asked = -1;
    do {
      int owner = ring.ownerAt(slot);
      if (owner != asked && hasRoom(ring.member(owner), load, totalAfter)) {
        return ring.member(owner);
      }
      asked = owner;
      slot = ring.nextSlot(slot);
    } while (slot != start);
    return ring.member(ring.ownerAt(start));
  }

  public HashRing ring() {
    return ring;
  }

  private boolean hasRoom(Backend b, SessionLoad load, long totalAfter) {
    return LoadBound.admits(
        load.liveSessions(b.id()), b.weight(), totalAfter, ring.totalWeight(), factor);
  }

  private long liveTotal(SessionLoad load) {
    if (sameMembers != null && load instanceof IndexedLoad indexed) {
      LoadIndex index = indexed.indexFor(sameMembers);
      if (index != null) {
        return index.total();
      }
    }
    long total = 0;
    for (int i = 0, n = ring.memberCount(); i < n; i++) {
      total += load.liveSessions(ring.member(i).id());
    }
    return total;
  }

  @Override
  public String toString() {
    return "BoundedKeyPlacer{" + ring + ", factor=" + factor + "}";
  }
}
