package io.stickypool.cli;

import io.stickypool.contract.Cidr;
import io.stickypool.core.backend.Backend;
import io.stickypool.core.backend.BackendId;
import io.stickypool.core.backend.BackendState;
import io.stickypool.core.snapshot.AffinitySettings;
import io.stickypool.core.snapshot.CookieSettings;
import io.stickypool.core.snapshot.PlacementSettings;
import io.stickypool.core.snapshot.RoutingSnapshot;
import io.stickypool.proxy.config.BackendTlsSettings;
import io.stickypool.proxy.config.HostPort;
import io.stickypool.proxy.config.ProxyConfig;
import io.stickypool.proxy.config.ProxyConfigLoader;
import io.stickypool.proxy.config.TlsSettings;
import io.stickypool.proxy.health.HealthSettings;
import io.stickypool.proxy.http.ProxySettings;
import io.stickypool.proxy.tls.TlsEngine;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Option;

/**
 * The {@code proxy} command's flags that describe a whole config without a file. Values stay
 * strings until {@link #toConfig}, so that every problem can be reported as
 * {@code --flag 'value': what was expected}.
 */
final class QuickStartFlags {
  static final long SNAPSHOT_VERSION = 1;
  private static final String AFFINITY_FORMS = "cookie, header:NAME, client-ip or app-cookie:NAME";

  @Option(names = "--listen", paramLabel = "HOST:PORT",
      description = "Traffic listener (default: 0.0.0.0:8080).")
  String listen;

  @Option(names = "--admin", paramLabel = "HOST:PORT",
      description = "Admin listener: health, readiness, metrics (default: 127.0.0.1:9901).")
  String admin;

  @Option(names = "--backend", paramLabel = "ID=HOST:PORT[@WEIGHT]",
      description = "A backend; repeat for each. ID is its stable name (such as a pod name),"
          + " WEIGHT 1..1000 (default 1).")
  List<String> backends = new ArrayList<>();

  @Option(names = "--affinity", paramLabel = "MODE",
      description = "What keeps a client on its backend: " + AFFINITY_FORMS + " (default: cookie).")
  String affinity;

  @Option(names = "--trusted-proxy", paramLabel = "CIDR",
      description = "With client-ip: a peer whose X-Forwarded-For is believed; repeatable.")
  List<String> trustedProxies = new ArrayList<>();

  @Option(names = "--cookie-name", paramLabel = "NAME",
      description = "With cookie: the affinity cookie's name (default: stickypool).")
  String cookieName;

  @Option(names = "--key-file", paramLabel = "FILE",
      description = "Cookie signing keys, one <id>:<base64> per line, last one signs; reloaded when"
          + " it changes. Without it a key is generated at start and sessions do not survive a"
          + " restart nor are shared between replicas.")
  Path keyFile;

  @Option(names = "--admin-token-file", paramLabel = "FILE",
      description = "Bearer token for the admin API's state-changing calls (default: disabled).")
  Path adminTokenFile;

  @Option(names = "--tls-cert", paramLabel = "FILE",
      description = "Serve TLS with this PEM certificate chain (leaf first); reloaded when it"
          + " changes. Needs --tls-key.")
  Path tlsCert;

  @Option(names = "--tls-key", paramLabel = "FILE",
      description = "The PEM private key of --tls-cert (PKCS#8, PKCS#1 or EC, as cert-manager and"
          + " openssl write them); reloaded when it changes.")
  Path tlsKey;

  @Option(names = "--tls-engine", paramLabel = "NAME",
      description = "Who terminates TLS: " + TlsEngine.NAMES + "; auto is BoringSSL when it loads here,"
          + " else the JDK's (default: auto).")
  String tlsEngine;

  @Option(names = "--backend-tls",
      description = "Connect to the backends over TLS and verify their certificates (against"
          + " --backend-ca, else the JDK's trust store).")
  boolean backendTls;

  @Option(names = "--backend-ca", paramLabel = "FILE",
      description = "With --backend-tls: PEM CA certificates the backends' certificates must chain to.")
  Path backendCa;

  @Option(names = "--backend-server-name", paramLabel = "NAME",
      description = "With --backend-tls: send NAME as SNI and require the backends' certificates to be"
          + " for it (default: check the chain only).")
  String backendServerName;

  @Option(names = "--workers", paramLabel = "N",
      description = "Event loop threads; 0 means one per core (default: 0).")
  Integer workers;

  /** The flags given on the command line, for refusing them beside {@code --config}. */
  List<String> given() {
    List<String> out = new ArrayList<>();
    addIf(out, listen != null, "--listen");
    addIf(out, admin != null, "--admin");
    addIf(out, !backends.isEmpty(), "--backend");
    addIf(out, affinity != null, "--affinity");
    addIf(out, !trustedProxies.isEmpty(), "--trusted-proxy");
    addIf(out, cookieName != null, "--cookie-name");
    addIf(out, keyFile != null, "--key-file");
    addIf(out, adminTokenFile != null, "--admin-token-file");
    addIf(out, tlsCert != null, "--tls-cert");
    addIf(out, tlsKey != null, "--tls-key");
    addIf(out, tlsEngine != null, "--tls-engine");
    addIf(out, backendTls, "--backend-tls");
    addIf(out, backendCa != null, "--backend-ca");
    addIf(out, backendServerName != null, "--backend-server-name");
    addIf(out, workers != null, "--workers");
    return out;
  }

  /**
   * The config these flags describe, with every other setting at its default. Pure: reads no file
   * and binds nothing (a host name in --listen or --admin is looked up, though).
   *
   * @throws IllegalArgumentException with a one-line message naming the flag and its value
   */
  ProxyConfig toConfig() {
    if (backends.isEmpty()) {
      throw new IllegalArgumentException(
          "give --config FILE, --config-map NAME, or at least one --backend ID=HOST:PORT");
    }
    int threads = workers == null ? 0 : workers;
    if (threads < 0) {
      throw new IllegalArgumentException(
          "--workers " + threads + ": expected 0 (one per core) or more");
    }
    RoutingSnapshot routes = new RoutingSnapshot(
        SNAPSHOT_VERSION, affinity(), PlacementSettings.defaults(), backends());
    return new ProxyConfig(
        bindAddress("--listen", listen, ProxyConfigLoader.DEFAULT_LISTEN),
        bindAddress("--admin", admin, ProxyConfigLoader.DEFAULT_ADMIN),
        ProxySettings.defaults(),
        HealthSettings.defaults(),
        ProxyConfig.DEFAULT_MAX_SESSIONS,
        threads,
        keyFile,
        adminTokenFile,
        routes).withTls(tls()).withBackendTls(backendTls());
  }

  private BackendTlsSettings backendTls() {
    if (!backendTls && (backendCa != null || backendServerName != null)) {
      throw new IllegalArgumentException(
          (backendCa != null ? "--backend-ca" : "--backend-server-name") + " needs --backend-tls");
    }
    return backendTls ? new BackendTlsSettings(backendCa, backendServerName) : null;
  }

  private TlsSettings tls() {
    if ((tlsCert == null) != (tlsKey == null)) {
      throw new IllegalArgumentException(tlsCert == null
          ? "--tls-key needs --tls-cert" : "--tls-cert needs --tls-key");
    }
    if (tlsEngine != null && tlsCert == null) {
      throw new IllegalArgumentException("--tls-engine needs --tls-cert and --tls-key");
    }
    try {
      return tlsCert == null ? null
          : new TlsSettings(tlsCert, tlsKey, tlsEngine == null ? TlsEngine.AUTO : TlsEngine.parse(tlsEngine));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--tls-engine " + e.getMessage(), e);
    }
  }

  private AffinitySettings affinity() {
    String mode = affinity == null ? "cookie" : affinity;
    if (cookieName != null && !mode.equals("cookie")) {
      throw new IllegalArgumentException("--cookie-name only applies to --affinity cookie");
    }
    if (!trustedProxies.isEmpty() && !mode.equals("client-ip")) {
      throw new IllegalArgumentException("--trusted-proxy only applies to --affinity client-ip");
    }
    if (mode.equals("cookie")) {
      try {
        return AffinitySettings.cookie(
            cookieName == null ? CookieSettings.defaults() : CookieSettings.named(cookieName));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "--cookie-name '" + cookieName + "': " + e.getMessage(), e);
      }
    }
    if (mode.equals("client-ip")) {
      return AffinitySettings.clientIp(trustedProxies());
    }
    try {
      if (mode.startsWith("header:")) {
        return AffinitySettings.header(mode.substring("header:".length()));
      }
      if (mode.startsWith("app-cookie:")) {
        return AffinitySettings.appCookie(mode.substring("app-cookie:".length()));
      }
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--affinity '" + mode + "': " + e.getMessage(), e);
    }
    throw new IllegalArgumentException("--affinity '" + mode + "': expected " + AFFINITY_FORMS);
  }

  private List<String> trustedProxies() {
    for (String cidr : trustedProxies) {
      if (!Cidr.isValid(cidr)) {
        throw new IllegalArgumentException(
            "--trusted-proxy '" + cidr + "': expected a CIDR block such as 10.0.0.0/8 or fd00::/8");
      }
    }
    return trustedProxies;
  }

  private List<Backend> backends() {
    List<Backend> out = new ArrayList<>();
    Set<BackendId> seen = new HashSet<>();
    for (String spec : backends) {
      Backend backend = backend(spec);
      if (!seen.add(backend.id())) {
        throw new IllegalArgumentException(
            "--backend '" + spec + "': id '" + backend.id() + "' is given twice");
      }
      out.add(backend);
    }
    return out;
  }

  /** {@code ID=HOST:PORT} or {@code ID=HOST:PORT@WEIGHT}. */
  private static Backend backend(String spec) {
    String where = "--backend '" + spec + "': ";
    int eq = spec.indexOf('=');
    if (eq <= 0) {
      throw new IllegalArgumentException(where + "expected ID=HOST:PORT");
    }
    String address = spec.substring(eq + 1);
    int at = address.lastIndexOf('@');
    int weight = at < 0 ? 1 : weight(where, address.substring(at + 1));
    HostPort hostPort;
    try {
      hostPort = HostPort.parse(at < 0 ? address : address.substring(0, at));
    } catch (IllegalArgumentException e) {
      String problem =
          e.getMessage().startsWith("expected") ? "expected ID=HOST:PORT" : e.getMessage();
      throw new IllegalArgumentException(where + problem, e);
    }
    try {
      BackendId id = BackendId.of(spec.substring(0, eq));
      return new Backend(id, hostPort.host(), hostPort.port(), weight, BackendState.ACTIVE, null);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(where + e.getMessage(), e);
    }
  }

  private static int weight(String where, String digits) {
    boolean number = !digits.isEmpty() && digits.length() <= 4
        && digits.chars().allMatch(c -> c >= '0' && c <= '9');
    int weight = number ? Integer.parseInt(digits) : -1;
    if (weight < 1 || weight > Backend.MAX_WEIGHT) {
      throw new IllegalArgumentException(
          where + "weight '" + digits + "' is not a number 1.." + Backend.MAX_WEIGHT);
    }
    return weight;
  }

  private static InetSocketAddress bindAddress(String flag, String text, HostPort absent) {
    try {
      return (text == null ? absent : HostPort.parse(text)).toSocketAddress();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(flag + " '" + text + "': " + e.getMessage(), e);
    }
  }

  private static void addIf(List<String> out, boolean given, String flag) {
    if (given) {
      out.add(flag);
    }
  }
}
