package io.stickypool.operator.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.stickypool.contract.RoutingSnapshotCodec;
import io.stickypool.core.snapshot.RoutingSnapshot;
import java.util.Map;

/**
 * The ConfigMap {@code <pool>-routes} that each proxy pod watches through the API server and runs
 * from with {@code proxy --config-map}. Its one key holds the routing snapshot plus the {@code
 * proxy:} block (the same document {@code proxy --config} reads from a file), so the pod needs no
 * other flags: the proxy applies new routes as the watch delivers them, and reads the {@code
 * proxy:} block at start only (docs/proxy-config.md).
 *
 * <p>The {@code proxy:} block binds admin on all interfaces because kubelet probes and metrics
 * scrapers reach it over the pod IP; no {@code adminTokenFile} is set, so state-changing admin
 * calls stay disabled.
 */
public final class RoutesConfigMapModel {
  /** The snapshot version, so {@code kubectl get -o yaml} shows it without parsing the data. */
  public static final String SNAPSHOT_VERSION_ANNOTATION = "stickypool.io/snapshot-version";
  public static final String ALL_INTERFACES = "0.0.0.0";
  public static final String LOOPBACK = "127.0.0.1";

  private final RoutingSnapshotCodec codec;
  private final ObjectWriter json;

  public RoutesConfigMapModel(RoutingSnapshotCodec codec) {
    this.codec = codec;
    // Same layout as the codec's own JSON, so the ConfigMap diffs line by line between versions.
    DefaultIndenter indenter = new DefaultIndenter("  ", "\n");
    this.json = new ObjectMapper().writer(new DefaultPrettyPrinter()
        .withSeparators(Separators.createDefaultInstance()
            .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
            .withObjectEmptySeparator("")
            .withArrayEmptySeparator(""))
        .withObjectIndenter(indenter)
        .withArrayIndenter(indenter));
  }

  public ConfigMap desired(PoolIdentity pool, int proxyPort, RoutingSnapshot snapshot) {
    return desired(pool, ALL_INTERFACES, proxyPort, snapshot);
  }

  /**
   * @param listenHost where the traffic listener binds: all interfaces for a proxy pod, loopback
   *     for a sidecar, whose only client is the application in the same pod
   */
  public ConfigMap desired(PoolIdentity pool, String listenHost, int proxyPort, RoutingSnapshot snapshot) {
    ObjectMeta meta = pool.metadata(pool.routesName());
    meta.setAnnotations(Map.of(SNAPSHOT_VERSION_ANNOTATION, Long.toString(snapshot.version())));
    return new ConfigMapBuilder()
        .withMetadata(meta)
        .withData(Map.of(ProxyLayout.CONFIG_KEY, document(listenHost, proxyPort, snapshot)))
        .build();
  }

  /** The text the proxy reads: the snapshot's fields, then the {@code proxy:} block. */
  public String document(int proxyPort, RoutingSnapshot snapshot) {
    return document(ALL_INTERFACES, proxyPort, snapshot);
  }

  private String document(String listenHost, int proxyPort, RoutingSnapshot snapshot) {
    ObjectNode root = codec.toTree(snapshot);
    ObjectNode proxy = root.putObject("proxy");
    proxy.put("listen", listenHost + ":" + proxyPort);
    proxy.put("admin", ALL_INTERFACES + ":" + ProxyLayout.ADMIN_PORT);
    proxy.put("keyFile", ProxyLayout.KEY_FILE);
    try {
      return json.writeValueAsString(root) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("writing a tree of plain values cannot fail", e);
    }
  }
}
