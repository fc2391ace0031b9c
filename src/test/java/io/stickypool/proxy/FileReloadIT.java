package io.stickypool.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.stickypool.core.cookie.KeyRing;
import io.stickypool.proxy.config.ProxyConfig;
import io.stickypool.proxy.config.ProxyConfigLoader;
import io.stickypool.proxy.routes.FileRoutesSource;
import io.stickypool.testing.LeakDetection;
import io.stickypool.testing.LoadDriver;
import io.stickypool.testing.StickySession;
import io.stickypool.testing.TestBackend;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The standalone user's reload path end to end: a config file on disk, edited (by atomic rename,
 * as editors and ConfigMap volumes do) while traffic runs; every valid edit applies, a broken
 * edit is reported and changes nothing, and no request fails.
 */
@ExtendWith(LeakDetection.class)
class FileReloadIT {

  @Test
  void appliesFileEditsUnderLoadWithoutFailingARequest(@TempDir Path dir) throws Exception {
    List<TestBackend> backends = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      backends.add(TestBackend.start("b" + i));
    }
    Path file = dir.resolve("proxy.yaml");
    write(file, config(backends, 1, false));
    ProxyConfig config = ProxyConfigLoader.load(file);
    ProxyRuntime proxy = ProxyRuntime.start(config, new FileRoutesSource(file), KeyRing.generate(new SecureRandom()));
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    try {
      int port = proxy.trafficAddress().getPort();
      List<StickySession> sessions = new ArrayList<>();
      for (int i = 0; i < 12; i++) {
        StickySession s = new StickySession(client, port, "sp-file");
        s.get("/");
        sessions.add(s);
      }
      LoadDriver load = LoadDriver.start(sessions, 3, 5000);
      try (load) {
        for (int edit = 2; edit <= 6; edit++) {
          write(file, config(backends, edit, edit % 2 == 0));
          long want = edit;
          await().atMost(Duration.ofSeconds(10)).until(() ->
              proxy.routingState().current().table().snapshot().version() == want);
        }
        write(file, "backends: [ {id: b0, host: 127.0.0.1, port: 0} ]\n");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
            assertThat(AdminClient.get(proxy.adminAddress().getPort(), "/readyz").body())
                .contains("stale").contains("port"));
        int before = load.done();
        await().atMost(Duration.ofSeconds(10)).until(() -> load.done() > before + 50);
      }
      assertThat(load.failures()).as("failed requests, first: %s", load.firstFailure()).isZero();
      assertThat(sessions).allSatisfy(s -> assertThat(s.moves()).isZero());
      assertThat(proxy.routingState().current().table().snapshot().version()).isEqualTo(6);
    } finally {
      proxy.shutdown(Duration.ofMillis(200));
      for (TestBackend b : backends) {
        b.close();
      }
    }
  }

  @Test
  void clearsStaleWhenABadEditIsRevertedToTheLastGoodFile(@TempDir Path dir) throws Exception {
    try (TestBackend b0 = TestBackend.start("b0")) {
      Path file = dir.resolve("proxy.yaml");
      String good = config(List.of(b0), 3, false);
      write(file, good);
      ProxyRuntime proxy =
          ProxyRuntime.start(ProxyConfigLoader.load(file), new FileRoutesSource(file), KeyRing.generate(new SecureRandom()));
      try {
        int admin = proxy.adminAddress().getPort();
        write(file, good.replace("port: " + b0.port(), "port: 0"));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
            assertThat(AdminClient.get(admin, "/readyz").body()).contains("stale").contains("port"));
        assertThat(AdminClient.get(admin, "/metrics").body()).contains("stickypool_routes_stale 1.0");

        write(file, good);

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
            assertThat(AdminClient.get(admin, "/readyz").body())
                .isEqualTo("ready: snapshot version 3 from file:" + file.toAbsolutePath() + "\n"));
        assertThat(AdminClient.get(admin, "/metrics").body()).contains("stickypool_routes_stale 0.0");
        assertThat(proxy.routingState().current().table().snapshot().version()).isEqualTo(3);
      } finally {
        proxy.shutdown(Duration.ofMillis(200));
      }
    }
  }

  /** Edits: the version moves on, and every other edit lists a fourth, draining, backend. */
  private static String config(List<TestBackend> backends, int version, boolean withExtra) {
    StringBuilder sb = new StringBuilder("version: " + version + "\n")
        .append("affinity: {type: Cookie, cookie: {name: sp-file}}\nbackends:\n");
    for (TestBackend b : backends) {
      sb.append("  - {id: ").append(b.id()).append(", host: 127.0.0.1, port: ").append(b.port()).append("}\n");
    }
    if (withExtra) {
      sb.append("  - {id: spare, host: 127.0.0.1, port: ").append(backends.get(0).port())
          .append(", state: Draining, drainDeadline: 2030-01-01T00:00:00Z}\n");
    }
    sb.append("proxy: {listen: 127.0.0.1:0, admin: 127.0.0.1:0}\n");
    return sb.toString();
  }

  private static void write(Path file, String text) throws Exception {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, text);
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }
}
