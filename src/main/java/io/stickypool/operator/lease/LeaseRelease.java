package io.stickypool.operator.lease;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.ZonedDateTime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives the Lease up when a leader stops cleanly, as client-go's {@code ReleaseOnCancel} does:
 * JOSDK 5.3.2 builds its elector with {@code releaseOnCancel=false}, so without this a standby
 * waits out the whole lease duration (15 s) before it takes over after a rolling update.
 * Only a Lease still held by this identity is touched; a failure is logged, never thrown (the
 * Lease then simply expires).
 */
public final class LeaseRelease {
  private static final Logger LOG = LoggerFactory.getLogger(LeaseRelease.class);

  private LeaseRelease() {}

  public static void release(KubernetesClient client, LeaderElectionSettings l) {
    try {
      var lease = client.leases().inNamespace(l.leaseNamespace()).withName(l.leaseName()).get();
      if (lease == null || lease.getSpec() == null || !l.identity().equals(lease.getSpec().getHolderIdentity())) {
        return;
      }
      ZonedDateTime now = ZonedDateTime.now();
      lease.getSpec().setHolderIdentity(null);
      lease.getSpec().setLeaseDurationSeconds(1);
      lease.getSpec().setRenewTime(now);
      client.resource(lease).update(); // carries the resourceVersion read: a renewal in between wins
      LOG.info("{} released lease {}/{}", l.identity(), l.leaseNamespace(), l.leaseName());
    } catch (KubernetesClientException e) {
      LOG.warn("{} could not release lease {}/{} (it expires by itself): {}", l.identity(),
          l.leaseNamespace(), l.leaseName(), e.getMessage());
    }
  }
}
