package io.stickypool.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.stickypool.api.v1alpha1.ConditionReasons;
import io.stickypool.sandbox.controlplane.LocalControlPlane;
import io.stickypool.testing.cluster.ControlPlaneNamespace;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Version skew on a real API server: the StickyPool CRD installed is newer than the operator (it
 * allows an affinity type this operator does not know, and drops the duration pattern), as after
 * upgrading the CRD first. Pools written under it must not stop the operator: each gets
 * Ready=False InvalidSpec naming the field, one Warning Event, and nothing written for it, while
 * the other pools keep being served; fixing the spec brings the pool up.
 */
class InvalidPoolApiServerTest {
  @RegisterExtension
  static final ControlPlaneNamespace K8S = ControlPlaneNamespace.apiServer();
  private static final Duration WAIT = Duration.ofSeconds(45);
  private static final String POOLS = "stickypool.io/v1alpha1";

  private final KubernetesClient client = K8S.client();
  private final StickyPoolOperator operator = new StickyPoolOperator();
  private TestCluster cluster;

  @BeforeAll
  static void installANewerCrd() throws IOException {
    CustomResourceDefinition crd = ourCrd();
    JSONSchemaProps spec = crd.getSpec().getVersions().get(0).getSchema().getOpenAPIV3Schema()
        .getProperties().get("spec");
    JSONSchemaProps type = spec.getProperties().get("affinity").getProperties().get("type");
    List<JsonNode> values = new ArrayList<>(type.getEnum());
    values.add(com.fasterxml.jackson.databind.node.TextNode.valueOf("Consistent"));
    type.setEnum(values);
    spec.getProperties().get("drain").getProperties().get("drainTimeout").setPattern(null);
    apply(crd);
  }

  @AfterAll
  static void reinstallOurCrd() throws IOException {
    apply(ourCrd());
  }

  @BeforeEach
  void start() {
    cluster = new TestCluster(client, K8S.namespace());
    operator.start(client, cluster.operatorSettings().build());
  }

  @AfterEach
  void stop() {
    operator.stop();
  }

  @Test
  void aPoolTheOperatorCannotReadIsReportedAndTheOthersKeepWorking() {
    cluster.createService("web");
    cluster.writeSlice("web", 1);
    createPool("odd", "{\"backend\":{\"service\":\"web\",\"port\":{\"name\":\"http\"}},"
        + "\"affinity\":{\"type\":\"Consistent\"}}");
    createPool("slow", "{\"backend\":{\"service\":\"web\",\"port\":{\"name\":\"http\"}},"
        + "\"drain\":{\"drainTimeout\":\"banana\"}}");
    cluster.createPool(cluster.samplePool("pool-cookie.yaml"));

    await().atMost(WAIT).until(() -> cluster.routes("web") != null);
    await().atMost(WAIT).untilAsserted(() -> {
      assertThat(ready("odd")).extracting(Condition::getStatus, Condition::getReason)
          .containsExactly("False", ConditionReasons.INVALID_SPEC);
      assertThat(ready("slow")).extracting(Condition::getStatus, Condition::getReason)
          .containsExactly("False", ConditionReasons.INVALID_SPEC);
    });
    assertThat(ready("odd").getMessage()).isEqualTo("spec.affinity.type: holds a value this operator does"
        + " not know (it knows Cookie, Header, ClientIP, AppCookie); the StickyPool CRD is newer than the"
        + " operator: upgrade the operator, or change the field; nothing was changed, the proxies keep their"
        + " last good routes");
    assertThat(ready("slow").getMessage()).startsWith(
        "spec.drain.drainTimeout: \"banana\" is not a duration such as 30s, 5m or 1h30m");
    assertThat(cluster.routes("odd")).as("nothing written for a pool the operator cannot read").isNull();
    assertThat(cluster.routes("slow")).isNull();

    // The operator is still serving everyone else: a slice change reaches pool web's routes.
    cluster.writeSlice("web", 3);
    await().atMost(WAIT).until(() -> cluster.routes("web").path("backends").size() == 3);
    // One Warning per problem, not one per reconcile.
    await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(6)).untilAsserted(() ->
        assertThat(warnings()).containsExactlyInAnyOrder("odd InvalidSpec", "slow InvalidSpec"));

    // Fixed by the user: the pool comes up like any other.
    client.genericKubernetesResources(POOLS, "StickyPool").inNamespace(K8S.namespace()).withName("odd")
        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"affinity\":{\"type\":\"Cookie\"}}}");
    await().atMost(WAIT).until(() -> cluster.routes("odd") != null
        && cluster.routes("odd").path("backends").size() == 3);
    await().atMost(WAIT).until(() -> !ConditionReasons.INVALID_SPEC.equals(ready("odd").getReason()));
  }

  private Condition ready(String pool) {
    return cluster.condition(pool, "Ready").orElse(new Condition());
  }

  private List<String> warnings() {
    // The pools' Warnings only: the API server has its own about Services now and then (ClusterIPNotAllocated).
    return cluster.events().stream().filter(e -> "Warning".equals(e.getType()))
        .filter(e -> "StickyPool".equals(e.getInvolvedObject().getKind()))
        .map(e -> e.getInvolvedObject().getName() + " " + e.getReason()).toList();
  }

  /** Written as kubectl would: the operator's own classes cannot even hold these values. */
  private void createPool(String name, String spec) {
    GenericKubernetesResource pool = client.getKubernetesSerialization().unmarshal("{\"apiVersion\":\"" + POOLS
        + "\",\"kind\":\"StickyPool\",\"metadata\":{\"name\":\"" + name + "\"},\"spec\":" + spec + "}",
        GenericKubernetesResource.class);
    // The API server takes a moment to serve a changed schema: until then it still refuses the value.
    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(250)).ignoreExceptionsMatching(
        e -> e instanceof io.fabric8.kubernetes.client.KubernetesClientException k && k.getCode() == 422)
        .until(() -> client.genericKubernetesResources(POOLS, "StickyPool").inNamespace(K8S.namespace())
            .resource(pool).create() != null);
  }

  private static CustomResourceDefinition ourCrd() throws IOException {
    try (InputStream in = Files.newInputStream(ControlPlaneNamespace.CRD)) {
      return K8S.client().getKubernetesSerialization().unmarshal(in, CustomResourceDefinition.class);
    }
  }

  private static void apply(CustomResourceDefinition crd) {
    LocalControlPlane.installCrd(K8S.client(), crd);
  }
}
