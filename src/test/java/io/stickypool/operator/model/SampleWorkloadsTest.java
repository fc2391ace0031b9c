package io.stickypool.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.stickypool.api.v1alpha1.StickyPool;
import io.stickypool.contract.GoDurations;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The workload samples the pool samples run against: they parse as Kubernetes objects, and the
 * backend keeps a terminating pod long enough for every pool on it to drain its sessions.
 */
class SampleWorkloadsTest {
  private static final Path SAMPLES = Path.of("samples");
  private static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(300);
  private static final KubernetesSerialization K8S = new KubernetesSerialization();

  @Test
  void backendGraceCoversTheLongestDrainOfThePoolsOnIt() {
    List<HasMetadata> backend = load("backend-app.yaml");
    Deployment web = only(backend, Deployment.class);
    Service service = only(backend, Service.class);
    assertThat(web.getSpec().getTemplate().getMetadata().getLabels())
        .containsAllEntriesOf(service.getSpec().getSelector());

    List<Duration> drains = pools().filter(p -> "web".equals(p.getSpec().getBackend().getService()))
        .map(SampleWorkloadsTest::drainTimeout).toList();
    assertThat(drains).as("pools on Service web").hasSizeGreaterThanOrEqualTo(4)
        .contains(DEFAULT_DRAIN_TIMEOUT);
    Duration grace = Duration.ofSeconds(web.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds());
    assertThat(grace).isGreaterThan(drains.stream().max(Duration::compareTo).orElseThrow());
    assertThat(web.getSpec().getTemplate().getSpec().getContainers().get(0).getLifecycle().getPreStop())
        .as("a preStop hook holds the pod while it drains").isNotNull();
  }

  @Test
  void frontendIsTheSidecarPoolsTargetAndLeavesTheSidecarsPortsFree() {
    List<HasMetadata> frontend = load("frontend-app.yaml");
    Deployment deployment = only(frontend, Deployment.class);
    ServiceAccount account = only(frontend, ServiceAccount.class);
    StickyPool sidecarPool = pool("pool-sidecar.yaml");

    assertThat(deployment.getMetadata().getName())
        .isEqualTo(sidecarPool.getSpec().getProxy().getTargetRef().getName());
    assertThat(deployment.getSpec().getTemplate().getSpec().getServiceAccountName())
        .isEqualTo(account.getMetadata().getName());
    int proxyPort = sidecarPool.getSpec().getProxy().getPort();
    var containers = deployment.getSpec().getTemplate().getSpec().getContainers();
    assertThat(containers).flatExtracting(c -> c.getPorts() == null ? List.of() : c.getPorts())
        .extracting("containerPort").doesNotContain(proxyPort, 9901);
    assertThat(String.join("\n", containers.get(0).getArgs()))
        .as("the app calls the sidecar").contains("http://127.0.0.1:" + proxyPort);
    assertThat(deployment.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds())
        .as("covers the sidecar's shutdown, as the proxy Deployment's grace does")
        .isGreaterThanOrEqualTo(ProxyDeploymentModel.TERMINATION_GRACE_SECONDS);
  }

  private static Duration drainTimeout(StickyPool pool) {
    if (pool.getSpec().getDrain() == null || pool.getSpec().getDrain().getDrainTimeout() == null) {
      return DEFAULT_DRAIN_TIMEOUT;
    }
    return GoDurations.parse(pool.getSpec().getDrain().getDrainTimeout());
  }

  private static Stream<StickyPool> pools() {
    try (Stream<Path> files = Files.list(SAMPLES)) {
      return files.map(p -> p.getFileName().toString())
          .filter(n -> n.startsWith("pool-") && n.endsWith(".yaml")).sorted()
          .map(SampleWorkloadsTest::pool).toList().stream();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static StickyPool pool(String file) {
    try (var in = new FileInputStream(SAMPLES.resolve(file).toFile())) {
      return K8S.unmarshal(in, StickyPool.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static <T extends HasMetadata> T only(List<HasMetadata> objects, Class<T> type) {
    List<T> matches = objects.stream().filter(type::isInstance).map(type::cast).toList();
    assertThat(matches).as(type.getSimpleName()).hasSize(1);
    return matches.get(0);
  }

  @SuppressWarnings("unchecked")
  private static List<HasMetadata> load(String file) {
    try (var in = new FileInputStream(SAMPLES.resolve(file).toFile())) {
      Object parsed = K8S.unmarshal(in);
      return parsed instanceof List<?> list ? (List<HasMetadata>) list : List.of((HasMetadata) parsed);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
