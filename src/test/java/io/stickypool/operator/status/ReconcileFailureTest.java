package io.stickypool.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.OperatorException;
import org.junit.jupiter.api.Test;

/** What a Ready=False ReconcileError says: the cause in words, never a Java class name. */
class ReconcileFailureTest {
  @Test
  void saysWhatTheApiServerAnswered() {
    var conflict = new KubernetesClientException(new StatusBuilder().withCode(409)
        .withMessage("Operation cannot be fulfilled on deployments.apps \"web-proxy\": the object has been modified")
        .build());

    assertThat(ReconcileFailure.describe(new OperatorException(conflict))).isEqualTo("the API server answered 409:"
        + " Operation cannot be fulfilled on deployments.apps \"web-proxy\": the object has been modified");
  }

  @Test
  void keepsTheFirstLineOfAnyOtherMessage() {
    assertThat(ReconcileFailure.describe(new IllegalStateException("no proxy image\n\tat somewhere")))
        .isEqualTo("no proxy image");
    assertThat(ReconcileFailure.describe(new NullPointerException())).isEqualTo("an unexpected NullPointerException");
  }
}
