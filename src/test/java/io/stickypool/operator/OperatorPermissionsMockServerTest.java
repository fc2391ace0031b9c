package io.stickypool.operator;

import static io.stickypool.operator.MockCluster.NS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.ResourceRuleBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReviewBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.stickypool.api.v1alpha1.Drain;
import io.stickypool.api.v1alpha1.StickyPool;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Derives the operator's permissions from what it does: the real operator, with its own client
 * (told apart by its user agent), runs Deployment mode, sidecar mode and leader election on the
 * CRUD mock; every request it sent must be granted by {@link OperatorPermissions}.
 */
@EnableKubernetesMockClient(crud = true)
class OperatorPermissionsMockServerTest {
  private static final String AGENT = "stickypool-operator-under-test";
  private static final String LEASE_NS = "ops";
  private static final Duration WAIT = Duration.ofSeconds(20);

  KubernetesMockServer server;
  KubernetesClient client;
  private KubernetesClient operatorClient;
  private final StickyPoolOperator operator = new StickyPoolOperator();

  @AfterEach
  void stop() {
    operator.stop();
    if (operatorClient != null) {
      operatorClient.close();
    }
  }

  @Test
  void everyRequestTheOperatorSendsIsGrantedByOperatorPermissions() throws InterruptedException {
    startOperator();
    MockCluster cluster = new MockCluster(client);
    runDeploymentMode(cluster);
    runSidecarMode(cluster);
    operator.stop();

    List<String> nonResource = new ArrayList<>();
    Set<ApiRequest> sent = new java.util.LinkedHashSet<>();
    for (RecordedRequest r : operatorRequests()) {
      ApiRequest.parse(r.getMethod(), r.getPath()).ifPresentOrElse(sent::add,
          () -> nonResource.add(r.getMethod() + " " + r.getPath()));
    }
    assertThat(sent).as("requests the operator sent").isNotEmpty().allSatisfy(req ->
        assertThat(granted(req)).as("%s granted by OperatorPermissions", req).isTrue());
    assertThat(nonResource).allSatisfy(p -> assertThat(OperatorPermissions.GRANTED_TO_ALL).contains(p));
    // The scenario really covered the three parts, so the check above is not vacuous.
    assertThat(sent).contains(
        new ApiRequest("coordination.k8s.io", "leases", "patch"),
        new ApiRequest("stickypool.io", "stickypools/status", "patch"),
        new ApiRequest("apps", "deployments", "create"),
        new ApiRequest("apps", "deployments", "update"),
        new ApiRequest("apps", "statefulsets", "watch"),
        new ApiRequest("discovery.k8s.io", "endpointslices", "watch"),
        new ApiRequest("rbac.authorization.k8s.io", "roles", "delete"),
        new ApiRequest("", "pods", "get"),
        new ApiRequest("", "events", "create"));
  }

  private static boolean granted(ApiRequest req) {
    if (req.group().equals("authorization.k8s.io") && req.resource().equals("selfsubjectrulesreviews")
        && req.verb().equals("create")) {
      return OperatorPermissions.GRANTED_TO_ALL.contains("authorization.k8s.io selfsubjectrulesreviews create");
    }
    return OperatorPermissions.grants(req.group(), req.resource(), req.verb());
  }

  private void startOperator() {
    SelfSubjectRulesReview review = new SelfSubjectRulesReviewBuilder().withNewStatus()
        .withIncomplete(false)
        .addToResourceRules(new ResourceRuleBuilder().withApiGroups("coordination.k8s.io")
            .withResources("leases").withVerbs("get", "create", "update").build())
        .endStatus().build();
    server.expect().post().withPath("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews")
        .andReturn(201, review).always();
    new MockCluster(client).installCrd();
    operatorClient = new KubernetesClientBuilder().withConfig(new ConfigBuilder(client.getConfiguration())
        .withUserAgent(AGENT).build()).build();
    operator.start(operatorClient, OperatorSettings.builder(PoolFixtures.IMAGE)
        .leaderElection(new LeaderElectionSettings("stickypool-operator", LEASE_NS, "under-test",
            Duration.ofSeconds(2), Duration.ofMillis(1500), Duration.ofMillis(200), false))
        .build());
    await().atMost(WAIT).until(operator::isLeader);
  }

  private void runDeploymentMode(MockCluster cluster) {
    cluster.createService("web");
    cluster.createBackendPods("web", 3, null);
    cluster.writeSlice("web", 2);
    StickyPool pool = cluster.samplePool("pool-cookie.yaml");
    Drain drain = new Drain();
    drain.setPodDeletionCost(true);
    pool.getSpec().setDrain(drain);
    cluster.createPool(pool);
    await().atMost(WAIT).until(() -> cluster.condition("web", "Ready")
        .filter(c -> "True".equals(c.getStatus())).isPresent());
    cluster.writeSlice("web", 3);
    await().atMost(WAIT).until(() -> cluster.backendStates("web").size() == 3);
    cluster.writeSlice("web", "web-abc", 0, 2, 8080, e -> e);
    cluster.writeSlice("web", "web-def", 2, 3, 8080, MockCluster::terminating);
    await().atMost(WAIT).until(() -> cluster.backendStates("web").contains("web-2=Draining"));
    client.resources(StickyPool.class).inNamespace(NS).withName("web").delete();
    await().atMost(WAIT).until(() -> cluster.pool("web") == null
        && client.apps().deployments().inNamespace(NS).withName("web-proxy").get() == null);
  }

  private void runSidecarMode(MockCluster cluster) {
    client.apps().deployments().inNamespace(NS).resource(new DeploymentBuilder()
        .withNewMetadata().withName("frontend").addToLabels("app", "frontend").endMetadata()
        .withNewSpec().withReplicas(1)
            .withNewSelector().addToMatchLabels("app", "frontend").endSelector()
            .withNewTemplate().withNewMetadata().addToLabels("app", "frontend").endMetadata()
                .withNewSpec().withServiceAccountName("frontend")
                    .addNewContainer().withName("app").withImage("frontend:1").endContainer()
                .endSpec().endTemplate()
        .endSpec().build()).create();
    cluster.createPool(cluster.samplePool("pool-sidecar.yaml"));
    await().atMost(WAIT).until(() -> cluster.condition("web-sidecar", "SidecarInjected")
        .filter(c -> "True".equals(c.getStatus())).isPresent());
    client.resources(StickyPool.class).inNamespace(NS).withName("web-sidecar").delete();
    await().atMost(WAIT).until(() -> {
      Deployment frontend = client.apps().deployments().inNamespace(NS).withName("frontend").get();
      return cluster.pool("web-sidecar") == null && frontend.getMetadata().getAnnotations() == null
          || !frontend.getMetadata().getAnnotations().containsKey("stickypool.io/sidecar");
    });
  }

  private List<RecordedRequest> operatorRequests() throws InterruptedException {
    List<RecordedRequest> out = new ArrayList<>();
    RecordedRequest r;
    while ((r = server.takeRequest(200, TimeUnit.MILLISECONDS)) != null) {
      if (AGENT.equals(r.getHeader("User-Agent"))) {
        out.add(r);
      }
    }
    return out;
  }
}
