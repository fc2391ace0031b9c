package io.stickypool.operator.status;

import io.stickypool.operator.events.RoutesChange;
import io.stickypool.operator.sidecar.SidecarTargets;

import io.stickypool.api.v1alpha1.BackendState;
import io.stickypool.api.v1alpha1.BackendStatus;
import io.stickypool.api.v1alpha1.ConditionReasons;
import io.stickypool.api.v1alpha1.ConditionTypes;
import io.stickypool.api.v1alpha1.SidecarStatus;
import io.stickypool.api.v1alpha1.StickyPool;
import io.stickypool.api.v1alpha1.StickyPoolStatus;
import io.stickypool.core.backend.Backend;
import io.stickypool.core.snapshot.RoutingSnapshot;
import io.stickypool.operator.endpoints.EndpointSync;
import io.stickypool.operator.endpoints.PortResolution;
import java.time.Instant;
import java.util.List;

/** Pure: turns a sync result and the proxies' health into the pool status. */
public final class PoolStatusWriter {
  private PoolStatusWriter() {}

  /**
   * @param portNotFound the message for {@code PortNotFound} (which port, what the Service has);
   *     used only when the sync could not resolve the port
   */
  public static void write(
      StickyPoolStatus status, EndpointSync sync, String portNotFound, ProxyHealth proxy, Instant now) {
    RoutingSnapshot snap = sync.snapshot();
    status.setSnapshotVersion(snap.version());
    status.setBackends(snap.backends().stream().map(b -> backend(b, sync)).toList());
    long active = count(snap, io.stickypool.core.backend.BackendState.ACTIVE);
    // The printer column says "Backends": the ones taking new sessions (draining ones are listed).
    status.setBackendCount((int) active);
    String resolvedReason;
    String resolvedMsg;
    boolean resolved = sync.resolution() == PortResolution.RESOLVED;
    if (sync.resolution() == PortResolution.PORT_NOT_FOUND) {
      resolvedReason = ConditionReasons.PORT_NOT_FOUND;
      resolvedMsg = portNotFound + "; keeping the last good backends";
    } else if (!resolved) {
      resolvedReason = ConditionReasons.NO_READY_BACKENDS;
      resolvedMsg = "no EndpointSlices for the Service yet; keeping the last good backends";
    } else {
      resolvedReason = ConditionReasons.BACKENDS_RESOLVED;
      resolvedMsg = summary(snap);
    }
    List<io.fabric8.kubernetes.api.model.Condition> c = status.getConditions();
    c = Conditions.set(c, ConditionTypes.BACKENDS_RESOLVED, resolved ? "True" : "False", resolvedReason, resolvedMsg, now);
    boolean ready = resolved && active > 0 && proxy.readyBlocker().isEmpty();
    String notReadyReason = !resolved ? resolvedReason : active == 0 ? ConditionReasons.NO_READY_BACKENDS
        : proxy.readyBlocker().map(ProxyHealth.Blocker::reason).orElse(null);
    String notReadyMsg = !resolved || active == 0 ? resolvedMsg
        : proxy.readyBlocker().map(ProxyHealth.Blocker::message).orElse(null);
    c = Conditions.set(c, ConditionTypes.READY, ready ? "True" : "False",
        ready ? ConditionReasons.RECONCILED : notReadyReason, ready ? summary(snap) : notReadyMsg, now);
    c = Conditions.set(c, ConditionTypes.PROXY_AVAILABLE, proxy.status(), proxy.reason(), proxy.message(), now);
    if (proxy.replicas() != null) {
      status.setProxyReplicas(proxy.replicas());
    }
    status.setConditions(c);
  }

  /** Ready=False, InvalidSpec: the other conditions keep what they last said of the pool's objects. */
  public static void invalidSpec(StickyPoolStatus status, String message, Instant now) {
    status.setConditions(Conditions.set(status.getConditions(), ConditionTypes.READY, "False",
        ConditionReasons.INVALID_SPEC, message, now));
  }

  /** Ready (and, unless the problem is elsewhere, BackendsResolved) False for {@code reason}. */
  public static void notReady(StickyPoolStatus status, String reason, String message, Instant now) {
    status.setConditions(Conditions.set(status.getConditions(), ConditionTypes.READY, "False", reason, message, now));
    status.setConditions(Conditions.set(
        status.getConditions(), ConditionTypes.BACKENDS_RESOLVED, "False", reason, message, now));
  }

  public static String readyReason(StickyPoolStatus status) {
    return status.getConditions() == null ? null : status.getConditions().stream()
        .filter(c -> ConditionTypes.READY.equals(c.getType()))
        .map(io.fabric8.kubernetes.api.model.Condition::getReason).findFirst().orElse(null);
  }

  /**
   * Ready=False with a reason other than {@code reasonBefore}: a new problem worth one Warning
   * Event. NoReadyBackends is left to the backend Events, which already tell that story.
   */
  public static java.util.Optional<io.fabric8.kubernetes.api.model.Condition> newProblem(
      String reasonBefore, StickyPoolStatus status) {
    return status.getConditions().stream()
        .filter(c -> ConditionTypes.READY.equals(c.getType()) && "False".equals(c.getStatus()))
        .filter(c -> !c.getReason().equals(reasonBefore))
        .filter(c -> !ConditionReasons.NO_READY_BACKENDS.equals(c.getReason()))
        .findFirst();
  }

  public static String summary(RoutingSnapshot snap) {
    return "version " + snap.version() + ": " + count(snap, io.stickypool.core.backend.BackendState.ACTIVE)
        + " active, " + count(snap, io.stickypool.core.backend.BackendState.DRAINING) + " draining";
  }

  private static long count(RoutingSnapshot snap, io.stickypool.core.backend.BackendState state) {
    return RoutesChange.count(snap, state);
  }

  /** A backend held for other pools shows this pool's own phase, Drained, and whom it waits for. */
  private static BackendStatus backend(Backend b, EndpointSync sync) {
    BackendStatus s = new BackendStatus();
    var waitingFor = sync.held().get(b.id());
    if (waitingFor != null) {
      b = b.withState(io.stickypool.core.backend.BackendState.DRAINED, b.drainDeadline());
      s.setWaitingFor(List.copyOf(waitingFor));
    }
    s.setId(b.id().value());
    s.setAddress(b.host() + ":" + b.port());
    s.setState(switch (b.state()) {
      case ACTIVE -> BackendState.Active;
      case DRAINING -> BackendState.Draining;
      case DRAINED -> BackendState.Drained;
      case UNAVAILABLE -> BackendState.Unavailable;
    });
    s.setDrainDeadline(b.drainDeadline() == null ? null : b.drainDeadline().toString());
    return s;
  }

  /** Sidecar mode: the SidecarInjected condition and where the sidecar is. */
  public static void sidecar(StickyPoolStatus status, StickyPool pool, SidecarTargets.Outcome outcome,
      boolean nativeSidecar, Instant now) {
    var ref = pool.getSpec().getProxy().getTargetRef();
    SidecarStatus s = new SidecarStatus();
    s.setTarget(ref.getKind() + "/" + ref.getName());
    s.setNativeSidecar(nativeSidecar);
    if (outcome.injected()) {
      s.setInjectedGeneration(pool.getMetadata().getGeneration());
      ProxyHealth.Rollout r = ProxyHealth.Rollout.of(outcome.target());
      s.setReplicas(r.desired());
      s.setUpdatedReplicas(r.updated());
      s.setReadyReplicas(r.ready());
    }
    status.setSidecar(s);
    status.setConditions(Conditions.set(status.getConditions(), ConditionTypes.SIDECAR_INJECTED,
        outcome.injected() ? "True" : "False", SidecarTargets.reason(outcome.result()), outcome.message(), now));
  }
}
