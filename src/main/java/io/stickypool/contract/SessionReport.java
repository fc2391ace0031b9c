package io.stickypool.contract;

import io.stickypool.core.backend.BackendId;
import io.stickypool.core.session.DistinctSketch;
import io.stickypool.core.session.RepinReason;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * What one proxy instance knows about live sessions, per backend, in a form the operator can merge
 * over replicas without double counting (docs/session-report.md). Immutable apart from the arrays
 * and sketches, which readers must not modify.
 *
 * @param instance which proxy made it (its pod name), for logs and partial-result messages
 * @param snapshotVersion the routing snapshot the proxy was serving
 */
public record SessionReport(
    String instance, long snapshotVersion, Instant generatedAt, List<Backend> backends) {

  /**
   * Sessions listed one by one: their {@link DistinctSketch#mix mixed} keys, and when each was
   * pinned to the backend that lists it (epoch millis of the proxy's clock; 0 when unknown, as in a
   * schema 1 report). Of two replicas listing a session on different backends, the later pin is
   * where the session is now.
   */
  public record Pins(long[] keys, long[] pinnedAt) {
    public Pins {
      Objects.requireNonNull(keys, "keys");
      Objects.requireNonNull(pinnedAt, "pinnedAt");
      if (keys.length != pinnedAt.length) {
        throw new IllegalArgumentException(keys.length + " keys but " + pinnedAt.length + " pin times");
      }
    }

    public static final Pins NONE = new Pins(new long[0], new long[0]);

    /** The keys of an exact sketch, pin times unknown. */
    public static Pins unknownTimes(DistinctSketch exact) {
      long[] keys = exact.exactKeys();
      return new Pins(keys, new long[keys.length]);
    }

    public int size() {
      return keys.length;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Pins p && Arrays.equals(keys, p.keys) && Arrays.equals(pinnedAt, p.pinnedAt);
    }

    @Override
    public int hashCode() {
      return 31 * Arrays.hashCode(keys) + Arrays.hashCode(pinnedAt);
    }

    @Override
    public String toString() {
      return "Pins[" + keys.length + "]";
    }
  }

  /**
   * Sessions this instance re-pinned to the listing backend away from {@code from}, still pinned so
   * here: exact (one entry per session, never a sketch), so that the operator counts precisely what
   * a backend that left lost, and can tell a stale entry elsewhere from the session's current pin.
   */
  public record Moved(BackendId from, RepinReason reason, Pins pins) {
    public Moved {
      Objects.requireNonNull(from, "from");
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(pins, "pins");
    }
  }

  /**
   * One backend. Its live sessions are either {@code exact} (listed with pin times) or {@code hll}
   * (a HyperLogLog sketch, for a serving backend with more than {@link DistinctSketch#EXACT_LIMIT}
   * sessions here): exactly one of the two is set.
   *
   * @param sessions this instance's own count (for its own /metrics; merging uses the sessions)
   * @param lastActivity when a session of the backend was last seen here, or null if never
   * @param moved sessions re-pinned here to this backend, by the backend they left and why
   */
  public record Backend(BackendId id, int sessions, Instant lastActivity, Pins exact, DistinctSketch hll,
      List<Moved> moved) {
    public Backend {
      Objects.requireNonNull(id, "id");
      if ((exact == null) == (hll == null)) {
        throw new IllegalArgumentException(id + ": exactly one of exact and hll must be set");
      }
      if (hll != null && hll.isExact()) {
        throw new IllegalArgumentException(id + ": an exact sketch goes in exact, with pin times");
      }
      moved = List.copyOf(moved);
    }

    /** A backend whose live sessions are a sketch (exact ones without pin times), nothing moved. */
    public static Backend of(BackendId id, int sessions, Instant lastActivity, DistinctSketch live) {
      return live.isExact()
          ? new Backend(id, sessions, lastActivity, Pins.unknownTimes(live), null, List.of())
          : new Backend(id, sessions, lastActivity, null, live, List.of());
    }

    /** The distinct live sessions this report lists on the backend (estimated for a sketch). */
    public long distinct() {
      return exact != null ? exact.size() : hll.estimate();
    }
  }

  public SessionReport {
    Objects.requireNonNull(instance, "instance");
    Objects.requireNonNull(generatedAt, "generatedAt");
    backends = List.copyOf(backends);
  }
}
