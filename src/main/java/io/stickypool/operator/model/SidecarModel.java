package io.stickypool.operator.model;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import java.util.List;

/**
 * The proxy as a sidecar: the container and volumes {@link SidecarInjection} adds to a target's pod
 * template. It runs the same image and arguments as a proxy Deployment pod, with three differences
 * that come from sharing a pod with somebody else's application:
 *
 * <ul>
 *   <li>Names carry a {@code stickypool} prefix so they cannot clash with the application's
 *       containers, volumes or port names; the ports are referred to by number for the same reason.
 *   <li>API access comes from its own projected token volume mounted only into the sidecar, so it
 *       works whatever the pod's {@code automountServiceAccountToken} says, and the application's
 *       containers gain no token they did not have. (The kubelet does not add its own token mount
 *       to a container that already mounts that path.)
 *   <li>A startup probe on {@code /readyz}: as a native sidecar, the kubelet starts the application
 *       only once the proxy has loaded its routes, so the first request already has somewhere to go.
 * </ul>
 */
public final class SidecarModel {
  public static final String CONTAINER = "stickypool-proxy";
  public static final String KEYS_VOLUME = "stickypool-keys";
  public static final String TMP_VOLUME = "stickypool-tmp";
  public static final String API_VOLUME = "stickypool-api";
  static final String TOKEN_DIR = "/var/run/secrets/kubernetes.io/serviceaccount";
  /** What the kubelet's own token volume uses: an hour, plus the jitter it adds. */
  static final long TOKEN_SECONDS = 3607L;

  /**
   * The proxy container and its volumes, ready to inject.
   *
   * @param nativeSidecar an init container with {@code restartPolicy: Always} (Kubernetes 1.29+),
   *     which starts before the application's containers and stops after them; else a regular
   *     container, whose start and stop order relative to the application is undefined
   */
  public record Sidecar(Container container, List<Volume> volumes, boolean nativeSidecar) {
    public Sidecar {
      volumes = List.copyOf(volumes);
    }

    public List<String> volumeNames() {
      return volumes.stream().map(Volume::getName).toList();
    }

    /** The container ports the sidecar takes in the pod's shared network namespace. */
    public List<Integer> ports() {
      return container.getPorts().stream().map(p -> p.getContainerPort()).toList();
    }
  }

  /**
   * The sidecar-sized JVM (docs/proxy-tuning.md, scripts/proxy-jvm.env): every application pod
   * carries one. Added to the image's entrypoint flags, which set the GC and the AppCDS archive.
   */
  static final String JAVA_TOOL_OPTIONS = "-Xms8m -Xmx64m -Xmn2m -XX:MinHeapFreeRatio=10"
      + " -XX:MaxHeapFreeRatio=20 -XX:TrimNativeHeapInterval=1000 -XX:FreqInlineSize=100 -XX:InlineSmallCode=500"
      + " -Xss256k -XX:ReservedCodeCacheSize=32m"
      + " -XX:MaxMetaspaceSize=64m -XX:MaxDirectMemorySize=32m";

  private SidecarModel() {}

  public static Sidecar sidecar(PoolIdentity pool, EffectiveProxy proxy, boolean nativeSidecar) {
    ContainerBuilder container = new ContainerBuilder()
        .withName(CONTAINER)
        .withImage(proxy.image())
        .withArgs(ProxyDeploymentModel.args(pool, proxy))
        .addNewEnv()
            .withName(ProxyDeploymentModel.NAMESPACE_ENV)
            .withNewValueFrom()
                .withNewFieldRef().withApiVersion("v1").withFieldPath("metadata.namespace").endFieldRef()
            .endValueFrom()
        .endEnv()
        .addNewEnv().withName("JAVA_TOOL_OPTIONS").withValue(JAVA_TOOL_OPTIONS).endEnv()
        .addNewPort()
            .withName("stickypool")
            .withContainerPort(proxy.port())
            .withProtocol("TCP")
        .endPort()
        .addNewPort()
            .withName("stickypool-adm")
            .withContainerPort(ProxyLayout.ADMIN_PORT)
            .withProtocol("TCP")
        .endPort()
        // Up to a minute to load routes before the kubelet gives up and restarts the sidecar.
        .withStartupProbe(probe("/readyz", 1, 60))
        .withReadinessProbe(probe("/readyz", 5, 3))
        .withLivenessProbe(probe("/healthz", 10, 3))
        .withResources(proxy.resources())
        .withSecurityContext(ProxyDeploymentModel.securityContext())
        .withVolumeMounts(
            mount(KEYS_VOLUME, ProxyLayout.KEYS_DIR, true),
            mount(TMP_VOLUME, ProxyLayout.TMP_DIR, false),
            mount(API_VOLUME, TOKEN_DIR, true));
    if (nativeSidecar) {
      container.withRestartPolicy("Always");
    }
    return new Sidecar(container.build(), volumes(pool), nativeSidecar);
  }

  private static Probe probe(String path, int periodSeconds, int failureThreshold) {
    return new ProbeBuilder()
        .withNewHttpGet().withPath(path).withPort(new IntOrString(ProxyLayout.ADMIN_PORT)).endHttpGet()
        .withPeriodSeconds(periodSeconds)
        .withFailureThreshold(failureThreshold)
        .build();
  }

  private static VolumeMount mount(String volume, String path, boolean readOnly) {
    return new VolumeMountBuilder()
        .withName(volume).withMountPath(path).withReadOnly(readOnly ? true : null).build();
  }

  private static List<Volume> volumes(PoolIdentity pool) {
    return List.of(
        new VolumeBuilder().withName(KEYS_VOLUME)
            .withNewSecret().withSecretName(pool.keysName()).endSecret().build(),
        new VolumeBuilder().withName(TMP_VOLUME).withNewEmptyDir().endEmptyDir().build(),
        // The same three files the kubelet's own token volume holds.
        new VolumeBuilder().withName(API_VOLUME)
            .withNewProjected()
                .addNewSource()
                    .withNewServiceAccountToken().withPath("token")
                        .withExpirationSeconds(TOKEN_SECONDS).endServiceAccountToken()
                .endSource()
                .addNewSource()
                    .withNewConfigMap().withName("kube-root-ca.crt")
                        .addNewItem().withKey("ca.crt").withPath("ca.crt").endItem()
                    .endConfigMap()
                .endSource()
                .addNewSource()
                    .withNewDownwardAPI()
                        .addNewItem().withPath("namespace")
                            .withNewFieldRef().withApiVersion("v1").withFieldPath("metadata.namespace")
                            .endFieldRef()
                        .endItem()
                    .endDownwardAPI()
                .endSource()
            .endProjected()
            .build());
  }
}
