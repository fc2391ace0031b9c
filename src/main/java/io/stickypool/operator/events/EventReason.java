package io.stickypool.operator.events;

import java.util.Arrays;
import java.util.Optional;

/**
 * Every reason the operator puts on an Event, in one place, with its type. A user filtering
 * {@code kubectl get events --field-selector reason=...} finds the list here and in
 * docs/operator.md.
 */
public enum EventReason {
  BACKEND_ADDED("BackendAdded", Type.NORMAL),
  BACKEND_DRAINING("BackendDraining", Type.NORMAL),
  BACKEND_DRAINED("BackendDrained", Type.NORMAL),
  BACKEND_UNAVAILABLE("BackendUnavailable", Type.NORMAL),
  BACKEND_REMOVED("BackendRemoved", Type.NORMAL),
  // A backend this pool drained while other pools routing to its pod had not, and its release.
  BACKEND_HELD("BackendHeld", Type.NORMAL),
  BACKEND_RELEASED("BackendReleased", Type.NORMAL),
  ROUTES_UPDATED("RoutesUpdated", Type.NORMAL),
  SESSIONS_REBALANCED("SessionsRebalanced", Type.NORMAL),
  SIGNING_KEYS_ROTATED("SigningKeysRotated", Type.NORMAL),
  SIDECAR_INJECTED("SidecarInjected", Type.NORMAL),
  SIDECAR_REMOVED("SidecarRemoved", Type.NORMAL),
  // Ready turned False: one Warning per new problem, with the condition's reason.
  INVALID_SPEC("InvalidSpec", Type.WARNING),
  SERVICE_NOT_FOUND("ServiceNotFound", Type.WARNING),
  PORT_NOT_FOUND("PortNotFound", Type.WARNING),
  TARGET_NOT_FOUND("TargetNotFound", Type.WARNING),
  TARGET_IN_USE("TargetInUse", Type.WARNING),
  TARGET_PORT_CONFLICT("TargetPortConflict", Type.WARNING),
  RECONCILE_ERROR("ReconcileError", Type.WARNING),
  PROXY_UNAVAILABLE("ProxyUnavailable", Type.WARNING),
  PROXY_PROGRESSING("ProxyProgressing", Type.WARNING),
  TLS_SECRET_INVALID("TlsSecretInvalid", Type.WARNING),
  TERMINATION_GRACE_TOO_SHORT("TerminationGraceTooShort", Type.WARNING),
  SINGLE_PROXY_REPLICA("SingleProxyReplica", Type.WARNING),
  EVICTIONS_BLOCKED("EvictionsBlocked", Type.WARNING),
  EVICTIONS_UNBOUNDED("EvictionsUnbounded", Type.WARNING);

  /** core/v1 Event types. */
  public enum Type {
    NORMAL("Normal"),
    WARNING("Warning");

    private final String wire;

    Type(String wire) {
      this.wire = wire;
    }

    public String wire() {
      return wire;
    }
  }

  private final String wire;
  private final Type type;

  EventReason(String wire, Type type) {
    this.wire = wire;
    this.type = type;
  }

  /** As it appears in the Event's {@code reason}. */
  public String wire() {
    return wire;
  }

  public Type type() {
    return type;
  }

  /** The reason spelled {@code wire} (a condition's reason), if it is one of ours. */
  public static Optional<EventReason> of(String wire) {
    return Arrays.stream(values()).filter(r -> r.wire.equals(wire)).findFirst();
  }
}
