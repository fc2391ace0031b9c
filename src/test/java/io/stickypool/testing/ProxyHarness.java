package io.stickypool.testing;

import io.stickypool.core.backend.Backend;
import io.stickypool.core.backend.BackendId;
import io.stickypool.core.backend.BackendState;
import io.stickypool.core.cookie.KeyRing;
import io.stickypool.core.snapshot.AffinitySettings;
import io.stickypool.core.snapshot.CookieSettings;
import io.stickypool.core.snapshot.PlacementSettings;
import io.stickypool.core.snapshot.RoutingSnapshot;
import io.stickypool.proxy.ProxyRuntime;
import io.stickypool.proxy.config.ProxyConfig;
import io.stickypool.proxy.health.HealthSettings;
import io.stickypool.proxy.http.ProxySettings;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Real backends plus a real proxy on loopback for socket tests: backends {@code b0..bN-1} each say
 * who they are; the proxy gets its routes pushed like the operator would push a ConfigMap.
 */
public final class ProxyHarness implements AutoCloseable {
  public static final String COOKIE = "sp";

  public final List<TestBackend> backends = new ArrayList<>();
  public final PushRoutesSource routes;
  public final ProxyRuntime proxy;
  public final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).version(HttpClient.Version.HTTP_1_1).build();
  private final AffinitySettings affinity;
  private long version = 1;

  private ProxyHarness(int count, AffinitySettings affinity, KeyRing keys, HealthSettings health) throws Exception {
    this(count, affinity, keys, health, null);
  }

  private ProxyHarness(
      int count, AffinitySettings affinity, KeyRing keys, HealthSettings health, java.nio.file.Path adminToken)
      throws Exception {
    this.affinity = affinity;
    for (int i = 0; i < count; i++) {
      backends.add(TestBackend.start("b" + i));
    }
    RoutingSnapshot first = snapshot(Map.of());
    routes = new PushRoutesSource(first);
    ProxyConfig config =
        new ProxyConfig(
            new InetSocketAddress("127.0.0.1", 0),
            new InetSocketAddress("127.0.0.1", 0),
            ProxySettings.defaults().withBackendTimeout(Duration.ofSeconds(5)),
            health,
            100_000,
            2,
            null,
            adminToken,
            first);
    proxy = ProxyRuntime.start(config, routes, keys);
  }

  public static ProxyHarness cookieMode(int backends, KeyRing keys) throws Exception {
    return new ProxyHarness(backends, AffinitySettings.cookie(CookieSettings.named(COOKIE)), keys, HealthSettings.defaults());
  }

  public static ProxyHarness withAffinity(int backends, AffinitySettings affinity) throws Exception {
    return new ProxyHarness(backends, affinity, KeyRing.generate(new java.security.SecureRandom()), HealthSettings.defaults());
  }

  /** A cookie-mode proxy whose state-changing admin calls need the token in {@code tokenFile}. */
  public static ProxyHarness withAdminToken(int backends, java.nio.file.Path tokenFile) throws Exception {
    return new ProxyHarness(
        backends, AffinitySettings.cookie(CookieSettings.named(COOKIE)),
        KeyRing.generate(new java.security.SecureRandom()), HealthSettings.defaults(), tokenFile);
  }

  public static ProxyHarness withHealth(int backends, HealthSettings health) throws Exception {
    return new ProxyHarness(
        backends, AffinitySettings.cookie(CookieSettings.named(COOKIE)),
        KeyRing.generate(new java.security.SecureRandom()), health);
  }

  /** Another proxy over the same backends, fed the same snapshots by {@link #pushBoth}. */
  public Second secondProxy(KeyRing keys) throws Exception {
    RoutingSnapshot current = proxy.routingState().current().table().snapshot();
    PushRoutesSource source = new PushRoutesSource(current);
    ProxyConfig config =
        new ProxyConfig(
            new InetSocketAddress("127.0.0.1", 0),
            new InetSocketAddress("127.0.0.1", 0),
            ProxySettings.defaults(),
            HealthSettings.defaults(),
            100_000,
            2,
            null,
            null,
            current);
    return new Second(ProxyRuntime.start(config, source, keys), source);
  }

  /** A second proxy instance (another replica). */
  public static final class Second implements AutoCloseable {
    public final ProxyRuntime proxy;
    public final PushRoutesSource routes;

    Second(ProxyRuntime proxy, PushRoutesSource routes) {
      this.proxy = proxy;
      this.routes = routes;
    }

    public int port() {
      return proxy.trafficAddress().getPort();
    }

    @Override
    public void close() throws Exception {
      proxy.shutdown(Duration.ofMillis(200));
    }
  }

  public int port() {
    return proxy.trafficAddress().getPort();
  }

  public int adminPort() {
    return proxy.adminAddress().getPort();
  }

  public StickySession session() {
    return new StickySession(client, port(), COOKIE);
  }

  /** A snapshot of every backend, with the given states overriding ACTIVE ({@code id -> state}). */
  public RoutingSnapshot snapshot(Map<String, Function<Backend, Backend>> changes) {
    List<Backend> list = new ArrayList<>();
    for (TestBackend b : backends) {
      Backend backend = Backend.active(BackendId.of(b.id()), "127.0.0.1", b.port());
      Function<Backend, Backend> change = changes.get(b.id());
      if (change != null) {
        backend = change.apply(backend);
      }
      if (backend != null) {
        list.add(backend);
      }
    }
    return new RoutingSnapshot(version++, affinity, PlacementSettings.defaults(), list);
  }

  public static Function<Backend, Backend> draining(Instant deadline) {
    return b -> b.withState(BackendState.DRAINING, deadline);
  }

  public static Function<Backend, Backend> removed() {
    return b -> null;
  }

  public void push(Map<String, Function<Backend, Backend>> changes) {
    routes.push(snapshot(changes));
  }

  public TestBackend backend(String id) {
    return backends.stream().filter(b -> b.id().equals(id)).findFirst().orElseThrow();
  }

  @Override
  public void close() throws Exception {
    proxy.shutdown(Duration.ofMillis(200));
    for (TestBackend b : backends) {
      b.close();
    }
  }
}
