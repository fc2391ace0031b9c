package io.stickypool.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslHandler;
import io.stickypool.core.backend.Backend;
import io.stickypool.core.backend.BackendId;
import io.stickypool.core.cookie.KeyRing;
import io.stickypool.core.snapshot.AffinitySettings;
import io.stickypool.core.snapshot.CookieSettings;
import io.stickypool.core.snapshot.PlacementSettings;
import io.stickypool.core.snapshot.RoutingSnapshot;
import io.stickypool.proxy.config.ProxyConfig;
import io.stickypool.proxy.config.TlsSettings;
import io.stickypool.proxy.health.HealthSettings;
import io.stickypool.proxy.http.ProxySettings;
import io.stickypool.proxy.tls.ServerTls;
import io.stickypool.proxy.tls.TlsEngine;
import io.stickypool.proxy.tls.TlsFileSource;
import io.stickypool.proxy.tls.TlsUnavailableException;
import io.stickypool.testing.LeakDetection;
import io.stickypool.testing.PushRoutesSource;
import io.stickypool.testing.TestBackend;
import io.stickypool.testing.TestCertificates;
import io.stickypool.testing.TestCertificates.KeyFormat;
import io.stickypool.testing.TlsLoad;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * TLS at the client side, as a user runs it standalone: PEM files on disk, real HTTPS clients
 * (the JDK's HttpClient, raw SSLSockets, curl), certificates issued by a test CA the clients trust.
 */
@ExtendWith(LeakDetection.class)
class TlsIT {
  @TempDir Path dir;
  private final List<TestBackend> backends = new ArrayList<>();
  private ProxyRuntime proxy;
  private TestCertificates ca;
  private Path certFile;
  private Path keyFile;

  private ProxyRuntime start(TestCertificates.Issued first, TlsEngine engine) throws Exception {
    certFile = dir.resolve("tls.crt");
    keyFile = dir.resolve("tls.key");
    first.writeTo(certFile, keyFile);
    return start(AffinitySettings.cookie(CookieSettings.named("sp")), new TlsSettings(certFile, keyFile, engine));
  }

  private ProxyRuntime start(AffinitySettings affinity, TlsSettings tls) throws Exception {
    for (int i = 0; i < 2; i++) {
      backends.add(TestBackend.start("b" + i));
    }
    List<Backend> list = backends.stream()
        .map(b -> Backend.active(BackendId.of(b.id()), "127.0.0.1", b.port())).toList();
    RoutingSnapshot routes = new RoutingSnapshot(1, affinity, PlacementSettings.defaults(), list);
    ProxyConfig config = new ProxyConfig(new InetSocketAddress("127.0.0.1", 0), new InetSocketAddress("127.0.0.1", 0),
        ProxySettings.defaults(), HealthSettings.defaults(), 10_000, 2, null, null, routes)
        .withTls(tls);
    proxy = ProxyRuntime.start(config, new PushRoutesSource(routes), KeyRing.generate(new SecureRandom()),
        tls == null ? null : new TlsFileSource(tls.certFile(), tls.keyFile()));
    return proxy;
  }

  @BeforeEach
  void newAuthority() throws Exception {
    ca = new TestCertificates();
  }

  @AfterEach
  void stop() throws Exception {
    if (proxy != null) {
      proxy.shutdown(Duration.ofMillis(200));
    }
    for (TestBackend b : backends) {
      b.close();
    }
  }

  private int port() {
    return proxy.trafficAddress().getPort();
  }

  private HttpResponse<String> httpsGet(HttpClient client) throws Exception {
    return client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port() + "/"))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @ParameterizedTest
  @EnumSource(value = TlsEngine.class, names = {"OPENSSL", "JDK"})
  void servesHttpsWithASecureCookieAndTellsTheBackendHttps(TlsEngine engine) throws Exception {
    start(ca.issueEc(KeyFormat.PKCS8), engine);
    HttpClient client = HttpClient.newBuilder().sslContext(ca.clientContext()).version(HttpClient.Version.HTTP_1_1).build();

    HttpResponse<String> r = httpsGet(client);

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.sslSession().orElseThrow().getProtocol()).isIn("TLSv1.3", "TLSv1.2");
    assertThat(r.headers().firstValue("Set-Cookie").orElseThrow()).startsWith("sp=").contains("; Secure");
    assertThat(r.headers().firstValue("X-Seen-X-Forwarded-Proto")).hasValue("https");
    assertThat(r.headers().firstValue("X-Seen-Forwarded").orElseThrow()).contains("proto=https");
    assertThat(proxy.tls().engine()).isEqualTo(engine == TlsEngine.JDK ? "jdk" : "openssl");
  }

  @Test
  void offersOnlyTls12And13AndStrongCiphers() throws Exception {
    start(ca.issueRsa(KeyFormat.TRADITIONAL), TlsEngine.AUTO);
    SslHandler handler = proxy.tls().newHandler(ByteBufAllocator.DEFAULT);
    try {
      // SSLv2Hello is no protocol: OpenSSL's engine lists it for the ClientHello format it reads.
      assertThat(handler.engine().getEnabledProtocols()).contains("TLSv1.2", "TLSv1.3")
          .isSubsetOf("TLSv1.2", "TLSv1.3", "SSLv2Hello");
      assertThat(handler.engine().getEnabledCipherSuites())
          .allSatisfy(c -> assertThat(c).containsAnyOf("GCM", "CHACHA20").doesNotContain("CBC", "RC4", "3DES", "NULL"));
    } finally {
      io.netty.util.ReferenceCountUtil.release(handler.engine());
    }
  }

  @Test
  void refusesTls11Clients() throws Exception {
    start(ca.issueEc(KeyFormat.TRADITIONAL), TlsEngine.AUTO);
    Path caFile = dir.resolve("ca.pem");
    Files.writeString(caFile, ca.caPem());

    Process old = new ProcessBuilder("curl", "-sS", "-o", "/dev/null", "--cacert", caFile.toString(),
        "--tlsv1.1", "--tls-max", "1.1", "https://127.0.0.1:" + port() + "/").redirectErrorStream(true).start();
    Process modern = new ProcessBuilder("curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "--cacert",
        caFile.toString(), "--tlsv1.2", "https://127.0.0.1:" + port() + "/").redirectErrorStream(true).start();

    assertThat(old.waitFor(20, TimeUnit.SECONDS)).isTrue();
    assertThat(old.exitValue()).as(new String(old.getInputStream().readAllBytes())).isNotZero();
    assertThat(modern.waitFor(20, TimeUnit.SECONDS)).isTrue();
    assertThat(new String(modern.getInputStream().readAllBytes())).isEqualTo("200");
  }

  @Test
  void closesAPlainHttpConnectionAndKeepsServingHttps() throws Exception {
    start(ca.issueEc(KeyFormat.PKCS8), TlsEngine.AUTO);
    try (Socket plain = new Socket("127.0.0.1", port())) {
      plain.setSoTimeout(10_000);
      OutputStream out = plain.getOutputStream();
      out.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = plain.getInputStream();
      byte[] answer = in.readAllBytes(); // ends: the proxy closed the connection

      assertThat(new String(answer, StandardCharsets.ISO_8859_1)).doesNotContain("HTTP/1.1 200");
    }
    assertThat(TlsLoad.get(ca.clientContext(), port()).statusLine()).startsWith("HTTP/1.1 200");
  }

  @Test
  void rotatesTheCertificateUnderLoadWithoutAFailedRequest() throws Exception {
    TestCertificates.Issued first = ca.issueEc(KeyFormat.PKCS8);
    start(first, TlsEngine.AUTO);
    TestCertificates.Issued second = ca.issueRsa(KeyFormat.TRADITIONAL);
    TestCertificates.Issued third = ca.issueEc(KeyFormat.TRADITIONAL);

    try (TlsLoad load = TlsLoad.start(ca.clientContext(), port())) {
      await().atMost(Duration.ofSeconds(10)).until(() -> first.serial().equals(load.lastSerial()));
      second.writeTo(certFile, keyFile);
      await().atMost(Duration.ofSeconds(10)).until(() -> second.serial().equals(load.lastSerial()));
      third.writeTo(certFile, keyFile);
      await().atMost(Duration.ofSeconds(10)).until(() -> third.serial().equals(load.lastSerial()));
      int keepAlive = load.keepAliveDone();
      await().atMost(Duration.ofSeconds(10)).until(() -> load.keepAliveDone() > keepAlive + 20);
      load.close();
      assertThat(load.failures()).as("failed requests, first: %s", load.firstFailure()).isZero();
      assertThat(load.serials()).contains(first.serial(), second.serial(), third.serial());
    }
  }

  @Test
  void keepsTheLastGoodCertificateWhenANewPairDoesNotMatch() throws Exception {
    TestCertificates.Issued good = ca.issueEc(KeyFormat.PKCS8);
    start(good, TlsEngine.AUTO);
    TestCertificates.Issued other = ca.issueEc(KeyFormat.PKCS8);

    TestCertificates.replace(certFile, other.certPem()); // the key file still holds the old key
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(AdminClient.get(proxy.adminAddress().getPort(), "/readyz").body())
            .contains("stale: serving the last good TLS certificate")
            .contains("does not belong to the certificate"));
    assertThat(TlsLoad.get(ca.clientContext(), port()).serial()).isEqualTo(good.serial());
    assertThat(AdminClient.get(proxy.adminAddress().getPort(), "/metrics").body())
        .contains("stickypool_tls_certificate_stale 1.0");

    TestCertificates.replace(keyFile, other.keyPem());
    await().atMost(Duration.ofSeconds(10)).until(() ->
        TlsLoad.get(ca.clientContext(), port()).serial().equals(other.serial()));
    assertThat(AdminClient.get(proxy.adminAddress().getPort(), "/readyz").body()).doesNotContain("stale");
  }

  @Test
  void refusesToStartWithAPairThatDoesNotParse() throws Exception {
    TestCertificates.Issued good = ca.issueEc(KeyFormat.PKCS8);
    Path cert = dir.resolve("bad.crt");
    Path key = dir.resolve("bad.key");
    good.writeTo(cert, key);
    Files.writeString(key, "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");

    assertThatThrownBy(() -> new TlsFileSource(cert, key).start(new ServerTls(TlsEngine.AUTO, ServerTls.HTTP_1_1)))
        .isInstanceOf(TlsUnavailableException.class)
        .hasMessageContaining(key.toString()).hasMessageContaining("PRIVATE KEY").hasMessageNotContaining("\n");
  }

  @ParameterizedTest
  @org.junit.jupiter.params.provider.CsvSource({
      "127.0.0.0/8, https, true",
      "127.0.0.0/8, http, false",
      "10.0.0.0/8, https, false"})
  void marksThePlainHttpCookieSecureOnlyWhenATrustedProxySaysHttps(String trusted, String proto, boolean secure)
      throws Exception {
    start(new AffinitySettings(io.stickypool.core.snapshot.AffinityType.COOKIE, CookieSettings.named("sp"), null,
        List.of(trusted)), null);
    HttpResponse<String> r = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port() + "/")).header("X-Forwarded-Proto", proto)
            .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());

    assertThat(r.headers().firstValue("Set-Cookie").orElseThrow().contains("; Secure")).isEqualTo(secure);
    assertThat(r.headers().firstValue("X-Seen-X-Forwarded-Proto")).hasValue(secure ? "https" : "http");
  }
}
