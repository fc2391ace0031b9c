package io.stickypool.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;

/** Starts the controller; SSA is off everywhere so production runs the same paths the CRUD-mock tests cover. */
public final class StickyPoolOperator {
  private Operator operator;

  public synchronized void start(KubernetesClient client, String defaultImage) {
    operator = new Operator(o -> o.withKubernetesClient(client)
        .withCloseClientOnStop(false)
        .withUseSSAToPatchPrimaryResource(false)
        .withSSABasedCreateUpdateMatchForDependentResources(false));
    operator.register(new StickyPoolReconciler(client, defaultImage));
    operator.start();
  }

  public synchronized void stop() {
    if (operator != null) {
      operator.stop();
      operator = null;
    }
  }
}
