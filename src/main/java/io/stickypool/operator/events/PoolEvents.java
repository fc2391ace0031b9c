package io.stickypool.operator.events;

import io.fabric8.kubernetes.api.model.Condition;
import io.stickypool.api.v1alpha1.StickyPool;
import io.stickypool.core.drain.DrainTransition;
import io.stickypool.operator.endpoints.BackendTransition;
import io.stickypool.operator.endpoints.EndpointSync;
import io.stickypool.operator.events.EventReason;
import io.stickypool.operator.events.EventRecorder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The pool's Events, by what happened; written by an {@link EventRecorder}, never blocking a reconcile. */
public final class PoolEvents {
  private static final Logger LOG = LoggerFactory.getLogger(PoolEvents.class);

  private final EventRecorder recorder;

  public PoolEvents(EventRecorder recorder) {
    this.recorder = recorder;
  }

  /** @param message what happened, e.g. from {@link DrainEventText} */
  public void transition(StickyPool pool, BackendTransition t, String message) {
    EventReason reason = reasonFor(t.transition());
    if (reason != null) {
      emit(pool, reason, message);
    }
  }

  /**
   * Holds that began or ended in this sync, e.g. {@code Backend web-1 drained here; its pod waits
   * for pool slow, still draining it} and {@code Backend web-1 released: every pool routing to its
   * pod has drained it}. A hold that begins with this pool's own drain ending follows its
   * BackendDrained Event.
   */
  public void holds(StickyPool pool, EndpointSync sync) {
    sync.newlyHeld().forEach(id -> {
      var pools = sync.held().get(id);
      emit(pool, EventReason.BACKEND_HELD, "Backend " + id.value() + " drained here; its pod waits for "
          + (pools.size() == 1 ? "pool " : "pools ") + String.join(", ", pools)
          + ", still routing to it or draining it (/drained?backend=" + id.value() + " answers 503 until then)");
    });
    sync.released().forEach(id -> emit(pool, EventReason.BACKEND_RELEASED, "Backend " + id.value()
        + " released: every pool routing to its pod has drained it (/drained?backend=" + id.value() + " answers 200)"));
  }

  /** Where the sessions of a backend that left went, e.g. {@code 12 sessions moved from web-1 to web-0 (+7)}. */
  public void sessionsRebalanced(StickyPool pool, String message) {
    emit(pool, EventReason.SESSIONS_REBALANCED, message);
  }

  /** The Event reason of a drain transition, or null for NONE. */
  public static EventReason reasonFor(DrainTransition transition) {
    return switch (transition) {
      case BECAME_ACTIVE, DRAIN_CANCELLED -> EventReason.BACKEND_ADDED;
      case STARTED_DRAINING -> EventReason.BACKEND_DRAINING;
      case DRAIN_COMPLETED_NO_SESSIONS, DRAIN_COMPLETED_SESSIONS_IDLE, DRAIN_TIMED_OUT,
          STOPPED_SERVING -> EventReason.BACKEND_DRAINED;
      case BECAME_UNAVAILABLE -> EventReason.BACKEND_UNAVAILABLE;
      case REMOVED -> EventReason.BACKEND_REMOVED;
      case NONE -> null;
    };
  }

  /**
   * One Event per published snapshot, so {@code kubectl get events -w} shows each routing change
   * once with what moved, e.g. {@code Routes v3 -> v4: draining web-1; 2 active, 1 draining}.
   */
  public void routesUpdated(StickyPool pool, EndpointSync sync) {
    emit(pool, EventReason.ROUTES_UPDATED, RoutesChange.describe(sync));
  }

  /** A condition turned False with a new reason: one Warning of that reason. */
  public void problem(StickyPool pool, Condition condition) {
    EventReason.of(condition.getReason()).ifPresentOrElse(r -> emit(pool, r, condition.getMessage()),
        () -> LOG.error("no Event reason for condition reason {}; add it to EventReason", condition.getReason()));
  }

  public void emit(StickyPool pool, EventReason reason, String message) {
    recorder.record(pool, reason, message);
  }
}
