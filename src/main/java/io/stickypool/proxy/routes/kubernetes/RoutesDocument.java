package io.stickypool.proxy.routes.kubernetes;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.stickypool.contract.SnapshotFormatException;
import io.stickypool.proxy.config.ProxyConfig;
import io.stickypool.proxy.config.ProxyConfigLoader;
import java.nio.file.Path;

/**
 * The proxy's config as the operator writes it into the routes ConfigMap: key {@code proxy.json},
 * the same document {@code proxy --config} reads from a file, so it is parsed by the same
 * {@link ProxyConfigLoader}. Relative {@code keyFile}/{@code adminTokenFile} paths resolve against
 * the working directory, as there is no file to be beside. Stateless.
 */
public final class RoutesDocument {
  /** The data key; the operator's RoutesConfigMapModel writes the same one. */
  public static final String KEY = "proxy.json";

  private RoutesDocument() {}

  /** Reads the ConfigMap once, for the {@code proxy:} block a proxy binds at start. */
  public static ProxyConfig fetch(KubernetesClient client, ConfigMapRef ref)
      throws RoutesUnavailableException {
    ConfigMap configMap;
    try {
      configMap = client.configMaps().inNamespace(ref.namespace()).withName(ref.name()).get();
    } catch (KubernetesClientException e) {
      throw new RoutesUnavailableException("cannot read ConfigMap " + ref + ": " + e.getMessage(), e);
    }
    return parse(configMap, ref);
  }

  /** The config in {@code configMap}, which may be null when the API server has none. */
  static ProxyConfig parse(ConfigMap configMap, ConfigMapRef ref) throws RoutesUnavailableException {
    if (configMap == null) {
      throw notFound(ref);
    }
    String text = configMap.getData() == null ? null : configMap.getData().get(KEY);
    if (text == null) {
      throw new RoutesUnavailableException("ConfigMap " + ref + " has no key " + KEY);
    }
    try {
      return ProxyConfigLoader.parse(text, Path.of("").toAbsolutePath());
    } catch (SnapshotFormatException e) {
      throw new RoutesUnavailableException("ConfigMap " + ref + " key " + KEY + ": " + e.getMessage(), e);
    }
  }

  static RoutesUnavailableException notFound(ConfigMapRef ref) {
    return new RoutesUnavailableException("ConfigMap " + ref + " not found");
  }
}
