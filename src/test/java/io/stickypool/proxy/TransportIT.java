package io.stickypool.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.channel.uring.IoUring;
import io.stickypool.core.backend.Backend;
import io.stickypool.core.backend.BackendId;
import io.stickypool.core.cookie.KeyRing;
import io.stickypool.core.snapshot.AffinitySettings;
import io.stickypool.core.snapshot.CookieSettings;
import io.stickypool.core.snapshot.PlacementSettings;
import io.stickypool.core.snapshot.RoutingSnapshot;
import io.stickypool.proxy.config.ProxyConfig;
import io.stickypool.proxy.health.HealthSettings;
import io.stickypool.proxy.http.ProxySettings;
import io.stickypool.proxy.routes.StaticRoutesSource;
import io.stickypool.proxy.server.TransportChoice;
import io.stickypool.testing.LeakDetection;
import io.stickypool.testing.StickySession;
import io.stickypool.testing.TestBackend;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The proxy serves sticky sessions on each transport, and a transport the machine refuses falls
 * back with one warning instead of failing the start (forced in a child JVM with Netty's own
 * switch, {@code -Dio.netty.transport.noNative=true}, which makes io_uring and epoll unavailable).
 */
@ExtendWith(LeakDetection.class)
class TransportIT {
  private static final String COOKIE = "sp";
  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).version(HttpClient.Version.HTTP_1_1).build();

  @ParameterizedTest
  @EnumSource(value = TransportChoice.class, names = {"IO_URING", "EPOLL", "NIO"})
  void servesStickySessionsOnEachTransport(TransportChoice choice) throws Exception {
    List<TestBackend> backends = List.of(TestBackend.start("b0"), TestBackend.start("b1"));
    long ringsBefore = ioUringDescriptors();
    ProxyRuntime proxy = ProxyRuntime.start(config(backends).withTransport(choice),
        new StaticRoutesSource(config(backends).routes(), "test"), KeyRing.generate(new SecureRandom()));
    try {
      long rings = ioUringDescriptors() - ringsBefore;
      // Where io_uring is refused (a container's seccomp profile) the choice falls back to epoll.
      if (choice == TransportChoice.IO_URING && IoUring.isAvailable()) {
        assertThat(rings).as("io_uring rings: 2 workers (one also accepts), admin").isEqualTo(3);
      } else {
        assertThat(rings).isZero();
      }
      // What ss and firewall rules see: an IPv4 listener, not [::ffff:127.0.0.1] (io_uring's own).
      assertThat(listenerTables(proxy.trafficAddress().getPort())).containsExactly("tcp");
      assertThat(listenerTables(proxy.adminAddress().getPort())).containsExactly("tcp");
      List<StickySession> sessions = new ArrayList<>();
      for (int s = 0; s < 8; s++) {
        sessions.add(new StickySession(client, proxy.trafficAddress().getPort(), COOKIE));
      }
      for (int round = 0; round < 20; round++) {
        for (StickySession s : sessions) {
          assertThat(s.get("/r").statusCode()).isEqualTo(200);
        }
      }
      assertThat(sessions).allSatisfy(s -> assertThat(s.moves()).isZero());
      assertThat(sessions.stream().map(StickySession::lastBackend).distinct()).hasSize(2);
    } finally {
      proxy.shutdown(Duration.ZERO);
      proxy.close();
      for (TestBackend b : backends) {
        b.close();
      }
    }
  }

  @Test
  void fallsBackWithOneWarningWhenTheNativeTransportsAreRefused() throws Exception {
    TestBackend backend = TestBackend.start("b0");
    Process child = new ProcessBuilder(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Dio.netty.transport.noNative=true", "-cp", System.getProperty("java.class.path"),
        "io.stickypool.cli.StickyPoolMain", "proxy", "--transport", "io_uring",
        "--listen", "127.0.0.1:0", "--admin", "127.0.0.1:0", "--backend", "b0=" + backend.hostPort())
        .redirectErrorStream(true)
        .start();
    try {
      StringBuilder output = new StringBuilder();
      Thread reader = pump(child.getInputStream(), output);
      Pattern serving = Pattern.compile("serving on /127\\.0\\.0\\.1:(\\d+)");
      await().atMost(Duration.ofSeconds(30)).until(() -> serving.matcher(text(output)).find());
      Matcher port = serving.matcher(text(output));
      assertThat(port.find()).isTrue();

      StickySession session = new StickySession(client, Integer.parseInt(port.group(1)), COOKIE);
      assertThat(session.get("/").statusCode()).isEqualTo(200);
      assertThat(session.lastBackend()).isEqualTo("b0");
      assertThat(text(output).lines().filter(l -> l.contains("transport io_uring is not available here")))
          .singleElement().asString()
          .contains("WARN", "explicit disabled with -Dio.netty.transport.noNative=true", "using nio");
      assertThat(text(output)).contains("(nio transport)");
      child.destroy();
      assertThat(child.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
      reader.join(5_000);
    } finally {
      child.destroyForcibly();
      backend.close();
    }
  }

  private static ProxyConfig config(List<TestBackend> backends) {
    List<Backend> list = backends.stream()
        .map(b -> Backend.active(BackendId.of(b.id()), "127.0.0.1", b.port()))
        .toList();
    RoutingSnapshot routes = new RoutingSnapshot(1, AffinitySettings.cookie(CookieSettings.named(COOKIE)),
        PlacementSettings.defaults(), list);
    return new ProxyConfig(new InetSocketAddress("127.0.0.1", 0), new InetSocketAddress("127.0.0.1", 0),
        ProxySettings.defaults(), HealthSettings.defaults(), 10_000, 2, null, null, routes);
  }

  /** The kernel tables ({@code tcp} for IPv4, {@code tcp6}) holding a listening socket on the port. */
  private static List<String> listenerTables(int port) throws IOException {
    String localPort = String.format(":%04X", port);
    List<String> tables = new ArrayList<>();
    for (String table : List.of("tcp", "tcp6")) {
      boolean listening = Files.readAllLines(Path.of("/proc/net", table)).stream()
          .skip(1)
          .map(line -> line.trim().split("\\s+"))
          .anyMatch(f -> f[1].endsWith(localPort) && f[3].equals("0A"));
      if (listening) {
        tables.add(table);
      }
    }
    return tables;
  }

  /** Open io_uring instances of this JVM: each event loop of that transport holds one. */
  private static long ioUringDescriptors() throws IOException {
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.filter(fd -> {
        try {
          return Files.readSymbolicLink(fd).toString().contains("io_uring");
        } catch (IOException e) {
          return false;
        }
      }).count();
    }
  }

  private static Thread pump(InputStream in, StringBuilder into) {
    Thread t = new Thread(() -> {
      try {
        byte[] buf = new byte[4096];
        for (int n; (n = in.read(buf)) > 0; ) {
          synchronized (into) {
            into.append(new String(buf, 0, n, StandardCharsets.UTF_8));
          }
        }
      } catch (IOException e) {
        // the child is gone
      }
    }, "child-output");
    t.setDaemon(true);
    t.start();
    return t;
  }

  private static String text(StringBuilder output) {
    synchronized (output) {
      return output.toString();
    }
  }
}
