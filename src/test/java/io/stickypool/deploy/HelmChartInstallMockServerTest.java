package io.stickypool.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.stickypool.api.v1alpha1.StickyPool;
import io.stickypool.cli.OperatorCommand;
import io.stickypool.operator.OperatorSettings;
import io.stickypool.operator.StickyPoolOperator;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What `helm install` then `kubectl apply -f samples/...` does, on the CRUD mock: the chart's CRD
 * and rendered objects are applied, the operator starts from the rendered Deployment's args, and
 * the sample pool becomes Ready.
 */
@EnableKubernetesMockClient(crud = true)
class HelmChartInstallMockServerTest {
  private static final String APP_NS = "shop";
  private static final Duration WAIT = Duration.ofSeconds(20);

  KubernetesClient client;
  private final StickyPoolOperator operator = new StickyPoolOperator();

  @AfterEach
  void stop() {
    operator.stop();
  }

  @Test
  void operatorStartedFromTheRenderedArgsMakesTheSamplePoolReady() throws IOException {
    try (InputStream crd = Files.newInputStream(RenderedChart.CHART.resolve("crds/stickypools.stickypool.io-v1.yml"))) {
      client.load(crd).items().forEach(o -> client.resource(o).create());
    }
    RenderedChart chart = RenderedChart.defaults();
    for (HasMetadata o : chart.objects()) {
      client.resource(o).create();
    }
    assertThat(client.apps().deployments().inNamespace(RenderedChart.NAMESPACE)
        .withName("stickypool-stickypool-operator").get()).isNotNull();
    assertThat(client.rbac().clusterRoles().withName("stickypool-stickypool-operator").get()).isNotNull();

    OperatorSettings parsed = OperatorCommand.settingsFrom(chart.operatorArgs(), RenderedChart.podEnv("op-0"));
    // The admin server is covered elsewhere; a fixed 8081 could clash with other tests on this host.
    operator.start(client, new OperatorSettings(parsed.defaultImage(), parsed.namespaces(),
        parsed.leaderElection(), Optional.empty(), parsed.metrics(), parsed.sessionRefresh(),
        parsed.drainRefresh(), parsed.adminTargets(), true));

    createBackend();
    StickyPool pool;
    try (InputStream in = Files.newInputStream(Path.of("samples/pool-cookie.yaml"))) {
      pool = client.getKubernetesSerialization().unmarshal(in, StickyPool.class);
    }
    pool.getMetadata().setNamespace(APP_NS);
    client.resources(StickyPool.class).inNamespace(APP_NS).resource(pool).create();

    await().atMost(WAIT).untilAsserted(() -> {
      StickyPool p = client.resources(StickyPool.class).inNamespace(APP_NS).withName("web").get();
      assertThat(p.getStatus()).isNotNull();
      assertThat(p.getStatus().getConditions()).anySatisfy(c -> {
        assertThat(c.getType()).isEqualTo("Ready");
        assertThat(c.getStatus()).isEqualTo("True");
      });
    });
    Deployment proxy = client.apps().deployments().inNamespace(APP_NS).withName("web-proxy").get();
    assertThat(proxy.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
        .as("the chart's --image").isEqualTo("ghcr.io/stickypool/stickypool:0.1.0");
  }

  /** samples/backend-app.yaml's Service "web", and the slice its two ready pods would get. */
  private void createBackend() {
    client.services().inNamespace(APP_NS).resource(new ServiceBuilder()
        .withNewMetadata().withName("web").addToLabels("app", "web").endMetadata()
        .withNewSpec().addToSelector("app", "web").addNewPort().withName("http").withPort(80)
        .withTargetPort(new IntOrString("http")).endPort().endSpec().build()).create();
    var endpoints = List.of(0, 1).stream().map(i -> new EndpointBuilder()
        .withAddresses("10.0.0." + (i + 1))
        .withNewConditions().withReady(true).withServing(true).withTerminating(false).endConditions()
        .withTargetRef(new ObjectReferenceBuilder().withKind("Pod").withName("web-" + i)
            .withNamespace(APP_NS).build()).build()).toList();
    client.discovery().v1().endpointSlices().inNamespace(APP_NS).resource(new EndpointSliceBuilder()
        .withNewMetadata().withName("web-abc").addToLabels("kubernetes.io/service-name", "web").endMetadata()
        .withAddressType("IPv4").withEndpoints(endpoints)
        .addNewPort().withName("http").withPort(8080).withProtocol("TCP").endPort().build()).create();
  }
}
