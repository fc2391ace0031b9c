package io.stickypool.operator.lease;

import java.time.Duration;
import java.util.Objects;

/**
 * Lease-based leader election for running several operator replicas.
 *
 * <p>{@code exitOnLostLeadership}: JOSDK 5.3.2 keeps processing events after losing the lease when
 * told not to exit, so two replicas could reconcile the same pool. Production therefore exits (the
 * pod restarts and joins as a standby); tests turn it off and the operator stops itself instead.
 */
public record LeaderElectionSettings(
    String leaseName,
    String leaseNamespace,
    String identity,
    Duration leaseDuration,
    Duration renewDeadline,
    Duration retryPeriod,
    boolean exitOnLostLeadership) {

  public static final String DEFAULT_LEASE_NAME = "stickypool-operator";
  /** The client-go defaults, as JOSDK uses them. */
  public static final Duration DEFAULT_LEASE_DURATION = Duration.ofSeconds(15);
  public static final Duration DEFAULT_RENEW_DEADLINE = Duration.ofSeconds(10);
  public static final Duration DEFAULT_RETRY_PERIOD = Duration.ofSeconds(2);

  public LeaderElectionSettings {
    Objects.requireNonNull(leaseName, "leaseName");
    Objects.requireNonNull(leaseNamespace, "leaseNamespace");
    Objects.requireNonNull(identity, "identity");
    if (renewDeadline.compareTo(leaseDuration) >= 0 || retryPeriod.compareTo(renewDeadline) >= 0) {
      throw new IllegalArgumentException("leader election needs retryPeriod < renewDeadline < leaseDuration, got "
          + retryPeriod + " / " + renewDeadline + " / " + leaseDuration);
    }
  }

  /** Production timings; exits the process when the lease is lost. */
  public static LeaderElectionSettings of(String leaseName, String leaseNamespace, String identity) {
    return new LeaderElectionSettings(leaseName, leaseNamespace, identity,
        DEFAULT_LEASE_DURATION, DEFAULT_RENEW_DEADLINE, DEFAULT_RETRY_PERIOD, true);
  }
}
