package io.stickypool.api.v1alpha1;

/** CamelCase reasons for {@code status.conditions}; a machine-readable cause for each status. */
public final class ConditionReasons {
  public static final String RECONCILED = "Reconciled";
  public static final String SERVICE_NOT_FOUND = "ServiceNotFound";
  public static final String PORT_NOT_FOUND = "PortNotFound";
  public static final String NO_READY_BACKENDS = "NoReadyBackends";
  public static final String BACKENDS_RESOLVED = "BackendsResolved";
  public static final String TARGET_NOT_FOUND = "TargetNotFound";
  public static final String TARGET_INJECTED = "TargetInjected";
  /** The target already carries the sidecar of another pool. */
  public static final String TARGET_IN_USE = "TargetInUse";
  /** A container of the target already declares a port the sidecar needs. */
  public static final String TARGET_PORT_CONFLICT = "TargetPortConflict";
  public static final String PROXY_AVAILABLE = "ProxyAvailable";
  public static final String PROXY_UNAVAILABLE = "ProxyUnavailable";
  public static final String PROXY_PROGRESSING = "ProxyProgressing";
  public static final String RECONCILE_ERROR = "ReconcileError";
  /** The spec holds something the operator cannot act on (past the CRD's validation). */
  public static final String INVALID_SPEC = "InvalidSpec";
  public static final String GRACE_PERIOD_SUFFICIENT = "GracePeriodSufficient";
  public static final String TERMINATION_GRACE_TOO_SHORT = "TerminationGraceTooShort";
  public static final String BACKEND_PODS_UNREAD = "BackendPodsUnread";
  /** spec.proxy.tls names a Secret that is missing or holds no TLS pair. */
  public static final String TLS_SECRET_INVALID = "TlsSecretInvalid";

  private ConditionReasons() {}
}
