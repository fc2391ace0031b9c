package io.stickypool.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.stickypool.core.backend.Backend;
import io.stickypool.core.backend.BackendState;
import io.stickypool.core.cookie.KeyRing;
import io.stickypool.core.snapshot.RoutingSnapshot;
import io.stickypool.operator.model.SigningSecretModel;
import io.stickypool.proxy.ProxyRuntime;
import io.stickypool.proxy.config.ProxyConfig;
import io.stickypool.proxy.health.HealthSettings;
import io.stickypool.proxy.http.ProxySettings;
import io.stickypool.proxy.routes.RoutesSource;
import io.stickypool.proxy.routes.kubernetes.ConfigMapRef;
import io.stickypool.proxy.routes.kubernetes.ConfigMapRoutesSource;
import io.stickypool.proxy.routes.kubernetes.RoutesDocument;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToIntFunction;
import java.util.stream.Collectors;

/**
 * A pool's proxy replica as its pod runs it ({@code proxy --config-map}), in this JVM on loopback:
 * routes watched and keys read through the API server with the client it is given (one
 * impersonating the proxy's ServiceAccount, so RBAC decides what it may read).
 *
 * <p>Two things a pod has that a test process has not: the keys arrive as a mounted file (here
 * {@link #reloadKeys} reads the Secret, as the kubelet would), and the pod network. The API server
 * refuses loopback addresses in EndpointSlices, so slices carry (fake) pod IPs and every snapshot
 * is delivered with each backend's address replaced by its loopback test server's. Ids, states and
 * versions stay as read.
 */
final class InProcessProxy implements AutoCloseable {
  private final KubernetesClient client;
  private final String namespace;
  private final String pool;
  private final ToIntFunction<String> loopbackPort;
  private final ProxyRuntime runtime;
  private KeyRing keys;

  private InProcessProxy(KubernetesClient client, String namespace, String pool, ToIntFunction<String> loopbackPort)
      throws Exception {
    this.client = client;
    this.namespace = namespace;
    this.pool = pool;
    this.loopbackPort = loopbackPort;
    ConfigMapRef ref = new ConfigMapRef(namespace, pool + "-routes");
    ProxyConfig fromConfigMap = RoutesDocument.fetch(client, ref);
    ProxyConfig local = new ProxyConfig(new InetSocketAddress("127.0.0.1", 0), new InetSocketAddress("127.0.0.1", 0),
        ProxySettings.defaults(), HealthSettings.defaults(), 100_000, 2, null, null,
        podNetwork(fromConfigMap.routes()));
    this.keys = readKeys();
    this.runtime = ProxyRuntime.start(local, throughPodNetwork(new ConfigMapRoutesSource(client, ref)), keys);
  }

  /**
   * @param client acts as the proxy; closed with it
   * @param loopbackPort where the backend with this id listens on 127.0.0.1
   */
  static InProcessProxy start(KubernetesClient client, String namespace, String pool,
      ToIntFunction<String> loopbackPort) throws Exception {
    return new InProcessProxy(client, namespace, pool, loopbackPort);
  }

  int trafficPort() {
    return runtime.trafficAddress().getPort();
  }

  int adminPort() {
    return runtime.adminAddress().getPort();
  }

  /** The ring the proxy signs and verifies with. */
  synchronized KeyRing keys() {
    return keys;
  }

  /** Reads the keys Secret and installs the ring if it changed, as the key file watch would. */
  synchronized KeyRing reloadKeys() {
    KeyRing now = readKeys();
    if (!now.equals(keys)) {
      runtime.updateKeys(now);
      keys = now;
    }
    return now;
  }

  /** Backend id -> state in the snapshot the proxy routes by. */
  Map<String, BackendState> states() {
    var current = runtime.routingState().current();
    return current == null ? Map.of() : current.table().snapshot().backends().stream()
        .collect(Collectors.toMap(b -> b.id().value(), Backend::state, (a, b) -> a, TreeMap::new));
  }

  @Override
  public void close() throws InterruptedException {
    try {
      runtime.shutdown(Duration.ofMillis(200));
      runtime.close();
    } finally {
      client.close();
    }
  }

  private KeyRing readKeys() {
    return SigningSecretModel.keyRing(client.secrets().inNamespace(namespace).withName(pool + "-keys").get())
        .orElseThrow();
  }

  private RoutingSnapshot podNetwork(RoutingSnapshot snapshot) {
    return snapshot.withBackends(snapshot.version(), snapshot.backends().stream()
        .map(b -> new Backend(b.id(), "127.0.0.1", loopbackPort.applyAsInt(b.id().value()), b.weight(), b.state(),
            b.drainDeadline()))
        .toList());
  }

  private RoutesSource throughPodNetwork(RoutesSource source) {
    return new io.stickypool.proxy.routes.MappedRoutesSource(source, this::podNetwork);
  }
}
