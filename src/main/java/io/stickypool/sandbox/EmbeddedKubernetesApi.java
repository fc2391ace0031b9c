package io.stickypool.sandbox;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;

/**
 * A Kubernetes API in this JVM for trying StickyPool without a cluster: fabric8's CRUD mock server
 * on loopback over plain http, with the discovery documents kubectl needs and the StickyPool CRD
 * installed, behind a {@link KubectlFront} that serves kubectl's chunked watches. Where it still
 * differs from a real API server is listed in docs/demo.md.
 */
public final class EmbeddedKubernetesApi implements AutoCloseable {
  static final String CRD_RESOURCE = "/META-INF/fabric8/stickypools.stickypool.io-v1.yml";
  private static final String NAME = "stickypool-sandbox";
  private static final String NAMESPACE = "default";

  private final KubernetesMockServer server;
  private final KubectlFront front;
  private final KubernetesClient client;

  private EmbeddedKubernetesApi(KubernetesMockServer server, KubectlFront front, KubernetesClient client) {
    this.server = server;
    this.front = front;
    this.client = client;
  }

  /** Starts on an ephemeral loopback port. */
  public static EmbeddedKubernetesApi start() {
    return start(0);
  }

  /**
   * Starts on the given loopback port (0 = ephemeral) with the StickyPool CRD installed: the
   * kubectl front on that port, the CRUD mock behind it on an ephemeral one.
   */
  public static EmbeddedKubernetesApi start(int port) {
    KubernetesSerialization json = new KubernetesSerialization();
    List<CustomResourceDefinition> crds = List.of(stickyPoolCrd(json));
    Map<ServerRequest, Queue<ServerResponse>> expectations = new HashMap<>();
    PrinterColumnTables tables = new PrinterColumnTables(Clock.systemUTC(), crds);
    DiscoveryDocuments discovery = new DiscoveryDocuments(json, crds);
    var dispatcher = new SandboxDispatcher(new KubernetesMixedDispatcher(expectations), discovery, tables, crds);
    var server = new KubernetesMockServer(new Context(), new MockWebServer(), expectations,
        dispatcher, false);
    server.start(InetAddress.getLoopbackAddress(), 0);
    String mockUrl = "http://127.0.0.1:" + server.getPort();
    KubectlFront front;
    try {
      front = KubectlFront.start(port, mockUrl, tables, discovery.kinds());
    } catch (IOException e) {
      server.shutdown();
      throw new UncheckedIOException(e);
    }
    // In-process clients go straight to the mock: their watches are WebSockets, which it serves.
    KubernetesClient client = new KubernetesClientBuilder().withConfig(clientConfig(mockUrl)).build();
    var api = new EmbeddedKubernetesApi(server, front, client);
    try {
      client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NAMESPACE)
          .endMetadata().build()).create();
      crds.forEach(crd -> client.apiextensions().v1().customResourceDefinitions().resource(crd)
          .create());
    } catch (RuntimeException e) {
      api.close();
      throw e;
    }
    return api;
  }

  private static Config clientConfig(String url) {
    return new ConfigBuilder(Config.empty()).withMasterUrl(url).withNamespace(NAMESPACE)
        .withHttp2Disable(true).build();
  }

  /** The StickyPool CRD this jar was built with (generated from the api classes). */
  public static CustomResourceDefinition stickyPoolCrd(KubernetesSerialization json) {
    try (InputStream in = EmbeddedKubernetesApi.class.getResourceAsStream(CRD_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(CRD_RESOURCE + " is not on the classpath");
      }
      return json.unmarshal(in, CustomResourceDefinition.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The base URL kubectl and other HTTP clients use, http://127.0.0.1:PORT. */
  public String url() {
    return front.url();
  }

  /** A client for this API, namespace "default"; closed with the API. */
  public KubernetesClient client() {
    return client;
  }

  /** Writes a kubeconfig whose current context points at this API, for kubectl --kubeconfig. */
  public Path writeKubeconfig(Path file) throws IOException {
    String yaml = """
        apiVersion: v1
        kind: Config
        clusters:
        - name: %1$s
          cluster:
            server: %2$s
        users:
        - name: %1$s
          user: {}
        contexts:
        - name: %1$s
          context:
            cluster: %1$s
            user: %1$s
            namespace: %3$s
        current-context: %1$s
        """.formatted(NAME, url(), NAMESPACE);
    return Files.writeString(file, yaml);
  }

  @Override
  public void close() {
    client.close();
    front.close();
    server.shutdown();
  }
}
