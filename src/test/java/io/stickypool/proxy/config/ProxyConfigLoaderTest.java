package io.stickypool.proxy.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.stickypool.contract.SnapshotFormatException;
import io.stickypool.core.backend.BackendId;
import io.stickypool.core.snapshot.AffinityType;
import io.stickypool.proxy.health.HealthSettings;
import io.stickypool.proxy.http.ProxySettings;
import io.stickypool.proxy.server.TransportChoice;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ProxyConfigLoaderTest {
  private static final Path BASE = Path.of("/etc/stickypool");
  private static final String BACKENDS = "backends:\n  - {id: a, host: 10.0.0.1, port: 8080}\n";

  @Test
  void loadsTheLocalSample() throws Exception {
    ProxyConfig config = ProxyConfigLoader.load(Path.of("samples/proxy-local.yaml"));

    assertThat(config.listen()).isEqualTo(new InetSocketAddress("127.0.0.1", 8080));
    assertThat(config.admin()).isEqualTo(new InetSocketAddress("127.0.0.1", 9901));
    assertThat(config.routes().affinity().type()).isEqualTo(AffinityType.COOKIE);
    assertThat(config.routes().backends())
        .extracting(b -> b.id().value() + "=" + b.host() + ":" + b.port())
        .containsExactly(
            "local-a=127.0.0.1:18081", "local-b=127.0.0.1:18082", "local-c=127.0.0.1:18083");
    assertThat(config.keyFile()).isNull();
  }

  @Test
  void loadsTheExampleOfTheDocs() throws Exception {
    String doc = Files.readString(Path.of("docs/proxy-config.md"));
    int start = doc.indexOf("```yaml\n") + "```yaml\n".length();
    String example = doc.substring(start, doc.indexOf("```", start));

    ProxyConfig config = ProxyConfigLoader.parse(example, BASE);

    ProxyConfig defaults = ProxyConfigLoader.parse(BACKENDS, BASE);
    assertThat(config.limits()).isEqualTo(defaults.limits());
    assertThat(config.health().active())
        .isEqualTo(new HealthSettings.ActiveCheck(
            "/healthz", Duration.ofSeconds(5), Duration.ofSeconds(1), 2, 3));
    assertThat(config.routes().backend(BackendId.of("web-1")).weight()).isEqualTo(2);
  }

  @Test
  void defaultsEverySettingWhenTheProxyBlockIsAbsent() throws Exception {
    ProxyConfig config = ProxyConfigLoader.parse(BACKENDS, BASE);

    assertThat(config.listen()).isEqualTo(new InetSocketAddress("0.0.0.0", 8080));
    assertThat(config.admin()).isEqualTo(new InetSocketAddress("127.0.0.1", 9901));
    assertThat(config.limits()).isEqualTo(ProxySettings.defaults());
    assertThat(config.health()).isEqualTo(HealthSettings.defaults());
    assertThat(config.maxSessions()).isEqualTo(ProxyConfig.DEFAULT_MAX_SESSIONS);
    assertThat(config.workerThreads()).isZero();
    assertThat(config.transport()).isEqualTo(TransportChoice.AUTO);
    assertThat(config.keyFile()).isNull();
    assertThat(config.adminTokenFile()).isNull();
    assertThat(config.routes().backends()).hasSize(1);
  }

  @Test
  void readsEveryProxySetting() throws Exception {
    ProxyConfig config = ProxyConfigLoader.parse(BACKENDS + String.join("\n",
        "proxy:",
        "  listen: '[::1]:0'",
        "  admin: 127.0.0.1:19901",
        "  workerThreads: 4",
        "  transport: io_uring",
        "  keyFile: secrets/keys.txt",
        "  adminTokenFile: /run/token",
        "  maxSessions: 5000",
        "  limits:",
        "    maxInitialLineLength: 1024",
        "    maxHeaderSize: 2048",
        "    maxHeaderCount: 50",
        "    headerTimeout: 5s",
        "    keepAliveTimeout: 1m",
        "    connectTimeout: 500ms",
        "    backendTimeout: 2m",
        "    maxIdleConnectionsPerBackend: 0",
        "    pooledConnectionMaxIdle: 1h30m",
        "  health:",
        "    passive: {consecutiveFailures: 5, ejectFor: 30s}",
        "    active: {path: /ping}",
        ""), BASE);

    assertThat(config.listen()).isEqualTo(new InetSocketAddress("::1", 0));
    assertThat(config.admin().getPort()).isEqualTo(19901);
    assertThat(config.workerThreads()).isEqualTo(4);
    assertThat(config.transport()).isEqualTo(TransportChoice.IO_URING);
    assertThat(config.keyFile()).isEqualTo(Path.of("/etc/stickypool/secrets/keys.txt"));
    assertThat(config.adminTokenFile()).isEqualTo(Path.of("/run/token"));
    assertThat(config.maxSessions()).isEqualTo(5000);
    assertThat(config.limits()).isEqualTo(new ProxySettings(1024, 2048, 50, Duration.ofSeconds(5),
        Duration.ofMinutes(1), Duration.ofMillis(500), Duration.ofMinutes(2), 0,
        Duration.ofMinutes(90)));
    assertThat(config.health()).isEqualTo(new HealthSettings(5, Duration.ofSeconds(30),
        new HealthSettings.ActiveCheck("/ping", ProxyConfigLoader.DEFAULT_CHECK_INTERVAL,
            ProxyConfigLoader.DEFAULT_CHECK_TIMEOUT, ProxyConfigLoader.DEFAULT_HEALTHY_THRESHOLD,
            ProxyConfigLoader.DEFAULT_UNHEALTHY_THRESHOLD)));
  }

  static Stream<Arguments> badConfigs() {
    return Stream.of(
        bad("bad duration", "proxy:\n  limits:\n    headerTimeout: 10x\n",
            "proxy.limits.headerTimeout: '10x' is not a duration: expected 1 to 4 parts",
            "(line 5, column 20)"),
        bad("zero duration", "proxy:\n  health:\n    passive: {ejectFor: 0s}\n",
            "proxy.health.passive.ejectFor: must be greater than 0s", "(line 5, column 25)"),
        bad("unknown field in proxy", "proxy:\n  listn: 0.0.0.0:80\n",
            "proxy.listn: unknown field; expected one of listen, admin, workerThreads, keyFile,"
                + " adminTokenFile, maxSessions, limits, health", "(line 4, column 10)"),
        bad("unknown field in limits", "proxy:\n  limits: {headerTimeot: 1s}\n",
            "proxy.limits.headerTimeot: unknown field; expected one of maxInitialLineLength",
            "(line 4, column 26)"),
        bad("listen without host", "proxy:\n  listen: '8080'\n",
            "proxy.listen: '8080': expected HOST:PORT, such as 127.0.0.1:8080 or [::1]:8080",
            "(line 4, column 11)"),
        bad("listen port out of range", "proxy:\n  listen: 0.0.0.0:70000\n",
            "proxy.listen: '0.0.0.0:70000': port 70000 is not 0..65535", "(line 4, column 11)"),
        bad("listen of the wrong type", "proxy:\n  listen: 8080\n",
            "proxy.listen: expected a non-blank string, got 8080", "(line 4, column 11)"),
        bad("negative workers", "proxy:\n  workerThreads: -1\n",
            "proxy.workerThreads: -1 is not 0..1024", "(line 4, column 18)"),
        bad("unknown transport", "proxy:\n  transport: kqueue\n",
            "proxy.transport: 'kqueue': expected auto, io_uring, epoll or nio", "(line 4, column 14)"),
        bad("maxSessions zero", "proxy:\n  maxSessions: 0\n",
            "proxy.maxSessions: 0 is not 1 or more", "(line 4, column 16)"),
        bad("proxy not an object", "proxy: none\n",
            "proxy: expected an object, got string \"none\"", "(line 3, column 8)"),
        bad("active check without path", "proxy:\n  health:\n    active: {interval: 1s}\n",
            "proxy.health.active.path: required field is missing", "(line 5, column 13)"),
        bad("active check path without slash", "proxy:\n  health:\n    active: {path: ping}\n",
            "proxy.health.active.path: 'ping' must start with /", "(line 5, column 20)"),
        bad("snapshot error beside the proxy block", "proxy: {}\nbackend: []\n",
            "backend: unknown field; expected one of schemaVersion", "(line 4, column 10)"));
  }

  private static Arguments bad(String name, String proxyPart, String message, String position) {
    return Arguments.of(name, BACKENDS + proxyPart, message, position);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badConfigs")
  void refusesBadConfigNamingFieldAndPosition(
      String name, String yaml, String message, String position) {
    SnapshotFormatException e = catchThrowableOfType(
        SnapshotFormatException.class, () -> ProxyConfigLoader.parse(yaml, BASE));

    assertThat(e).as(name).isNotNull();
    assertThat(e.getMessage()).startsWith(message).endsWith(position);
  }

  @Test
  void namesTheFileWhenItCannotBeRead(@TempDir Path dir) {
    Path missing = dir.resolve("nope.yaml");

    assertThatThrownBy(() -> ProxyConfigLoader.load(missing))
        .isInstanceOf(IOException.class)
        .hasMessage("config file " + missing + " does not exist");
  }

  @Test
  void resolvesRelativePathsAgainstTheConfigFilesDirectory(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("proxy.yaml");
    Files.writeString(file, BACKENDS + "proxy: {keyFile: keys.txt, adminTokenFile: ../token}\n");

    ProxyConfig config = ProxyConfigLoader.load(file);

    assertThat(config.keyFile()).isEqualTo(dir.resolve("keys.txt"));
    assertThat(config.adminTokenFile()).isEqualTo(dir.getParent().resolve("token"));
  }
}
