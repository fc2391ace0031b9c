package io.stickypool.cli;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.stickypool.operator.StickyPoolOperator;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Runs the Kubernetes operator. */
@Command(
    name = "operator",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Run the StickyPool operator against the current kubeconfig or in-cluster config.")
public final class OperatorCommand implements Callable<Integer> {
  @Option(
      names = "--image",
      defaultValue = "ghcr.io/stickypool/stickypool:0.1.0",
      description = "Proxy image for pools that do not set spec.proxy.image (default: ${DEFAULT-VALUE}).")
  String image;

  @Override
  public Integer call() throws InterruptedException {
    KubernetesClient client = new KubernetesClientBuilder().build();
    StickyPoolOperator operator = new StickyPoolOperator();
    CountDownLatch stopped = new CountDownLatch(1);
    // SIGTERM runs shutdown hooks: stop informers first, then release the client we own.
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      operator.stop();
      client.close();
      stopped.countDown();
    }, "stickypool-operator-shutdown"));
    operator.start(client, image);
    stopped.await();
    return 0;
  }
}
