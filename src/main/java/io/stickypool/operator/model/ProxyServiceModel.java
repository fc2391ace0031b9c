package io.stickypool.operator.model;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import java.util.Map;

/**
 * The Service {@code <pool>-proxy} clients connect to: one port, {@code http}, to the proxy's
 * traffic listener. The admin port (health, metrics, admin API) is deliberately not exposed: with a
 * LoadBalancer or NodePort type it would reach outside the cluster, and metrics are scraped per pod
 * anyway (a PodMonitor on the container port named {@code admin}), since each replica has its own
 * counters and a Service would hand a scraper a random replica.
 *
 * <p>The admin port has its own Service, {@code <pool>-proxy-admin}, always ClusterIP: backend pods'
 * preStop hooks call {@code /drained?backend=<pod>} on it (docs/draining.md). Any replica can
 * answer, since all read the same routing snapshot.
 */
public final class ProxyServiceModel {
  private ProxyServiceModel() {}

  public static Service desired(PoolIdentity pool, EffectiveProxy proxy) {
    return new ServiceBuilder()
        .withMetadata(pool.metadata(pool.proxyName()))
        .withNewSpec()
            .withType(proxy.serviceType().name())
            .withSelector(pool.selectorLabels())
            .addNewPort()
                .withName(ProxyLayout.HTTP_PORT_NAME)
                .withProtocol("TCP")
                .withPort(proxy.port())
                .withTargetPort(new IntOrString(ProxyLayout.HTTP_PORT_NAME))
            .endPort()
        .endSpec()
        .build();
  }

  public static Service admin(PoolIdentity pool) {
    return admin(pool, pool.selectorLabels(), new IntOrString(ProxyLayout.ADMIN_PORT_NAME));
  }

  /**
   * Sidecar mode: the admin ports of the target's pods, picked by the target's own selector, by
   * number since the sidecar's port names must not clash with the application's.
   */
  public static Service sidecarAdmin(PoolIdentity pool, Map<String, String> targetSelector) {
    return admin(pool, targetSelector, new IntOrString(ProxyLayout.ADMIN_PORT));
  }

  private static Service admin(PoolIdentity pool, Map<String, String> selector, IntOrString targetPort) {
    return new ServiceBuilder()
        .withMetadata(pool.metadata(pool.proxyAdminName()))
        .withNewSpec()
            .withType("ClusterIP")
            .withSelector(selector)
            .addNewPort()
                .withName(ProxyLayout.ADMIN_PORT_NAME)
                .withProtocol("TCP")
                .withPort(ProxyLayout.ADMIN_PORT)
                .withTargetPort(targetPort)
            .endPort()
        .endSpec()
        .build();
  }
}
