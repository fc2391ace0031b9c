package io.stickypool.demo;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.stickypool.api.v1alpha1.Affinity;
import io.stickypool.api.v1alpha1.AffinityType;
import io.stickypool.api.v1alpha1.CookieAffinity;
import io.stickypool.api.v1alpha1.Drain;
import io.stickypool.api.v1alpha1.StickyPool;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;

/**
 * The samples the cluster demo applies, read from the classpath (the pom copies {@code samples/}
 * into the jar) so the demo works from any directory, exactly as a user would apply them.
 */
final class DemoManifests {
  private DemoManifests() {}

  /** Deployment web + Service web from samples/backend-app.yaml. */
  static List<HasMetadata> backendApp(KubernetesClient client) {
    try (InputStream in = open("backend-app.yaml")) {
      return client.load(in).items();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * samples/pool-cookie.yaml with the drain tuned for a demo: a short drainTimeout so the story
   * fits in a minute, session-aware scale-down (pod-deletion cost) so the simulated node removes
   * the pods with the fewest sessions, as the ReplicaSet controller would, and a short cookie idle
   * timeout so the sessions of users who leave end within the drain.
   */
  static StickyPool demoPool(KubernetesClient client, Duration drainTimeout, Duration idleThreshold,
      Duration sessionIdle) {
    try (InputStream in = open("pool-cookie.yaml")) {
      StickyPool pool = client.getKubernetesSerialization().unmarshal(in, StickyPool.class);
      Drain drain = new Drain();
      drain.setDrainTimeout(drainTimeout.toSeconds() + "s");
      drain.setIdleSessionThreshold(idleThreshold.toSeconds() + "s");
      drain.setPodDeletionCost(true);
      pool.getSpec().setDrain(drain);
      Affinity affinity = pool.getSpec().getAffinity() == null ? new Affinity() : pool.getSpec().getAffinity();
      affinity.setType(AffinityType.Cookie);
      CookieAffinity cookie = affinity.getCookie() == null ? new CookieAffinity() : affinity.getCookie();
      cookie.setIdleTimeout(sessionIdle.toSeconds() + "s");
      affinity.setCookie(cookie);
      pool.getSpec().setAffinity(affinity);
      return pool;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static InputStream open(String name) {
    InputStream in = DemoManifests.class.getResourceAsStream("/samples/" + name);
    if (in == null) {
      throw new IllegalStateException("samples/" + name + " is not on the classpath (built without the pom?)");
    }
    return in;
  }
}
