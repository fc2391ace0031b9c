package io.stickypool.api.v1alpha1;

/** Condition types in {@code status.conditions}. Each is True, False or Unknown, never negated. */
public final class ConditionTypes {
  /** The pool serves traffic: backends resolved and the proxy available. */
  public static final String READY = "Ready";
  /** The backend Service and port exist and the EndpointSlices were read. */
  public static final String BACKENDS_RESOLVED = "BackendsResolved";
  /** Enough proxy replicas are ready. */
  public static final String PROXY_AVAILABLE = "ProxyAvailable";
  /** Sidecar mode: the target workload's pod template carries the current proxy sidecar. */
  public static final String SIDECAR_INJECTED = "SidecarInjected";
  /** The backend pods' terminationGracePeriodSeconds are at least the drainTimeout. */
  public static final String DRAIN_FITS_GRACE_PERIOD = "DrainFitsGracePeriod";
  /**
   * Deployment mode: a node drain or eviction takes some proxy replicas but never all of them at
   * once (two or more replicas, and a PodDisruptionBudget that allows some but not every eviction).
   */
  public static final String PROXY_DISRUPTION_TOLERANT = "ProxyDisruptionTolerant";

  private ConditionTypes() {}
}
