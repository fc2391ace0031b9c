package io.stickypool.demo;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.stickypool.core.cookie.KeyRing;
import io.stickypool.operator.model.SigningSecretModel;
import io.stickypool.operator.sessions.AdminTarget;
import io.stickypool.proxy.ProxyRuntime;
import io.stickypool.proxy.config.ProxyConfig;
import io.stickypool.proxy.health.HealthSettings;
import io.stickypool.proxy.http.ProxySettings;
import io.stickypool.proxy.routes.kubernetes.ConfigMapRef;
import io.stickypool.proxy.routes.kubernetes.ConfigMapRoutesSource;
import io.stickypool.proxy.routes.kubernetes.RoutesDocument;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * SIMULATOR, not StickyPool: plays kubelet for the operator's proxy Deployment ({@code <pool>-proxy}).
 * Each replica is the real proxy ({@link ProxyRuntime}) in this JVM, reading {@code <pool>-routes}
 * through the API with {@link ConfigMapRoutesSource} exactly as it does in a pod, plus a Ready Pod
 * object. The pods' IPs are made up, so {@link #adminTarget} tells the operator which loopback port
 * each pod's admin server (session reports) really listens on. Scaling proxies down is not simulated.
 * {@link #reconcile} runs on {@link SimulatedNode}'s thread; the other methods are thread-safe.
 */
final class SimulatedProxyPods implements AutoCloseable {
  private final KubernetesClient client;
  private final String namespace;
  private final PrintStream out;
  private final Map<String, ProxyRuntime> byPod = new ConcurrentHashMap<>();
  private final List<ProxyRuntime> proxies = new CopyOnWriteArrayList<>();

  SimulatedProxyPods(KubernetesClient client, String namespace, PrintStream out) {
    this.client = client;
    this.namespace = namespace;
    this.out = out;
  }

  /** Starts replicas up to spec.replicas once the pool's routes and keys exist; returns the running count. */
  int reconcile(Deployment d, String pool) throws Exception {
    int desired = d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
    while (proxies.size() < desired && start(d, pool)) {
      // one more replica started
    }
    return proxies.size();
  }

  private boolean start(Deployment d, String pool) throws Exception {
    // The names the operator gives a pool's ConfigMap and Secret (operator.model.PoolIdentity).
    ConfigMapRef ref = new ConfigMapRef(namespace, pool + "-routes");
    Secret secret = client.secrets().inNamespace(namespace).withName(pool + "-keys").get();
    if (client.configMaps().inNamespace(namespace).withName(ref.name()).get() == null || secret == null) {
      return false; // a real kubelet would wait for the volumes too
    }
    ProxyConfig fromConfigMap = RoutesDocument.fetch(client, ref);
    ProxyConfig local = new ProxyConfig(new InetSocketAddress("127.0.0.1", 0),
        new InetSocketAddress("127.0.0.1", 0), ProxySettings.defaults(), HealthSettings.defaults(),
        100_000, 2, null, null, fromConfigMap.routes());
    KeyRing keys = SigningSecretModel.keyRing(secret).orElseThrow();
    ProxyRuntime proxy = ProxyRuntime.start(local, new ConfigMapRoutesSource(client, ref), keys);
    String name = d.getMetadata().getName() + "-" + proxies.size();
    Pod pod = ReadyPods.create(client, namespace, d, name);
    byPod.put(name, proxy);
    proxies.add(proxy);
    out.printf("[simulator] pod %s started: the real StickyPool proxy in this JVM, traffic on %s, admin on %s,"
        + " routes from ConfigMap %s through the API%n", name, proxy.trafficAddress(), proxy.adminAddress(), ref.name());
    return true;
  }

  /** For OperatorSettings.adminTargets: where this simulated pod's admin server listens. */
  Optional<AdminTarget> adminTarget(Pod pod) {
    return Optional.ofNullable(byPod.get(pod.getMetadata().getName()))
        .map(p -> new AdminTarget(pod.getMetadata().getName(), "127.0.0.1", p.adminAddress().getPort()));
  }

  /** The proxies' traffic ports, in start order (what a Service in front of them would spread over). */
  List<Integer> trafficPorts() {
    return proxies.stream().map(p -> p.trafficAddress().getPort()).toList();
  }

  /** Whether any proxy's current routes still hold this backend. */
  boolean routes(String backend) {
    return proxies.stream().anyMatch(p -> p.routingState().current().table().backends().stream()
        .anyMatch(b -> b.id().value().equals(backend)));
  }

  /** Whether every proxy serves exactly this many Active backends. */
  boolean allServeActive(int active) {
    return !proxies.isEmpty() && proxies.stream().allMatch(p -> p.routingState().current().table().backends()
        .stream().filter(b -> b.state() == io.stickypool.core.backend.BackendState.ACTIVE).count() == active);
  }

  @Override
  public void close() {
    for (ProxyRuntime p : proxies) {
      try {
        p.shutdown(Duration.ofMillis(200));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      p.close();
    }
    proxies.clear();
  }
}
