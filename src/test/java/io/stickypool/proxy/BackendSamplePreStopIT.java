package io.stickypool.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LifecycleHandler;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.stickypool.core.cookie.KeyRing;
import io.stickypool.testing.ProxyHarness;
import java.io.FileInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The preStop hook of samples/backend-app.yaml, run as the kubelet would run it (sh, curl) against
 * a real proxy's admin port: it holds the pod while the pool drains it and lets go once it is
 * drained. Only the admin Service's DNS name is swapped for the loopback address.
 */
class BackendSamplePreStopIT {
  private static final String ADMIN_SERVICE = "http://web-proxy-admin:9901/";

  @Test
  void theHookWaitsWhileThePodDrainsAndReturnsOnceItIsDrained() throws Exception {
    Container web = backendContainer();
    LifecycleHandler preStop = web.getLifecycle().getPreStop();
    assertThat(preStop.getSleep()).as("the sleep action needs Kubernetes 1.30").isNull();
    List<String> command = preStop.getExec().getCommand();
    assertThat(command.get(2)).contains(ADMIN_SERVICE + "drained?backend=$POD_NAME");
    assertThat(web.getEnv()).anySatisfy(env -> {
      assertThat(env.getName()).isEqualTo("POD_NAME");
      assertThat(env.getValueFrom().getFieldRef().getFieldPath()).isEqualTo("metadata.name");
    });

    try (ProxyHarness h = ProxyHarness.cookieMode(3, KeyRing.generate(new SecureRandom()))) {
      h.session().get("/");
      h.push(Map.of("b1", ProxyHarness.draining(Instant.now().plusSeconds(300))));
      await().until(() -> h.proxy.routingState().current().table().snapshot().version() == 2);

      List<String> hook = new ArrayList<>(command);
      hook.set(2, command.get(2).replace(ADMIN_SERVICE, "http://127.0.0.1:" + h.adminPort() + "/"));
      ProcessBuilder builder = new ProcessBuilder(hook).redirectErrorStream(true);
      builder.environment().put("POD_NAME", "b1");
      Process process = builder.start();
      try {
        StringBuilder output = drain(process.getInputStream());
        await().atMost(Duration.ofSeconds(20)).until(() -> count(output, "503") >= 2);
        assertThat(process.isAlive()).as("holds the pod while b1 is Draining").isTrue();

        h.push(Map.of("b1", ProxyHarness.removed()));
        assertThat(process.waitFor(15, TimeUnit.SECONDS)).as("returns once b1 is drained").isTrue();
        assertThat(process.exitValue()).isZero();
        await().atMost(Duration.ofSeconds(5)).until(() -> output.toString().contains("drained: b1"));
      } finally {
        process.destroyForcibly();
      }
    }
  }

  private static Container backendContainer() throws Exception {
    try (InputStream in = new FileInputStream("samples/backend-app.yaml")) {
      List<HasMetadata> objects = new KubernetesSerialization().unmarshal(in);
      Deployment deployment = objects.stream().filter(Deployment.class::isInstance)
          .map(Deployment.class::cast).findFirst().orElseThrow();
      return deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
    }
  }

  /** Collects the hook's output on a thread of its own, so the pipe never fills. */
  private static StringBuilder drain(InputStream in) {
    StringBuilder out = new StringBuilder();
    Thread reader = new Thread(() -> {
      try {
        byte[] buf = new byte[512];
        for (int n; (n = in.read(buf)) > 0; ) {
          synchronized (out) {
            out.append(new String(buf, 0, n, StandardCharsets.UTF_8));
          }
        }
      } catch (java.io.IOException ignored) {
        // the process ended
      }
    }, "prestop-output");
    reader.setDaemon(true);
    reader.start();
    return out;
  }

  private static int count(StringBuilder text, String needle) {
    synchronized (text) {
      int n = 0;
      for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
        n++;
      }
      return n;
    }
  }
}
