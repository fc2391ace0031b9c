package io.stickypool.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.stickypool.api.v1alpha1.ProxyTls;
import io.stickypool.api.v1alpha1.StickyPool;
import io.stickypool.core.backend.Backend;
import io.stickypool.core.backend.BackendId;
import io.stickypool.core.cookie.KeyRing;
import io.stickypool.core.cookie.SigningKey;
import io.stickypool.core.snapshot.AffinitySettings;
import io.stickypool.core.snapshot.CookieSettings;
import io.stickypool.core.snapshot.PlacementSettings;
import io.stickypool.core.snapshot.RoutingSnapshot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** spec.proxy.tls: the proxy is told the Secret and may read that one Secret, by name. */
class ProxyTlsModelTest {
  private static final String IMAGE = "ghcr.io/stickypool/stickypool:0.1.0";
  private static final KubernetesSerialization YAML = new KubernetesSerialization();

  private static StickyPool pool(String tlsSecret) throws Exception {
    StickyPool pool = YAML.unmarshal(Files.readString(Path.of("samples/pool-cookie.yaml")), StickyPool.class);
    pool.getMetadata().setNamespace("shop");
    pool.getMetadata().setUid("0b7e5c1e-0000-4000-8000-000000000001");
    if (tlsSecret != null) {
      if (pool.getSpec().getProxy() == null) {
        pool.getSpec().setProxy(new io.stickypool.api.v1alpha1.Proxy());
      }
      ProxyTls tls = new ProxyTls();
      tls.setSecretName(tlsSecret);
      pool.getSpec().getProxy().setTls(tls);
    }
    return pool;
  }

  private static PoolModel.Desired desired(String tlsSecret) throws Exception {
    RoutingSnapshot snapshot = new RoutingSnapshot(7, AffinitySettings.cookie(CookieSettings.defaults()),
        PlacementSettings.defaults(), List.of(Backend.active(BackendId.of("web-0"), "10.0.0.10", 8080)));
    return PoolModel.desired(pool(tlsSecret), snapshot, KeyRing.of(new SigningKey(1, new byte[SigningKey.MIN_SECRET_BYTES])),
        Map.of(), IMAGE);
  }

  @Test
  void passesTheTlsSecretToTheProxyAndGrantsReadingItByName() throws Exception {
    PoolModel.Desired d = desired("web-tls");

    assertThat(d.deployment().getSpec().getTemplate().getSpec().getContainers().get(0).getArgs())
        .containsExactly("proxy", "--config-map", "web-routes", "--tls-secret", "web-tls");
    assertThat(d.role().getRules()).filteredOn(r -> r.getResources().contains("secrets"))
        .extracting(PolicyRule::getResourceNames).contains(List.of("web-tls"));
    assertThat(d.role().getRules()).allSatisfy(r -> {
      assertThat(r.getVerbs()).containsExactlyInAnyOrder("get", "list", "watch");
      assertThat(r.getResourceNames()).hasSize(1);
    });
  }

  @Test
  void leavesAPlainHttpPoolAsItWas() throws Exception {
    PoolModel.Desired d = desired(null);

    assertThat(d.deployment().getSpec().getTemplate().getSpec().getContainers().get(0).getArgs())
        .containsExactly("proxy", "--config-map", "web-routes");
    assertThat(d.role().getRules()).hasSize(2);
  }

  @Test
  void passesTheTlsSecretToASidecar() throws Exception {
    StickyPool pool = pool("web-tls");

    var sidecar = SidecarModel.sidecar(PoolIdentity.of(pool), EffectiveProxy.of(pool, IMAGE), true);

    assertThat(sidecar.container().getArgs()).containsSequence("--tls-secret", "web-tls");
  }
}
