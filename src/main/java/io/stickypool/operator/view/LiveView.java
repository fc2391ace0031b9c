package io.stickypool.operator.view;

import io.fabric8.kubernetes.api.model.Condition;
import io.stickypool.api.v1alpha1.AffinityType;
import io.stickypool.api.v1alpha1.BackendStatus;
import io.stickypool.api.v1alpha1.ConditionTypes;
import io.stickypool.api.v1alpha1.ProxyMode;
import io.stickypool.api.v1alpha1.StickyPool;
import io.stickypool.api.v1alpha1.StickyPoolSpec;
import io.stickypool.api.v1alpha1.StickyPoolStatus;
import io.stickypool.operator.events.EventReason;
import io.stickypool.operator.events.RecentEvents;
import io.stickypool.operator.model.PoolSettings;
import io.stickypool.operator.model.PoolSpecCheck;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;

/**
 * The document behind the live view ({@code GET /api/pools}): every pool the operator reconciles,
 * as its informer cache holds it, and the Events it recorded lately. Built by a pure function from
 * what the operator already has in memory, so a page view sends no request to the API server.
 * Only what a user reads in {@code kubectl get sp} and {@code kubectl get events} goes in: no spec
 * is copied whole, and nothing of the signing keys or any Secret.
 *
 * @param now the operator's clock, so the page counts drain deadlines down in the operator's time
 * @param replica {@code single} (no leader election), {@code leader} or {@code standby}: a standby
 *     reconciles nothing and so lists no pool
 * @param events newest first
 */
public record LiveView(String now, String replica, List<Pool> pools, List<Event> events) {
  /** The most recent Events the document carries. */
  public static final int EVENTS = 50;

  /**
   * @param ready the Ready condition: {@code True}, {@code False} or {@code Unknown}
   * @param drainTimeoutSeconds the effective drain timeout; null while the spec is invalid
   * @param sessions null while no proxy answered
   */
  public record Pool(String namespace, String name, String mode, String affinity, String service,
      String ready, String readyReason, String readyMessage, Long snapshotVersion, Integer proxiesReady,
      Integer proxiesDesired, Long sessions, String sessionsReportedBy, String sessionsObservedAt,
      Long drainTimeoutSeconds, List<Backend> backends) {}

  /**
   * @param state Active, Draining, Drained, Unavailable or Removed
   * @param drainDeadline RFC 3339, while Draining
   * @param waitingFor pools that still route to or drain this backend's pod
   */
  public record Backend(String id, String address, String state, Long sessions, String drainDeadline,
      List<String> waitingFor) {}

  /** @param move a SessionsRebalanced Event: sessions of a backend that left, and where they went */
  public record Event(String namespace, String pool, String type, String reason, String message, int count,
      String firstTime, String lastTime, boolean move) {}

  public static LiveView of(Instant now, String replica, List<StickyPool> pools, List<RecentEvents.Entry> events) {
    return new LiveView(now.toString(), replica,
        pools.stream().map(LiveView::pool).sorted(Comparator.comparing(Pool::namespace).thenComparing(Pool::name))
            .toList(),
        events.stream().limit(EVENTS).map(LiveView::event).toList());
  }

  private static Pool pool(StickyPool p) {
    StickyPoolSpec spec = p.getSpec();
    StickyPoolStatus status = p.getStatus() != null ? p.getStatus() : new StickyPoolStatus();
    Condition ready = status.getConditions() == null ? null : status.getConditions().stream()
        .filter(c -> ConditionTypes.READY.equals(c.getType())).findFirst().orElse(null);
    boolean sidecar = spec != null && spec.getProxy() != null && spec.getProxy().getMode() == ProxyMode.Sidecar;
    return new Pool(p.getMetadata().getNamespace(), p.getMetadata().getName(),
        sidecar ? ProxyMode.Sidecar.name() : ProxyMode.Deployment.name(),
        affinity(spec),
        spec == null || spec.getBackend() == null ? null : spec.getBackend().getService(),
        ready == null ? "Unknown" : ready.getStatus(), ready == null ? null : ready.getReason(),
        ready == null ? null : ready.getMessage(), status.getSnapshotVersion(),
        status.getProxyReplicas() == null ? null : status.getProxyReplicas().getReady(),
        status.getProxyReplicas() == null ? null : status.getProxyReplicas().getDesired(),
        status.getSessions(), status.getSessionsReportedBy(), status.getSessionsObservedAt(), drainTimeout(spec),
        status.getBackends() == null ? List.of() : status.getBackends().stream().map(LiveView::backend).toList());
  }

  /** As the pool says, or Cookie, what an omitted type means (as the CRD's default sets it). */
  private static String affinity(StickyPoolSpec spec) {
    if (spec == null || spec.getAffinity() == null || spec.getAffinity().getType() == null) {
      return AffinityType.Cookie.name();
    }
    return spec.getAffinity().getType().name();
  }

  private static Long drainTimeout(StickyPoolSpec spec) {
    if (spec == null || PoolSpecCheck.problem(spec).isPresent()) {
      return null;
    }
    return PoolSettings.of(spec).drain().drainTimeout().toSeconds();
  }

  private static Backend backend(BackendStatus b) {
    return new Backend(b.getId(), b.getAddress(), b.getState() == null ? null : b.getState().name(),
        b.getSessions(), b.getDrainDeadline(), b.getWaitingFor() == null ? List.of() : List.copyOf(b.getWaitingFor()));
  }

  private static Event event(RecentEvents.Entry e) {
    return new Event(e.namespace(), e.object(), e.type(), e.reason(), e.message(), e.count(), e.first().toString(),
        e.last().toString(), EventReason.SESSIONS_REBALANCED.wire().equals(e.reason()));
  }
}
