package io.stickypool.cli;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.stickypool.contract.GoDurations;
import io.stickypool.contract.SnapshotFormatException;
import io.stickypool.core.cookie.KeyRing;
import io.stickypool.proxy.ListenerBindException;
import io.stickypool.proxy.ProxyRuntime;
import io.stickypool.proxy.config.KeyFileSource;
import io.stickypool.proxy.config.ProxyConfig;
import io.stickypool.proxy.config.ProxyConfigLoader;
import io.stickypool.proxy.routes.FileRoutesSource;
import io.stickypool.proxy.routes.RoutesSource;
import io.stickypool.proxy.routes.StaticRoutesSource;
import io.stickypool.proxy.routes.kubernetes.ConfigMapRef;
import io.stickypool.proxy.routes.kubernetes.ConfigMapRoutesSource;
import io.stickypool.proxy.routes.kubernetes.RoutesDocument;
import io.stickypool.proxy.server.NettyDefaults;
import io.stickypool.proxy.server.ProxyServer;
import io.stickypool.proxy.server.TransportChoice;
import io.stickypool.proxy.tls.TlsFileSource;
import io.stickypool.proxy.tls.TlsSource;
import io.stickypool.proxy.tls.TlsUnavailableException;
import io.stickypool.proxy.tls.kubernetes.SecretTlsSource;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Runs the affinity proxy from a config file ({@code --config}, reloaded when it changes), from a
 * ConfigMap watched through the API server ({@code --config-map}, how the operator runs it in a
 * pod) or from quick-start flags, until the JVM is asked to stop (SIGTERM, Ctrl-C), then drains
 * gracefully. Exit codes: 2 for bad flags, 1 for an unreadable or invalid config, ConfigMap or
 * key file, or a listen or admin address that cannot be bound (such as one in use).
 */
@Command(
    name = "proxy",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    sortOptions = false,
    description = "Run the sticky-session affinity proxy (standalone or in a pod).",
    footer = {
      "",
      "Examples:",
      "  stickypool proxy --backend a=127.0.0.1:18081 --backend b=127.0.0.1:18082",
      "  stickypool proxy --affinity header:X-Session-Id --backend a=10.0.0.10:8080",
      "  stickypool proxy --config samples/proxy-local.yaml",
      "  stickypool proxy --tls-cert tls.crt --tls-key tls.key --backend a=127.0.0.1:18081",
      "  stickypool proxy --config-map web-routes        (in a pod, namespace from POD_NAMESPACE)"
    })
public final class ProxyCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(ProxyCommand.class);
  static final String COMMAND_LINE_ORIGIN = "command line";

  @Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--config", paramLabel = "FILE",
      description = "YAML config: routes plus a proxy: block (docs/proxy-config.md); reloaded when"
          + " it changes. Replaces the flags below except --drain-grace and --transport.")
  Path configFile;

  @Option(names = "--config-map", paramLabel = "[NAMESPACE/]NAME",
      description = "Like --config, but the document is key proxy.json of this ConfigMap, watched"
          + " through the API server. Namespace default: $POD_NAMESPACE, else the service"
          + " account's.")
  String configMap;

  @Mixin QuickStartFlags flags = new QuickStartFlags();

  @Option(names = "--tls-secret", paramLabel = "[NAMESPACE/]NAME",
      description = "Serve TLS with the pair of this kubernetes.io/tls Secret (tls.crt, tls.key),"
          + " watched through the API server: a renewal applies within a second. Namespace as for"
          + " --config-map.")
  String tlsSecret;

  @Option(names = "--drain-grace", paramLabel = "DURATION", defaultValue = "30s",
      description = "On shutdown, how long in-flight requests may take before they are cut"
          + " (default: ${DEFAULT-VALUE}).")
  String drainGrace;

  @Option(names = "--transport", paramLabel = "NAME",
      description = "Socket transport: " + TransportChoice.NAMES + "; one that this machine refuses"
          + " falls back with a warning (default: the config's proxy.transport, else auto).")
  String transport;

  /** Replaced in tests by a client of the mock API server. */
  Supplier<KubernetesClient> kubernetes = ConfigMapFlag::client;
  UnaryOperator<String> environment = System::getenv;
  private KubernetesClient client;
  private ConfigMapRef configMapRef;

  @Override
  public Integer call() throws Exception {
    NettyDefaults.applyUnlessConfigured();
    Duration grace = drainGrace();
    ProxyConfig config;
    try {
      config = config();
    } catch (IOException e) {
      closeClient();
      return fail(e.getMessage());
    } catch (SnapshotFormatException e) {
      return fail(configFile + ": " + e.getMessage());
    }
    return run(config, grace);
  }

  /**
   * The config to run: the file's, or the quick-start flags'.
   *
   * @throws CommandLine.ParameterException for flags that are wrong or conflict
   */
  ProxyConfig config() throws IOException, SnapshotFormatException {
    return withTransportFlag(configFromSource());
  }

  private ProxyConfig configFromSource() throws IOException, SnapshotFormatException {
    if (configMap != null) {
      return configMapConfig();
    }
    if (configFile == null) {
      try {
        return flags.toConfig();
      } catch (IllegalArgumentException e) {
        throw usageError(e.getMessage());
      }
    }
    List<String> conflicting = flags.given();
    if (!conflicting.isEmpty()) {
      throw usageError("--config cannot be combined with " + String.join(", ", conflicting)
          + ": put those settings in the config file");
    }
    return ProxyConfigLoader.load(configFile);
  }

  /** The ConfigMap's document, read once now for the {@code proxy:} block bound at start. */
  private ProxyConfig configMapConfig() throws IOException {
    List<String> conflicting = new ArrayList<>(flags.given());
    if (configFile != null) {
      conflicting.add(0, "--config");
    }
    if (!conflicting.isEmpty()) {
      throw usageError("--config-map cannot be combined with " + String.join(", ", conflicting)
          + ": the ConfigMap's proxy: block holds those settings");
    }
    try {
      configMapRef = ConfigMapFlag.resolve(configMap, environment, ConfigMapFlag.SERVICE_ACCOUNT_NAMESPACE);
    } catch (IllegalArgumentException e) {
      throw usageError(e.getMessage());
    }
    client = kubernetes.get();
    return RoutesDocument.fetch(client, configMapRef);
  }

  private RoutesSource routesSource(ProxyConfig config) {
    if (configMapRef != null) {
      return new ConfigMapRoutesSource(client, configMapRef);
    }
    return configFile != null
        ? new FileRoutesSource(configFile)
        : new StaticRoutesSource(config.routes(), COMMAND_LINE_ORIGIN);
  }

  /** TLS from the config's files, or from {@code --tls-secret}; null for plain HTTP. */
  private TlsSource tlsSource(ProxyConfig config) {
    if (tlsSecret != null) {
      ConfigMapRef ref;
      try {
        ref = ConfigMapFlag.resolve("--tls-secret", tlsSecret, environment, ConfigMapFlag.SERVICE_ACCOUNT_NAMESPACE);
      } catch (IllegalArgumentException e) {
        throw usageError(e.getMessage());
      }
      if (config.tls() != null) {
        throw usageError("--tls-secret cannot be combined with TLS files (--tls-cert or the config's proxy.tls)");
      }
      if (client == null) {
        client = kubernetes.get();
      }
      return new SecretTlsSource(client, ref.namespace(), ref.name());
    }
    return config.tls() == null ? null : new TlsFileSource(config.tls().certFile(), config.tls().keyFile());
  }

  private void closeClient() {
    if (client != null) {
      client.close();
    }
  }

  /** {@code --transport} wins over the config's {@code proxy.transport}, in every mode. */
  private ProxyConfig withTransportFlag(ProxyConfig config) {
    if (transport == null) {
      return config;
    }
    try {
      return config.withTransport(TransportChoice.parse(transport));
    } catch (IllegalArgumentException e) {
      throw usageError("--transport " + e.getMessage());
    }
  }

  private Duration drainGrace() {
    try {
      return GoDurations.parse(drainGrace);
    } catch (IllegalArgumentException e) {
      throw usageError("--drain-grace " + e.getMessage());
    }
  }

  private int run(ProxyConfig config, Duration grace) throws Exception {
    RoutesSource routes = routesSource(config);
    KeyFileSource keySource = config.keyFile() == null ? null : new KeyFileSource(config.keyFile());
    KeyRing keys;
    try {
      keys = keySource == null ? generatedKeys() : keySource.load();
    } catch (IOException | IllegalArgumentException e) {
      closeClient();
      return fail(e.getMessage());
    }
    ProxyRuntime runtime;
    try {
      runtime = ProxyRuntime.start(config, routes, keys, tlsSource(config));
    } catch (Exception e) {
      routes.close();
      closeClient();
      if (e instanceof ListenerBindException || e instanceof TlsUnavailableException) {
        return fail(e.getMessage());
      }
      throw e;
    }
    if (keySource != null) {
      keySource.watch(runtime::updateKeys, problem -> { });
    }
    PrintWriter out = spec.commandLine().getOut();
    out.println("stickypool proxy: serving on " + runtime.trafficAddress()
        + ", admin on " + runtime.adminAddress() + ", routes from " + routes.describe());
    out.flush();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(
        () -> {
          stop(runtime, routes, keySource, grace, out);
          closeClient();
          stopped.countDown();
        }, "sp-shutdown"));
    stopped.await();
    return 0;
  }

  private static KeyRing generatedKeys() {
    LOG.warn("no --key-file/keyFile: generated a cookie signing key for this process only;"
        + " sessions will not survive a restart and replicas will not share sessions");
    return KeyRing.generate(new SecureRandom());
  }

  private static void stop(ProxyRuntime runtime, RoutesSource routes, KeyFileSource keys,
      Duration grace, PrintWriter out) {
    try {
      ProxyServer.ShutdownReport report = runtime.shutdown(grace);
      out.println("stickypool proxy: stopped: " + report.describe());
      out.flush();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      if (keys != null) {
        keys.close();
      }
      routes.close();
      runtime.close();
    }
  }

  private int fail(String message) {
    spec.commandLine().getErr().println("stickypool proxy: " + message);
    return 1;
  }

  private CommandLine.ParameterException usageError(String message) {
    return new CommandLine.ParameterException(spec.commandLine(), message);
  }
}
