package io.stickypool.operator.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatusBuilder;
import io.stickypool.api.v1alpha1.ConditionReasons;
import org.junit.jupiter.api.Test;

class ProxyHealthTest {

  @Test
  void unknownWhileTheDeploymentHasNotSeenTheNewTemplate() {
    ProxyHealth health = ProxyHealth.ofTarget(deployment(4, 5L, 4L, 2, 4, 4));

    assertProgressing(health, "2 of 4 pods updated, 4 ready");
    assertThat(health.message()).contains("Deployment/web");
  }

  @Test
  void unknownWhileNotEveryReplicaIsUpdated() {
    ProxyHealth health = ProxyHealth.ofTarget(deployment(4, 5L, 5L, 2, 4, 3));

    assertProgressing(health, "2 of 4 pods updated, 3 ready");
    assertThat(health.replicas().getDesired()).isEqualTo(4);
    assertThat(health.replicas().getReady()).isEqualTo(3);
  }

  @Test
  void unknownWhilePodsOfTheOldTemplateAreLeft() {
    ProxyHealth health = ProxyHealth.ofTarget(deployment(4, 5L, 5L, 4, 5, 4));

    assertThat(ProxyHealth.Rollout.of(deployment(4, 5L, 5L, 4, 5, 4)).done()).isFalse();
    assertProgressing(health, "4 of 4 pods updated, 4 ready");
  }

  @Test
  void unknownBeforeTheDeploymentReportsAnyStatus() {
    Deployment fresh = new DeploymentBuilder(deployment(4, 5L, 5L, 4, 4, 4)).withStatus(null).build();

    assertThat(ProxyHealth.Rollout.of(fresh)).isEqualTo(new ProxyHealth.Rollout(4, 0, 0, false));
    assertProgressing(ProxyHealth.ofTarget(fresh), "0 of 4 pods updated, 0 ready");
  }

  @Test
  void availableOnceRolledOutWithAReadyPod() {
    ProxyHealth health = ProxyHealth.ofTarget(deployment(4, 5L, 5L, 4, 4, 3));

    assertThat(health.status()).isEqualTo("True");
    assertThat(health.reason()).isEqualTo(ConditionReasons.PROXY_AVAILABLE);
    assertThat(health.message()).isEqualTo("3/4 pods of Deployment/web ready with the sidecar");
    assertThat(health.readyBlocker()).isEmpty();
  }

  @Test
  void unavailableOnceRolledOutWithNoReadyPod() {
    ProxyHealth health = ProxyHealth.ofTarget(deployment(4, 5L, 5L, 4, 4, 0));

    assertThat(health.status()).isEqualTo("False");
    assertThat(health.reason()).isEqualTo(ConditionReasons.PROXY_UNAVAILABLE);
    assertThat(health.readyBlocker()).isEmpty();
  }

  @Test
  void statefulSetIsNotDoneUntilEveryPodRunsTheUpdateRevision() {
    StatefulSet rolling = statefulSet("db-7c9", "db-5f1");
    StatefulSet rolled = statefulSet("db-7c9", "db-7c9");

    assertThat(ProxyHealth.Rollout.of(rolling).done()).isFalse();
    assertThat(ProxyHealth.ofTarget(rolling).status()).isEqualTo("Unknown");
    assertThat(ProxyHealth.ofTarget(rolling).message()).contains("StatefulSet/db", "3 of 3 pods updated");
    assertThat(ProxyHealth.Rollout.of(rolled).done()).isTrue();
    assertThat(ProxyHealth.ofTarget(rolled).status()).isEqualTo("True");
  }

  @Test
  void blockedCarriesAReadyBlocker() {
    ProxyHealth health = ProxyHealth.blocked("TargetNotFound", "Deployment/web does not exist");

    assertThat(health.status()).isEqualTo("False");
    assertThat(health.reason()).isEqualTo("TargetNotFound");
    assertThat(health.replicas()).isNull();
    assertThat(health.readyBlocker())
        .contains(new ProxyHealth.Blocker("TargetNotFound", "Deployment/web does not exist"));
  }

  @Test
  void proxyDeploymentIsUnknownUntilItReportsReadyReplicas() {
    Deployment noStatus = new DeploymentBuilder(deployment(2, 1L, 1L, 2, 2, 2)).withStatus(null).build();

    assertThat(ProxyHealth.of(null).status()).isEqualTo("Unknown");
    assertThat(ProxyHealth.of(noStatus).status()).isEqualTo("Unknown");
    assertThat(ProxyHealth.of(noStatus).reason()).isEqualTo(ConditionReasons.PROXY_PROGRESSING);
    ProxyHealth ready = ProxyHealth.of(deployment(2, 1L, 1L, 2, 2, 1));
    assertThat(ready.status()).isEqualTo("True");
    assertThat(ready.message()).isEqualTo("1/2 proxy replicas ready");
    assertThat(ProxyHealth.of(deployment(2, 1L, 1L, 2, 2, 0)).reason())
        .isEqualTo(ConditionReasons.PROXY_UNAVAILABLE);
  }

  @Test
  void proxyDeploymentWithNoReadyReplicasIsProgressingWhileItRollsOutAndUnavailableAfter() {
    // A real Deployment's status omits readyReplicas when it is 0.
    Deployment scheduling = withProgressing(deployment(2, 1L, 1L, 2, 2, 0), "ReplicaSetUpdated");
    scheduling.getStatus().setReadyReplicas(null);
    Deployment down = withProgressing(deployment(2, 1L, 1L, 2, 2, 0), "NewReplicaSetAvailable");
    down.getStatus().setReadyReplicas(null);
    Deployment deadline = withProgressing(deployment(2, 1L, 1L, 2, 2, 0), "ProgressDeadlineExceeded");
    deadline.getStatus().getConditions().get(0).setStatus("False");
    Deployment unseen = deployment(2, 2L, 1L, 2, 2, 0);

    assertProgressing(ProxyHealth.of(scheduling), "0/2 proxy replicas ready");
    assertThat(ProxyHealth.of(down).status()).isEqualTo("False");
    assertThat(ProxyHealth.of(down).message()).isEqualTo("0/2 proxy replicas ready");
    assertThat(ProxyHealth.of(deadline).reason()).isEqualTo(ConditionReasons.PROXY_UNAVAILABLE);
    assertThat(ProxyHealth.of(unseen).status()).as("controller has not seen generation 2").isEqualTo("Unknown");
  }

  private static Deployment withProgressing(Deployment d, String reason) {
    d.getStatus().setConditions(new java.util.ArrayList<>(java.util.List.of(
        new io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder()
            .withType("Progressing").withStatus("True").withReason(reason).build())));
    return d;
  }

  @Test
  void refusesOtherKinds() {
    var pod = new PodBuilder().withNewMetadata().withName("p").endMetadata().build();

    assertThatThrownBy(() -> ProxyHealth.Rollout.of(pod)).isInstanceOf(IllegalArgumentException.class);
  }

  private static void assertProgressing(ProxyHealth health, String counts) {
    assertThat(health.status()).isEqualTo("Unknown");
    assertThat(health.reason()).isEqualTo(ConditionReasons.PROXY_PROGRESSING);
    assertThat(health.message()).contains(counts);
    assertThat(health.readyBlocker()).isEmpty();
  }

  private static Deployment deployment(int replicas, long generation, long observed, int updated,
      int total, int ready) {
    return new DeploymentBuilder()
        .withNewMetadata().withName("web").withNamespace("shop").withGeneration(generation).endMetadata()
        .withNewSpec().withReplicas(replicas).endSpec()
        .withStatus(new DeploymentStatusBuilder().withObservedGeneration(observed)
            .withUpdatedReplicas(updated).withReplicas(total).withReadyReplicas(ready).build())
        .build();
  }

  private static StatefulSet statefulSet(String updateRevision, String currentRevision) {
    return new StatefulSetBuilder()
        .withNewMetadata().withName("db").withNamespace("shop").withGeneration(2L).endMetadata()
        .withNewSpec().withReplicas(3).endSpec()
        .withStatus(new StatefulSetStatusBuilder().withObservedGeneration(2L).withReplicas(3)
            .withUpdatedReplicas(3).withReadyReplicas(3)
            .withUpdateRevision(updateRevision).withCurrentRevision(currentRevision).build())
        .build();
  }
}
