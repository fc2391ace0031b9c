package io.stickypool.proxy.config;

import io.stickypool.contract.RoutingSnapshotCodec;
import io.stickypool.contract.SnapshotFormatException;
import io.stickypool.contract.SourceTree;
import io.stickypool.core.snapshot.RoutingSnapshot;
import io.stickypool.proxy.health.HealthSettings;
import io.stickypool.proxy.http.ProxySettings;
import io.stickypool.proxy.server.TransportChoice;
import io.stickypool.proxy.tls.TlsEngine;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * Reads the standalone proxy's YAML config (docs/proxy-config.md): a routing snapshot document plus
 * a top-level {@code proxy:} block of listener settings. Strict like the snapshot reader: unknown
 * fields, wrong types and bad values fail with a {@link SnapshotFormatException} naming the field
 * path and the line and column. Stateless and thread-safe.
 */
public final class ProxyConfigLoader {
  public static final HostPort DEFAULT_LISTEN = new HostPort("0.0.0.0", 8080);
  public static final HostPort DEFAULT_ADMIN = new HostPort("127.0.0.1", 9901);
  /** Active health check defaults for the fields a config leaves out; {@code path} has none. */
  public static final Duration DEFAULT_CHECK_INTERVAL = Duration.ofSeconds(5);
  public static final Duration DEFAULT_CHECK_TIMEOUT = Duration.ofSeconds(1);
  public static final int DEFAULT_HEALTHY_THRESHOLD = 2;
  public static final int DEFAULT_UNHEALTHY_THRESHOLD = 3;

  static final String PROXY = "proxy";
  private static final List<String> PROXY_FIELDS = List.of(
      "listen", "admin", "workerThreads", "keyFile", "adminTokenFile", "maxSessions", "limits",
      "health", "transport", "tls", "backendTls");
  private static final List<String> BACKEND_TLS = List.of("caFile", "serverName");
  private static final List<String> TLS = List.of("certFile", "keyFile", "engine");
  private static final List<String> LIMITS = List.of(
      "maxInitialLineLength", "maxHeaderSize", "maxHeaderCount", "headerTimeout", "keepAliveTimeout",
      "connectTimeout", "backendTimeout", "maxIdleConnectionsPerBackend",
      "pooledConnectionMaxIdle");
  private static final List<String> HEALTH = List.of("passive", "active");
  private static final List<String> PASSIVE = List.of("consecutiveFailures", "ejectFor");
  private static final List<String> ACTIVE =
      List.of("path", "interval", "timeout", "healthyThreshold", "unhealthyThreshold");
  private static final int MAX_WORKER_THREADS = 1024;
  private static final RoutingSnapshotCodec CODEC = new RoutingSnapshotCodec();

  private ProxyConfigLoader() {}

  /**
   * Reads and parses a config file; relative {@code keyFile}, {@code adminTokenFile} and TLS file paths are
   * resolved against the file's directory.
   *
   * @throws IOException when the file cannot be read; the message names it
   */
  public static ProxyConfig load(Path file) throws IOException, SnapshotFormatException {
    return parse(read(file), directoryOf(file));
  }

  /** Parses config text; relative file paths in it are resolved against {@code baseDirectory}. */
  public static ProxyConfig parse(String yaml, Path baseDirectory) throws SnapshotFormatException {
    SourceTree doc = SourceTree.parseYaml(yaml);
    RoutingSnapshot routes = CODEC.fromTree(doc, Set.of(PROXY));
    ConfigField proxy = ConfigField.topLevel(doc, PROXY).object(PROXY_FIELDS);
    return new ProxyConfig(
        bindAddress(proxy.field("listen"), DEFAULT_LISTEN),
        bindAddress(proxy.field("admin"), DEFAULT_ADMIN),
        limits(proxy.field("limits").object(LIMITS)),
        health(proxy.field("health").object(HEALTH)),
        proxy.field("maxSessions").integer(1, Integer.MAX_VALUE, ProxyConfig.DEFAULT_MAX_SESSIONS),
        proxy.field("workerThreads").integer(0, MAX_WORKER_THREADS, 0),
        proxy.field("keyFile").file(baseDirectory),
        proxy.field("adminTokenFile").file(baseDirectory),
        routes,
        transport(proxy.field("transport")),
        tls(proxy.field("tls").object(TLS), baseDirectory),
        backendTls(proxy.field("backendTls").object(BACKEND_TLS), baseDirectory));
  }

  private static BackendTlsSettings backendTls(ConfigField c, Path baseDirectory) throws SnapshotFormatException {
    return c.present()
        ? new BackendTlsSettings(c.field("caFile").file(baseDirectory), c.field("serverName").text(null))
        : null;
  }

  private static TlsSettings tls(ConfigField c, Path baseDirectory) throws SnapshotFormatException {
    if (!c.present()) {
      return null;
    }
    Path cert = required(c.field("certFile"), baseDirectory);
    Path key = required(c.field("keyFile"), baseDirectory);
    ConfigField engine = c.field("engine");
    try {
      return new TlsSettings(cert, key, TlsEngine.parse(engine.text(TlsEngine.AUTO.configName())));
    } catch (IllegalArgumentException e) {
      throw engine.error(e.getMessage());
    }
  }

  private static Path required(ConfigField field, Path baseDirectory) throws SnapshotFormatException {
    Path file = field.file(baseDirectory);
    if (file == null) {
      throw field.error("required field is missing");
    }
    return file;
  }

  /** The file's text, with IO errors that name the file. */
  static String read(Path file) throws IOException {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new IOException("config file " + file + " does not exist", e);
    } catch (IOException e) {
      throw new IOException("cannot read config file " + file + ": " + e, e);
    }
  }

  static Path directoryOf(Path file) {
    Path parent = file.toAbsolutePath().getParent();
    return parent == null ? file.toAbsolutePath() : parent;
  }

  private static InetSocketAddress bindAddress(ConfigField field, HostPort absent)
      throws SnapshotFormatException {
    try {
      return field.hostPort(absent).toSocketAddress();
    } catch (IllegalArgumentException e) {
      throw field.error(e.getMessage());
    }
  }

  private static TransportChoice transport(ConfigField field) throws SnapshotFormatException {
    try {
      return TransportChoice.parse(field.text(TransportChoice.AUTO.configName()));
    } catch (IllegalArgumentException e) {
      throw field.error(e.getMessage());
    }
  }

  private static ProxySettings limits(ConfigField c) throws SnapshotFormatException {
    ProxySettings d = ProxySettings.defaults();
    return new ProxySettings(
        c.field("maxInitialLineLength").integer(1, Integer.MAX_VALUE, d.maxInitialLineLength()),
        c.field("maxHeaderSize").integer(1, Integer.MAX_VALUE, d.maxHeaderSize()),
        c.field("maxHeaderCount").integer(1, Integer.MAX_VALUE, d.maxHeaderCount()),
        c.field("headerTimeout").duration(d.headerTimeout()),
        c.field("keepAliveTimeout").duration(d.keepAliveTimeout()),
        c.field("connectTimeout").duration(d.connectTimeout()),
        c.field("backendTimeout").duration(d.backendTimeout()),
        c.field("maxIdleConnectionsPerBackend")
            .integer(0, Integer.MAX_VALUE, d.maxIdleConnectionsPerBackend()),
        c.field("pooledConnectionMaxIdle").duration(d.pooledConnectionMaxIdle()));
  }

  private static HealthSettings health(ConfigField c) throws SnapshotFormatException {
    HealthSettings d = HealthSettings.defaults();
    ConfigField passive = c.field("passive").object(PASSIVE);
    return new HealthSettings(
        passive.field("consecutiveFailures").integer(1, Integer.MAX_VALUE, d.consecutiveFailures()),
        passive.field("ejectFor").duration(d.ejectFor()),
        active(c.field("active").object(ACTIVE)));
  }

  private static HealthSettings.ActiveCheck active(ConfigField c) throws SnapshotFormatException {
    if (!c.present()) {
      return null;
    }
    ConfigField path = c.field("path");
    String checkPath = path.text(null);
    if (checkPath == null) {
      throw path.error("required field is missing");
    }
    if (!checkPath.startsWith("/")) {
      throw path.error("'" + checkPath + "' must start with /");
    }
    return new HealthSettings.ActiveCheck(
        checkPath,
        c.field("interval").duration(DEFAULT_CHECK_INTERVAL),
        c.field("timeout").duration(DEFAULT_CHECK_TIMEOUT),
        c.field("healthyThreshold").integer(1, 1000, DEFAULT_HEALTHY_THRESHOLD),
        c.field("unhealthyThreshold").integer(1, 1000, DEFAULT_UNHEALTHY_THRESHOLD));
  }
}
