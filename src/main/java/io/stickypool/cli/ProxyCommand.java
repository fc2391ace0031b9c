package io.stickypool.cli;

import io.stickypool.core.backend.Backend;
import io.stickypool.core.cookie.KeyRing;
import io.stickypool.core.snapshot.AffinitySettings;
import io.stickypool.core.snapshot.PlacementSettings;
import io.stickypool.core.snapshot.RoutingSnapshot;
import io.stickypool.proxy.ProxyRuntime;
import io.stickypool.proxy.config.ProxyConfig;
import io.stickypool.proxy.health.HealthSettings;
import io.stickypool.proxy.http.ProxySettings;
import io.stickypool.proxy.routes.RoutesSource;
import io.stickypool.proxy.routes.StaticRoutesSource;
import io.stickypool.proxy.routing.CidrSet;
import io.stickypool.proxy.server.ProxyServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** Runs the Netty affinity proxy, from a config file or from quick-start flags. */
@Command(
    name = "proxy",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    sortOptions = false,
    description = {
      "Run the sticky-session affinity proxy.",
      "Either --config FILE (YAML, hot-reloaded), or quick-start flags, e.g.:",
      "  stickypool proxy --backend a=127.0.0.1:8081 --backend b=127.0.0.1:8082"
    })
public final class ProxyCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(ProxyCommand.class);

  @Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--config", paramLabel = "FILE", description = "Proxy config (YAML: a routing snapshot plus a proxy: block). Watched and hot-reloaded.")
  Path config;

  @Option(names = "--listen", paramLabel = "HOST:PORT", converter = HostPort.class, description = "Traffic listener (default 0.0.0.0:8080).")
  InetSocketAddress listen;

  @Option(names = "--admin", paramLabel = "HOST:PORT", converter = HostPort.class, description = "Admin listener: /healthz /readyz /metrics /sessions (default 127.0.0.1:9901).")
  InetSocketAddress admin;

  @Option(names = "--backend", paramLabel = "ID=HOST:PORT[@WEIGHT]", converter = BackendOption.class, description = "A backend with a stable id; repeat for each.")
  List<Backend> backends = new ArrayList<>();

  @Option(names = "--affinity", paramLabel = "MODE", defaultValue = "cookie", description = "cookie (default) | header:NAME | client-ip | app-cookie:NAME")
  String affinity;

  @Option(names = "--cookie-name", paramLabel = "NAME", defaultValue = "stickypool", description = "Name of the affinity cookie (default ${DEFAULT-VALUE}).")
  String cookieName;

  @Option(names = "--trusted-proxy", paramLabel = "CIDR", description = "Proxy whose X-Forwarded-For is believed (client-ip mode); repeatable.")
  List<String> trustedProxies = new ArrayList<>();

  @Option(names = "--key-file", paramLabel = "FILE", description = "Cookie signing keys, '<id>:<base64>' per line, last one signs. Without it a key is generated (sessions do not survive a restart).")
  Path keyFile;

  @Option(names = "--admin-token-file", paramLabel = "FILE", description = "Bearer token for state-changing admin calls.")
  Path adminTokenFile;

  @Option(names = "--workers", paramLabel = "N", defaultValue = "0", description = "Event loop threads (default: one per core).")
  int workers;

  @Option(names = "--drain-grace", paramLabel = "DURATION", defaultValue = "30s", converter = DurationOption.class, description = "How long a graceful stop (SIGTERM) waits for in-flight requests (default ${DEFAULT-VALUE}).")
  Duration drainGrace;

  @Override
  public Integer call() throws Exception {
    ProxyConfig cfg = buildConfig();
    KeyRing keys = loadKeys(cfg.keyFile());
    RoutesSource routes = routesSource(cfg);
    ProxyRuntime runtime = ProxyRuntime.start(cfg, routes, keys);
    LOG.info("stickypool proxy ready: traffic on {}, admin on {}", runtime.trafficAddress(), runtime.adminAddress());
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        ProxyServer.ShutdownReport report = runtime.shutdown(drainGrace);
        System.err.println("stickypool proxy stopped: " + report.open() + " connection(s) open, "
            + report.idleClosed() + " idle closed, " + report.finished() + " finished, " + report.forced() + " forced");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        stopped.countDown();
      }
    }, "sp-shutdown"));
    stopped.await();
    return 0;
  }

  /** The config the flags describe; pure apart from reading nothing (files are read later). */
  ProxyConfig buildConfig() {
    if (config != null) {
      return ConfigFileSupport.load(spec, config, keyFile, adminTokenFile);
    }
    if (backends.isEmpty()) {
      throw new ParameterException(spec.commandLine(), "give --config FILE or at least one --backend ID=HOST:PORT");
    }
    try {
      new CidrSet(trustedProxies);
    } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
      throw new ParameterException(spec.commandLine(), "--trusted-proxy: " + e.getMessage());
    }
    AffinitySettings affinitySettings;
    RoutingSnapshot snapshot;
    try {
      affinitySettings = AffinityOption.parse(affinity, cookieName, trustedProxies);
      snapshot = new RoutingSnapshot(1, affinitySettings, PlacementSettings.defaults(), backends);
    } catch (IllegalArgumentException | CommandLine.TypeConversionException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    return new ProxyConfig(
        resolve(listen, "0.0.0.0", 8080), resolve(admin, "127.0.0.1", 9901), ProxySettings.defaults(),
        HealthSettings.defaults(), ProxyConfig.DEFAULT_MAX_SESSIONS, workers, keyFile, adminTokenFile, snapshot);
  }

  private static InetSocketAddress resolve(InetSocketAddress given, String host, int port) {
    return given == null ? new InetSocketAddress(host, port) : new InetSocketAddress(given.getHostString(), given.getPort());
  }

  private RoutesSource routesSource(ProxyConfig cfg) {
    return config != null ? ConfigFileSupport.routes(config) : new StaticRoutesSource(cfg.routes());
  }

  private KeyRing loadKeys(Path file) throws IOException {
    if (file == null) {
      LOG.warn("no --key-file: generated a signing key for this process only; sessions will not survive a"
          + " restart and other proxy replicas will not recognise this one's cookies");
      return KeyRing.generate(new SecureRandom());
    }
    try {
      return KeyRing.parse(Files.readString(file));
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--key-file " + file + ": " + e.getMessage());
    }
  }
}
