package io.stickypool.bench.operator;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Plays the Deployment controller for the proxy Deployments on the API-server level, where none
 * runs: reports every replica ready (status subresource, observedGeneration = generation), as a
 * finished rollout would, so that ProxyAvailable turns True. No Pods are created, so the operator
 * has no proxy to ask for session reports and dials nothing. Writes run on one thread, in order.
 */
final class StandInDeploymentController implements AutoCloseable {
  private static final int DEFAULT_REPLICAS = 2;

  private final KubernetesClient client;
  private final String namespace;
  private final ExecutorService writer = Executors.newSingleThreadExecutor(r -> new Thread(r, "stand-in-deployments"));
  private final AtomicLong written = new AtomicLong();
  /** Names queued for a write: several events before one write give one write. */
  private final Set<String> queued = ConcurrentHashMap.newKeySet();
  private final SharedIndexInformer<Deployment> informer;

  StandInDeploymentController(KubernetesClient client, String namespace) {
    this.client = client;
    this.namespace = namespace;
    this.informer = client.apps().deployments().inNamespace(namespace).inform(new ResourceEventHandler<>() {
      @Override
      public void onAdd(Deployment d) {
        reportIfBehind(d);
      }

      @Override
      public void onUpdate(Deployment before, Deployment d) {
        reportIfBehind(d);
      }

      @Override
      public void onDelete(Deployment d, boolean unknownFinalState) {}
    });
  }

  long statusWrites() {
    return written.get();
  }

  private void reportIfBehind(Deployment d) {
    DeploymentStatus s = d.getStatus();
    int want = Objects.requireNonNullElse(d.getSpec().getReplicas(), DEFAULT_REPLICAS);
    boolean current = s != null && Objects.equals(s.getObservedGeneration(), d.getMetadata().getGeneration())
        && Objects.equals(s.getReadyReplicas(), want);
    String name = d.getMetadata().getName();
    if (!current && queued.add(name)) {
      writer.execute(() -> report(name));
    }
  }

  private void report(String name) {
    queued.remove(name);
    try {
      client.apps().deployments().inNamespace(namespace).withName(name).editStatus(d -> {
        int want = Objects.requireNonNullElse(d.getSpec().getReplicas(), DEFAULT_REPLICAS);
        d.setStatus(new DeploymentStatusBuilder().withObservedGeneration(d.getMetadata().getGeneration())
            .withReplicas(want).withReadyReplicas(want).withAvailableReplicas(want).withUpdatedReplicas(want)
            .addToConditions(new DeploymentConditionBuilder().withType("Available").withStatus("True")
                .withReason("MinimumReplicasAvailable").build())
            .addToConditions(new DeploymentConditionBuilder().withType("Progressing").withStatus("True")
                .withReason("NewReplicaSetAvailable").build())
            .build());
        return d;
      });
      written.incrementAndGet();
    } catch (KubernetesClientException e) {
      // A conflict or a vanished Deployment: the informer's next event brings it back here.
      System.out.printf("  stand-in Deployment controller: %s: %s%n", name, e.getMessage());
    }
  }

  @Override
  public void close() throws InterruptedException {
    informer.close();
    writer.shutdownNow();
    writer.awaitTermination(10, TimeUnit.SECONDS);
  }
}
