package io.stickypool.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.stickypool.core.backend.Backend;
import io.stickypool.core.backend.BackendId;
import io.stickypool.core.cookie.KeyRing;
import io.stickypool.core.snapshot.AffinitySettings;
import io.stickypool.core.snapshot.CookieSettings;
import io.stickypool.core.snapshot.PlacementSettings;
import io.stickypool.core.snapshot.RoutingSnapshot;
import io.stickypool.proxy.config.BackendTlsSettings;
import io.stickypool.proxy.config.ProxyConfig;
import io.stickypool.proxy.health.HealthSettings;
import io.stickypool.proxy.http.ProxySettings;
import io.stickypool.testing.LeakDetection;
import io.stickypool.testing.PushRoutesSource;
import io.stickypool.testing.TestCertificates;
import io.stickypool.testing.TestCertificates.KeyFormat;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * --backend-tls: the proxy speaks TLS to an HTTPS backend (the JDK's HttpsServer with a test CA's
 * certificate for localhost/127.0.0.1) and answers only when the certificate verifies.
 */
@ExtendWith(LeakDetection.class)
class BackendTlsIT {
  @TempDir Path dir;
  private final TestCertificates ca = new TestCertificates();
  private HttpsServer backend;
  private ProxyRuntime proxy;

  BackendTlsIT() throws Exception {}

  @BeforeEach
  void startBackend() throws Exception {
    TestCertificates.Issued issued = ca.issueEc(KeyFormat.PKCS8);
    KeyStore keys = KeyStore.getInstance("PKCS12");
    keys.load(null, null);
    keys.setKeyEntry("backend", issued.key(), new char[0], new Certificate[] {issued.certificate(), ca.ca()});
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keys, new char[0]);
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(kmf.getKeyManagers(), null, null);
    backend = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    backend.setHttpsConfigurator(new HttpsConfigurator(tls));
    backend.createContext("/", exchange -> {
      byte[] body = ("over tls, proto " + exchange.getRequestHeaders().getFirst("X-Forwarded-Proto"))
          .getBytes(StandardCharsets.US_ASCII);
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    backend.start();
  }

  @AfterEach
  void stop() throws Exception {
    if (proxy != null) {
      proxy.shutdown(Duration.ofMillis(200));
    }
    backend.stop(0);
  }

  private HttpResponse<String> getThroughProxy(Path caFile, String serverName) throws Exception {
    RoutingSnapshot routes = new RoutingSnapshot(1, AffinitySettings.cookie(CookieSettings.named("sp")),
        PlacementSettings.defaults(),
        List.of(Backend.active(BackendId.of("a"), "127.0.0.1", backend.getAddress().getPort())));
    ProxyConfig config = new ProxyConfig(new InetSocketAddress("127.0.0.1", 0), new InetSocketAddress("127.0.0.1", 0),
        ProxySettings.defaults().withBackendTimeout(Duration.ofSeconds(5)), HealthSettings.defaults(), 1000, 1,
        null, null, routes).withBackendTls(new BackendTlsSettings(caFile, serverName));
    proxy = ProxyRuntime.start(config, new PushRoutesSource(routes), KeyRing.generate(new SecureRandom()));
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + proxy.trafficAddress().getPort() + "/")).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private Path caFile(TestCertificates authority) throws Exception {
    Path file = Files.createTempFile(dir, "ca", ".pem");
    Files.writeString(file, authority.caPem());
    return file;
  }

  @Test
  void forwardsOverTlsWhenTheBackendCertificateChainsToTheCa() throws Exception {
    HttpResponse<String> r = getThroughProxy(caFile(ca), null);

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("over tls, proto http");
  }

  @Test
  void verifiesTheServerNameWhenOneIsGiven() throws Exception {
    assertThat(getThroughProxy(caFile(ca), "localhost").statusCode()).isEqualTo(200);
    proxy.shutdown(Duration.ofMillis(200));

    assertThat(getThroughProxy(caFile(ca), "shop.example").statusCode()).isEqualTo(502);
  }

  @Test
  void refusesABackendCertificateOfAnotherCa() throws Exception {
    HttpResponse<String> r = getThroughProxy(caFile(new TestCertificates()), null);

    assertThat(r.statusCode()).isEqualTo(502);
  }
}
