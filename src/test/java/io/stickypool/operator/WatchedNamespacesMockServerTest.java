package io.stickypool.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.javaoperatorsdk.operator.health.InformerWrappingEventSourceHealthIndicator;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class WatchedNamespacesMockServerTest {
  private static final Duration WAIT = Duration.ofSeconds(15);

  KubernetesMockServer server;
  KubernetesClient client;
  private final StickyPoolOperator operator = new StickyPoolOperator();
  private PoolFixtures fixtures;

  @BeforeEach
  void start() {
    fixtures = new PoolFixtures(client);
    fixtures.installCrd();
    operator.start(client, OperatorSettings.builder(PoolFixtures.IMAGE).namespaces(Set.of("team-a")).build());
  }

  @AfterEach
  void stop() {
    operator.stop();
  }

  @Test
  void reconcilesPoolsInWatchedNamespacesOnly() {
    fixtures.createPool("team-b", "web");
    fixtures.createPool("team-a", "web");

    await().atMost(WAIT).until(() -> fixtures.routes("team-a", "web") != null);
    // team-a is done; team-b had the same time and more to stay untouched
    await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4)).untilAsserted(() -> {
      assertThat(fixtures.routes("team-b", "web")).isNull();
      assertThat(fixtures.pool("team-b", "web").getStatus()).isNull();
    });
  }

  @Test
  void endpointSliceInformerFollowsTheControllerNamespaces() {
    var sources = operator.runtimeInfo().getRegisteredControllers().iterator().next()
        .getControllerHealthInfo().informerEventSourceHealthIndicators();
    InformerWrappingEventSourceHealthIndicator<?> slices = sources.get("endpointslices");
    assertThat(slices).as("event sources: %s", sources.keySet()).isNotNull();
    assertThat(slices.informerHealthIndicators()).containsOnlyKeys("team-a");
  }
}
