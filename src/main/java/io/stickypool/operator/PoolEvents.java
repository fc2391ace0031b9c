package io.stickypool.operator;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.stickypool.api.v1alpha1.StickyPool;
import io.stickypool.core.drain.DrainTransition;
import io.stickypool.operator.endpoints.BackendTransition;
import io.stickypool.operator.endpoints.EndpointSync;
import java.time.Instant;
import java.util.UUID;

/** core/v1 Events on the pool; best effort, an Event failure must never fail a reconcile. */
public final class PoolEvents {
  private final KubernetesClient client;

  public PoolEvents(KubernetesClient client) {
    this.client = client;
  }

  /** @param message what happened, e.g. from {@link DrainEventText} */
  public void transition(StickyPool pool, BackendTransition t, String message) {
    String reason = reasonFor(t.transition());
    if (reason != null) {
      emit(pool, reason, message, "Normal");
    }
  }

  /** Where the sessions of a backend that left went, e.g. {@code 12 sessions moved from web-1 to web-0 (+7)}. */
  public void sessionsRebalanced(StickyPool pool, String message) {
    emit(pool, "SessionsRebalanced", message, "Normal");
  }

  /** The Event reason of a drain transition, or null for NONE. */
  static String reasonFor(DrainTransition transition) {
    return switch (transition) {
      case BECAME_ACTIVE, DRAIN_CANCELLED -> "BackendAdded";
      case STARTED_DRAINING -> "BackendDraining";
      case DRAIN_COMPLETED_NO_SESSIONS, DRAIN_COMPLETED_SESSIONS_IDLE, DRAIN_TIMED_OUT,
          STOPPED_SERVING -> "BackendDrained";
      case BECAME_UNAVAILABLE -> "BackendUnavailable";
      case REMOVED -> "BackendRemoved";
      case NONE -> null;
    };
  }

  /**
   * One Event per published snapshot, so {@code kubectl get events -w} shows each routing change
   * once with what moved, e.g. {@code Routes v3 -> v4: draining web-1; 2 active, 1 draining}.
   */
  public void routesUpdated(StickyPool pool, EndpointSync sync) {
    emit(pool, "RoutesUpdated", RoutesChange.describe(sync), "Normal");
  }

  public void emit(StickyPool pool, String reason, String message, String type) {
    String now = Instant.now().toString();
    Event e = new EventBuilder()
        .withNewMetadata().withNamespace(pool.getMetadata().getNamespace())
        .withName(pool.getMetadata().getName() + "." + UUID.randomUUID()).endMetadata()
        .withInvolvedObject(new ObjectReferenceBuilder().withApiVersion(pool.getApiVersion())
            .withKind(pool.getKind()).withName(pool.getMetadata().getName())
            .withNamespace(pool.getMetadata().getNamespace()).withUid(pool.getMetadata().getUid()).build())
        .withReason(reason).withMessage(message).withType(type)
        .withFirstTimestamp(now).withLastTimestamp(now).withCount(1)
        .withNewSource().withComponent("stickypool-operator").endSource()
        .build();
    try {
      client.v1().events().inNamespace(pool.getMetadata().getNamespace()).resource(e).create();
    } catch (RuntimeException ignored) {
      // Events are advisory; status and the routes ConfigMap are the source of truth.
    }
  }
}
