package io.stickypool.demo;

import io.stickypool.operator.OperatorSettings;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.stickypool.core.backend.BackendState;
import io.stickypool.core.cookie.KeyRing;
import io.stickypool.core.snapshot.RoutingSnapshot;
import io.stickypool.operator.model.SigningSecretModel;
import io.stickypool.operator.sessions.AdminTarget;
import io.stickypool.proxy.ProxyRuntime;
import io.stickypool.proxy.config.ProxyConfig;
import io.stickypool.proxy.health.HealthSettings;
import io.stickypool.proxy.http.ProxySettings;
import io.stickypool.proxy.routes.MappedRoutesSource;
import io.stickypool.proxy.routes.kubernetes.ConfigMapRef;
import io.stickypool.proxy.routes.kubernetes.ConfigMapRoutesSource;
import io.stickypool.proxy.routes.kubernetes.RoutesDocument;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;

/**
 * The proxy pods of the demo, each the real StickyPool proxy ({@link ProxyRuntime}) in this JVM on
 * loopback, reading its pool's routes ConfigMap through the API exactly as it does in a pod, and
 * signing cookies with the keys of the pool's Secret. Thread-safe.
 */
final class InProcessProxies implements AutoCloseable {
  private final KubernetesClient client;
  private final String namespace;
  private final Map<String, ProxyRuntime> byPod = new ConcurrentHashMap<>();
  private final List<ProxyRuntime> inStartOrder = new CopyOnWriteArrayList<>();

  InProcessProxies(KubernetesClient client, String namespace) {
    this.client = client;
    this.namespace = namespace;
  }

  /**
   * Starts the proxy of one pod once the pool's routes and keys exist (a kubelet would wait for the
   * volumes too).
   *
   * @param network the last hop: how routed backend addresses reach this machine's servers
   * @return the started proxy, or empty while the pool's ConfigMap or Secret is missing
   */
  Optional<ProxyRuntime> start(String pod, String pool, UnaryOperator<RoutingSnapshot> network) throws Exception {
    // The names the operator gives a pool's ConfigMap and Secret (operator.model.PoolIdentity).
    ConfigMapRef ref = new ConfigMapRef(namespace, pool + "-routes");
    Secret secret = client.secrets().inNamespace(namespace).withName(pool + "-keys").get();
    if (client.configMaps().inNamespace(namespace).withName(ref.name()).get() == null || secret == null) {
      return Optional.empty();
    }
    ProxyConfig fromConfigMap = RoutesDocument.fetch(client, ref);
    ProxyConfig local = new ProxyConfig(new InetSocketAddress("127.0.0.1", 0),
        new InetSocketAddress("127.0.0.1", 0), ProxySettings.defaults(), HealthSettings.defaults(),
        100_000, 2, null, null, fromConfigMap.routes());
    KeyRing keys = SigningSecretModel.keyRing(secret).orElseThrow();
    ProxyRuntime proxy = ProxyRuntime.start(local, new MappedRoutesSource(new ConfigMapRoutesSource(client, ref), network), keys);
    byPod.put(pod, proxy);
    inStartOrder.add(proxy);
    return Optional.of(proxy);
  }

  Set<String> podNames() {
    return Set.copyOf(byPod.keySet());
  }

  boolean has(String pod) {
    return byPod.containsKey(pod);
  }

  /** For OperatorSettings.adminTargets: the pod IP is made up, its proxy's admin port is on loopback. */
  Optional<AdminTarget> adminTarget(Pod pod) {
    String name = pod.getMetadata().getName();
    return Optional.ofNullable(byPod.get(name)).map(p -> new AdminTarget(name, "127.0.0.1", p.adminAddress().getPort()));
  }

  List<Integer> trafficPorts() {
    return inStartOrder.stream().map(p -> p.trafficAddress().getPort()).toList();
  }

  /** Whether any proxy's current routes still hold this backend. */
  boolean routes(String backend) {
    return inStartOrder.stream().anyMatch(p -> p.routingState().current().table().backends().stream()
        .anyMatch(b -> b.id().value().equals(backend)));
  }

  boolean allServeActive(int active) {
    return !inStartOrder.isEmpty() && inStartOrder.stream().allMatch(p -> p.routingState().current().table()
        .backends().stream().filter(b -> b.state() == BackendState.ACTIVE).count() == active);
  }

  /** Stops one pod's proxy, letting in-flight requests finish for a moment. */
  void stop(String pod) {
    ProxyRuntime p = byPod.remove(pod);
    if (p != null) {
      inStartOrder.remove(p);
      stop(p);
    }
  }

  private static void stop(ProxyRuntime p) {
    try {
      p.shutdown(Duration.ofMillis(200));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    p.close();
  }

  @Override
  public void close() {
    inStartOrder.forEach(InProcessProxies::stop);
    inStartOrder.clear();
    byPod.clear();
  }
}
