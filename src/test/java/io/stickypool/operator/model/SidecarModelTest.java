package io.stickypool.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeProjection;
import io.stickypool.api.v1alpha1.ServiceType;
import java.util.List;
import org.junit.jupiter.api.Test;

class SidecarModelTest {
  private static final PoolIdentity POOL = new PoolIdentity("web", "shop", "uid-1", 3L);
  private static final String IMAGE = "ghcr.io/stickypool/stickypool:0.1.0";

  private final SidecarModel.Sidecar sidecar = SidecarModel.sidecar(
      POOL, new EffectiveProxy(1, 8081, ServiceType.ClusterIP, IMAGE, null), true);
  private final Container container = sidecar.container();

  @Test
  void runsTheProxyWatchingThePoolsRoutes() {
    assertThat(container.getName()).isEqualTo("stickypool-proxy");
    assertThat(container.getImage()).isEqualTo(IMAGE);
    assertThat(container.getArgs()).containsExactly("proxy", "--config-map", "web-routes");
    assertThat(container.getEnv()).first().satisfies(env -> {
      assertThat(env.getName()).isEqualTo("POD_NAMESPACE");
      assertThat(env.getValueFrom().getFieldRef().getFieldPath()).isEqualTo("metadata.namespace");
    });
  }

  @Test
  void runsTheSidecarSizedJvmOfTheBenchScripts() throws Exception {
    String measured = java.nio.file.Files.readAllLines(java.nio.file.Path.of("scripts/proxy-jvm.env")).stream()
        .filter(l -> l.startsWith("STICKYPOOL_SIDECAR_JAVA_OPTS=")).findFirst().orElseThrow();
    assertThat(container.getEnv()).extracting(e -> e.getName()).containsExactly("POD_NAMESPACE", "JAVA_TOOL_OPTIONS");
    assertThat(container.getEnv().get(1).getValue()).isEqualTo(SidecarModel.JAVA_TOOL_OPTIONS);
    assertThat(measured.split("=", 2)[1].split(" "))
        .as("the flags the footprint was measured with; the image's entrypoint sets the rest")
        .containsAll(List.of(SidecarModel.JAVA_TOOL_OPTIONS.split(" ")));
  }

  @Test
  void declaresPrefixedPortsAndReportsThemByNumber() {
    assertThat(container.getPorts()).extracting(p -> p.getName() + ":" + p.getContainerPort())
        .containsExactly("stickypool:8081", "stickypool-adm:9901");
    assertThat(sidecar.ports()).containsExactly(8081, 9901);
  }

  @Test
  void probesTheAdminPortByNumber() {
    assertProbe(container.getStartupProbe(), "/readyz", 1, 60);
    assertProbe(container.getReadinessProbe(), "/readyz", 5, 3);
    assertProbe(container.getLivenessProbe(), "/healthz", 10, 3);
  }

  @Test
  void mountsItsOwnApiAccessReadOnlyAtTheServiceAccountPath() {
    assertThat(container.getVolumeMounts())
        .extracting(m -> m.getName() + ":" + m.getMountPath() + ":" + m.getReadOnly())
        .containsExactly(
            "stickypool-keys:/etc/stickypool/keys:true",
            "stickypool-tmp:/tmp:null",
            "stickypool-api:/var/run/secrets/kubernetes.io/serviceaccount:true");

    Volume api = volume(SidecarModel.API_VOLUME);
    List<VolumeProjection> sources = api.getProjected().getSources();
    assertThat(sources).hasSize(3);
    assertThat(sources.get(0).getServiceAccountToken().getPath()).isEqualTo("token");
    assertThat(sources.get(0).getServiceAccountToken().getExpirationSeconds()).isEqualTo(3607L);
    assertThat(sources.get(0).getServiceAccountToken().getAudience()).isNull();
    assertThat(sources.get(1).getConfigMap().getName()).isEqualTo("kube-root-ca.crt");
    assertThat(sources.get(1).getConfigMap().getItems())
        .extracting(i -> i.getKey() + "->" + i.getPath()).containsExactly("ca.crt->ca.crt");
    assertThat(sources.get(2).getDownwardAPI().getItems()).singleElement().satisfies(item -> {
      assertThat(item.getPath()).isEqualTo("namespace");
      assertThat(item.getFieldRef().getFieldPath()).isEqualTo("metadata.namespace");
    });
  }

  @Test
  void readsKeysFromThePoolsSecretAndWritesOnlyToAnEmptyDir() {
    assertThat(sidecar.volumeNames())
        .containsExactly("stickypool-keys", "stickypool-tmp", "stickypool-api");
    assertThat(volume(SidecarModel.KEYS_VOLUME).getSecret().getSecretName()).isEqualTo("web-keys");
    assertThat(volume(SidecarModel.TMP_VOLUME).getEmptyDir()).isNotNull();
  }

  @Test
  void isLockedDown() {
    SecurityContext security = container.getSecurityContext();

    assertThat(security.getRunAsNonRoot()).isTrue();
    assertThat(security.getReadOnlyRootFilesystem()).isTrue();
    assertThat(security.getAllowPrivilegeEscalation()).isFalse();
    assertThat(security.getCapabilities().getDrop()).containsExactly("ALL");
  }

  @Test
  void restartsAlwaysOnlyAsANativeSidecar() {
    SidecarModel.Sidecar regular = SidecarModel.sidecar(
        POOL, new EffectiveProxy(1, 8081, ServiceType.ClusterIP, IMAGE, null), false);

    assertThat(container.getRestartPolicy()).isEqualTo("Always");
    assertThat(sidecar.nativeSidecar()).isTrue();
    assertThat(regular.container().getRestartPolicy()).isNull();
    assertThat(regular.nativeSidecar()).isFalse();
  }

  private Volume volume(String name) {
    return sidecar.volumes().stream().filter(v -> name.equals(v.getName())).findFirst().orElseThrow();
  }

  private static void assertProbe(Probe probe, String path, int period, int failures) {
    assertThat(probe.getHttpGet().getPath()).isEqualTo(path);
    assertThat(probe.getHttpGet().getPort().getIntVal()).isEqualTo(9901);
    assertThat(probe.getPeriodSeconds()).isEqualTo(period);
    assertThat(probe.getFailureThreshold()).isEqualTo(failures);
  }
}
