package io.stickypool.testing;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.stickypool.proxy.routes.kubernetes.ConfigMapRef;
import io.stickypool.proxy.routes.kubernetes.RoutesDocument;
import java.util.Map;

/** Writes routes ConfigMaps to a (mock) API server the way the operator lays them out. */
public final class RoutesConfigMaps {
  /** Binds both listeners on loopback port 0, for tests that start a proxy from the document. */
  public static final String LOOPBACK_PROXY_BLOCK = "proxy: {listen: 127.0.0.1:0, admin: 127.0.0.1:0}\n";

  private final KubernetesClient client;
  private final ConfigMapRef ref;

  public RoutesConfigMaps(KubernetesClient client, ConfigMapRef ref) {
    this.client = client;
    this.ref = ref;
  }

  /** A proxy document: cookie affinity, one backend per entry of {@code backends} (id to port). */
  public static String document(long version, Map<String, Integer> backends) {
    StringBuilder sb = new StringBuilder("version: " + version + "\n")
        .append("affinity: {type: Cookie, cookie: {name: sp-cm}}\nbackends:\n");
    backends.forEach((id, port) ->
        sb.append("  - {id: ").append(id).append(", host: 127.0.0.1, port: ").append(port).append("}\n"));
    return sb.append(LOOPBACK_PROXY_BLOCK).toString();
  }

  /** Creates the ConfigMap, or replaces its data when it exists. */
  public void write(String document) {
    writeData(Map.of(RoutesDocument.KEY, document));
  }

  public void writeData(Map<String, String> data) {
    var resource = client.configMaps().inNamespace(ref.namespace()).withName(ref.name());
    if (resource.get() == null) {
      resource.create(new ConfigMapBuilder()
          .withNewMetadata().withNamespace(ref.namespace()).withName(ref.name()).endMetadata()
          .withData(data)
          .build());
    } else {
      resource.edit(existing -> new ConfigMapBuilder(existing).withData(data).build());
    }
  }

  public void delete() {
    client.configMaps().inNamespace(ref.namespace()).withName(ref.name()).delete();
  }
}
