package io.stickypool.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.stickypool.api.v1alpha1.StickyPool;
import io.stickypool.core.snapshot.AffinityType;
import io.stickypool.core.snapshot.CookieSettings;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The pool spec reaches the snapshot and the drain policy, with the schema's defaults. */
class PoolSettingsTest {
  private static StickyPool sample(String file) throws Exception {
    try (InputStream in = Files.newInputStream(Path.of("samples", file))) {
      return new KubernetesSerialization().unmarshal(in, StickyPool.class);
    }
  }

  @Test
  void mapsAHeaderPoolWithItsPlacementAndDrainSettings() throws Exception {
    PoolSettings s = PoolSettings.of(sample("pool-header.yaml").getSpec());
    assertThat(s.affinity().type()).isEqualTo(AffinityType.HEADER);
    assertThat(s.affinity().keyName()).isEqualTo("X-Session-Id");
    assertThat(s.placement().boundedLoadFactor()).isEqualTo(1.5);
    assertThat(s.drain().drainTimeout()).isEqualTo(Duration.ofSeconds(120));
    assertThat(s.drain().idleSessionThreshold()).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void fallsBackToTheDefaultsForAnUndefaultedCookiePool() throws Exception {
    PoolSettings s = PoolSettings.of(sample("pool-cookie.yaml").getSpec());
    assertThat(s.affinity().type()).isEqualTo(AffinityType.COOKIE);
    assertThat(s.affinity().cookie().httpOnly()).isTrue();
    assertThat(s.drain().drainTimeout()).isEqualTo(Duration.ofSeconds(300));
    assertThat(s.affinity().cookie().idleTimeout()).isEqualTo(CookieSettings.DEFAULT_IDLE_TIMEOUT);
  }
}
