package io.stickypool.proxy.tls.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.stickypool.core.backend.Backend;
import io.stickypool.core.backend.BackendId;
import io.stickypool.core.cookie.KeyRing;
import io.stickypool.core.snapshot.AffinitySettings;
import io.stickypool.core.snapshot.CookieSettings;
import io.stickypool.core.snapshot.PlacementSettings;
import io.stickypool.core.snapshot.RoutingSnapshot;
import io.stickypool.operator.model.PoolIdentity;
import io.stickypool.operator.model.ProxyRbacModel;
import io.stickypool.proxy.ProxyRuntime;
import io.stickypool.proxy.config.ProxyConfig;
import io.stickypool.proxy.health.HealthSettings;
import io.stickypool.proxy.http.ProxySettings;
import io.stickypool.testing.Kubectl;
import io.stickypool.testing.LeakDetection;
import io.stickypool.testing.PushRoutesSource;
import io.stickypool.testing.TestBackend;
import io.stickypool.testing.TestCertificates;
import io.stickypool.testing.TestCertificates.KeyFormat;
import io.stickypool.testing.TlsLoad;
import io.stickypool.testing.cluster.ControlPlaneNamespace;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code proxy --tls-secret} against a real API server: the proxy reads as its pods do
 * (ServiceAccount web-proxy with only the operator's Role), the Secret is changed with real kubectl
 * while HTTPS clients keep sending (keep-alive and new connections), and the new certificate is
 * served within seconds with no failed request.
 */
@ExtendWith(LeakDetection.class)
class SecretTlsRotationApiServerTest {
  @RegisterExtension
  static final ControlPlaneNamespace K8S = ControlPlaneNamespace.apiServer();
  private static final String SECRET = "web-tls";
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  @TempDir Path dir;
  private final TestCertificates ca = new TestCertificates();
  private ProxyRuntime proxy;
  private TestBackend backend;
  private TestBackend other;

  SecretTlsRotationApiServerTest() throws Exception {}

  @BeforeAll
  static void grantTheProxyRole() {
    PoolIdentity pool = new PoolIdentity("web", K8S.namespace(), "unused", 1L);
    for (HasMetadata o : List.of(ProxyRbacModel.role(pool, SECRET), ProxyRbacModel.roleBinding(pool))) {
      o.getMetadata().setOwnerReferences(null);
      K8S.client().resource(o).inNamespace(K8S.namespace()).create();
    }
  }

  private static KubernetesClient asProxy() {
    String ns = K8S.namespace();
    return K8S.controlPlane().impersonating("system:serviceaccount:" + ns + ":web-proxy",
        "system:serviceaccounts", "system:serviceaccounts:" + ns, "system:authenticated");
  }

  private ProxyRuntime start(String secret) throws Exception {
    backend = TestBackend.start("a");
    other = TestBackend.start("b");
    RoutingSnapshot routes = new RoutingSnapshot(1, AffinitySettings.cookie(CookieSettings.named("sp")),
        PlacementSettings.defaults(), List.of(Backend.active(BackendId.of("a"), "127.0.0.1", backend.port()),
            Backend.active(BackendId.of("b"), "127.0.0.1", other.port())));
    ProxyConfig config = new ProxyConfig(new InetSocketAddress("127.0.0.1", 0), new InetSocketAddress("127.0.0.1", 0),
        ProxySettings.defaults(), HealthSettings.defaults(), 10_000, 2, null, null, routes);
    proxy = ProxyRuntime.start(config, new PushRoutesSource(routes), KeyRing.generate(new SecureRandom()),
        new SecretTlsSource(asProxy(), K8S.namespace(), secret));
    return proxy;
  }

  @AfterEach
  void stop() throws Exception {
    if (proxy != null) {
      proxy.shutdown(Duration.ofMillis(200));
    }
    if (backend != null) {
      backend.close();
    }
    if (other != null) {
      other.close();
    }
  }

  /** {@code kubectl create secret tls --dry-run=client -o yaml | kubectl apply -f -}, in two steps. */
  private void applySecret(Kubectl kubectl, TestCertificates.Issued pair) throws Exception {
    pair.writeTo(dir.resolve("tls.crt"), dir.resolve("tls.key"));
    String yaml = kubectl.ok("create", "secret", "tls", SECRET, "-n", K8S.namespace(),
        "--cert=" + dir.resolve("tls.crt"), "--key=" + dir.resolve("tls.key"), "--dry-run=client", "-o", "yaml");
    Path manifest = dir.resolve("secret.yaml");
    Files.writeString(manifest, yaml);
    kubectl.ok("apply", "-f", manifest.toString());
  }

  private String readyz() throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + proxy.adminAddress().getPort() + "/readyz")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }

  @Test
  void servesARenewedSecretWithinSecondsWithoutAFailedRequest() throws Exception {
    Kubectl kubectl = new Kubectl(K8S.controlPlane().kubectl(), K8S.controlPlane().kubeconfig(), dir);
    TestCertificates.Issued first = ca.issueEc(KeyFormat.PKCS8);
    TestCertificates.Issued renewed = ca.issueRsa(KeyFormat.TRADITIONAL); // PKCS#1, as cert-manager writes RSA
    applySecret(kubectl, first);
    start(SECRET);

    try (TlsLoad load = TlsLoad.start(ca.clientContext(), proxy.trafficAddress().getPort())) {
      await().atMost(TIMEOUT).until(() -> first.serial().equals(load.lastSerial()));
      long changed = System.nanoTime();
      applySecret(kubectl, renewed);
      await().atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(5))
          .until(() -> renewed.serial().equals(proxy.tls().pair().serial()));
      long installedMillis = (System.nanoTime() - changed) / 1_000_000;
      await().atMost(Duration.ofSeconds(5)).until(() -> renewed.serial().equals(load.lastSerial()));
      long servedMillis = (System.nanoTime() - changed) / 1_000_000;
      System.out.println("renewed certificate installed " + installedMillis + " ms, seen by a new connection "
          + servedMillis + " ms after kubectl apply returned");

      kubectl.ok("delete", "secret", SECRET, "-n", K8S.namespace());
      await().atMost(TIMEOUT).untilAsserted(() -> assertThat(readyz())
          .contains("stale: serving the last good TLS certificate").contains("was deleted"));
      int done = load.newConnectionsDone();
      await().atMost(TIMEOUT).until(() -> load.newConnectionsDone() > done + 10);
      load.close();

      assertThat(load.failures()).as("failed requests, first: %s", load.firstFailure()).isZero();
      assertThat(load.lastSerial()).isEqualTo(renewed.serial());
      assertThat(load.keepAliveDone()).isPositive();
    }
  }

  /**
   * HTTP/2 by ALPN on the certificate the Secret holds: the cookie one h2 stream is given is Secure
   * and pins the later h2 streams and an HTTP/1.1 request to the same backend.
   */
  @Test
  void speaksHttp2ByAlpnWithTheSecretsCertificateAndPinsAcrossProtocolVersions() throws Exception {
    Kubectl kubectl = new Kubectl(K8S.controlPlane().kubectl(), K8S.controlPlane().kubeconfig(), dir);
    applySecret(kubectl, ca.issueEc(KeyFormat.PKCS8));
    start(SECRET);
    await().atMost(TIMEOUT).untilAsserted(() -> assertThat(readyz()).startsWith("ready"));
    URI uri = URI.create("https://localhost:" + proxy.trafficAddress().getPort() + "/");

    HttpClient h2 = HttpClient.newBuilder().sslContext(ca.clientContext()).version(HttpClient.Version.HTTP_2).build();
    HttpResponse<String> first = h2.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(first.version()).isEqualTo(HttpClient.Version.HTTP_2);
    assertThat(first.statusCode()).isEqualTo(200);
    String setCookie = first.headers().firstValue("set-cookie").orElseThrow();
    assertThat(setCookie).startsWith("sp=").contains("; Secure");
    String cookie = setCookie.substring(0, setCookie.indexOf(';'));
    String pinned = first.headers().firstValue("x-backend").orElseThrow();

    HttpClient h1 = HttpClient.newBuilder().sslContext(ca.clientContext()).version(HttpClient.Version.HTTP_1_1).build();
    for (HttpClient client : List.of(h2, h1, h2, h1)) {
      HttpResponse<String> again = client.send(HttpRequest.newBuilder(uri).header("Cookie", cookie).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(again.statusCode()).isEqualTo(200);
      assertThat(again.version()).isEqualTo(client.version());
      assertThat(again.headers().firstValue("x-backend")).hasValue(pinned);
    }
  }

  @Test
  void isNotReadyAndServesNobodyUntilTheSecretHoldsAPair() throws Exception {
    Kubectl kubectl = new Kubectl(K8S.controlPlane().kubectl(), K8S.controlPlane().kubeconfig(), dir);
    kubectl.ok("delete", "secret", SECRET, "-n", K8S.namespace(), "--ignore-not-found");
    start(SECRET);

    assertThat(readyz()).contains("not ready: no TLS certificate loaded yet from secret:"
        + K8S.namespace() + "/" + SECRET).contains("not found");
    assertThatThrownBy(() -> TlsLoad.get(ca.clientContext(), proxy.trafficAddress().getPort()))
        .isInstanceOf(java.io.IOException.class);

    TestCertificates.Issued pair = ca.issueEc(KeyFormat.PKCS8);
    applySecret(kubectl, pair);
    await().atMost(TIMEOUT).untilAsserted(() -> assertThat(readyz()).startsWith("ready"));
    assertThat(TlsLoad.get(ca.clientContext(), proxy.trafficAddress().getPort()).serial()).isEqualTo(pair.serial());
  }
}
