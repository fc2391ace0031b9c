package io.stickypool.operator.model;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The proxy Deployment {@code <pool>-proxy}. Pods read the routes ConfigMap through the API server
 * ({@code proxy --config-map}, watched, so a change lands in milliseconds rather than after the
 * kubelet's 60-90 s volume sync, which matters for draining) with their own ServiceAccount, whose
 * Role grants exactly that ConfigMap (ProxyRbacModel). The keys Secret is still a mounted file the
 * proxy watches, so a rotation needs no restart.
 *
 * <p>Assumes the image's entrypoint is {@code java -jar /app/stickypool.jar}, so the args are the
 * CLI's subcommand and flags. {@code --drain-grace} is left at its 30 s default; the pod's 45 s
 * grace period leaves room for the JVM to exit after the drain report.
 *
 * <p>Only a change to this Deployment's own fields rolls the pods. The {@code proxy:} block, read at
 * start only, holds nothing but the port, which the container port already carries; snapshot
 * changes reach running pods through the watch and key changes as file updates. Other pool spec changes (affinity, drain) must
 * not restart every proxy, so the template deliberately carries no pool generation.
 */
public final class ProxyDeploymentModel {
  /** The downward-API variable that gives {@code --config-map NAME} its namespace. */
  static final String NAMESPACE_ENV = "POD_NAMESPACE";
  static final long RUN_AS_USER = 10001L;
  static final long TERMINATION_GRACE_SECONDS = 45L;
  private static final String CONTAINER = "proxy";
  private static final String KEYS_VOLUME = "keys";
  private static final String TMP_VOLUME = "tmp";

  private ProxyDeploymentModel() {}

  public static Deployment desired(PoolIdentity pool, EffectiveProxy proxy) {
    return new DeploymentBuilder()
        .withMetadata(pool.metadata(pool.proxyName()))
        .withNewSpec()
            .withReplicas(proxy.replicas())
            .withNewSelector().withMatchLabels(pool.selectorLabels()).endSelector()
            .withNewTemplate()
                .withNewMetadata()
                    .withLabels(pool.labels())
                .endMetadata()
                .withSpec(podSpec(pool, proxy))
            .endTemplate()
        .endSpec()
        .build();
  }

  private static PodSpec podSpec(PoolIdentity pool, EffectiveProxy proxy) {
    return new PodSpecBuilder()
        .withServiceAccountName(pool.proxyName())
        // The proxy watches its routes ConfigMap with this account's token.
        .withAutomountServiceAccountToken(true)
        .withTerminationGracePeriodSeconds(TERMINATION_GRACE_SECONDS)
        .withContainers(container(pool, proxy))
        .withVolumes(volumes(pool))
        .build();
  }

  private static final String CONFIG_MAP_FLAG = "--config-map";
  private static final String TLS_SECRET_FLAG = "--tls-secret";

  /** The arguments, with {@code --tls-secret} when the pool serves TLS. */
  static List<String> args(PoolIdentity pool, EffectiveProxy proxy) {
    return proxy.tlsSecret() == null ? args(pool)
        : List.of("proxy", CONFIG_MAP_FLAG, pool.routesName(), TLS_SECRET_FLAG, proxy.tlsSecret());
  }

  static List<String> args(PoolIdentity pool) {
    return args(pool.routesName());
  }

  /** The proxy container's arguments: run the proxy from this routes ConfigMap. */
  public static List<String> args(String routesName) {
    return List.of("proxy", CONFIG_MAP_FLAG, routesName);
  }

  /** The routes ConfigMap named in a proxy container's arguments, read back by {@link #args(String)}'s rule. */
  public static Optional<String> routesNameIn(List<String> args) {
    int flag = args == null ? -1 : args.indexOf(CONFIG_MAP_FLAG);
    return flag < 0 || flag + 1 >= args.size() ? Optional.empty() : Optional.of(args.get(flag + 1));
  }

  private static Container container(PoolIdentity pool, EffectiveProxy proxy) {
    return new ContainerBuilder()
        .withName(CONTAINER)
        .withImage(proxy.image())
        .withArgs(args(pool, proxy))
        .addNewEnv()
            .withName(NAMESPACE_ENV)
            // apiVersion as the API server defaults it, so applies show no false drift.
            .withNewValueFrom()
                .withNewFieldRef().withApiVersion("v1").withFieldPath("metadata.namespace").endFieldRef()
            .endValueFrom()
        .endEnv()
        .addNewPort()
            .withName(ProxyLayout.HTTP_PORT_NAME)
            .withContainerPort(proxy.port())
            .withProtocol("TCP")
        .endPort()
        .addNewPort()
            .withName(ProxyLayout.ADMIN_PORT_NAME)
            .withContainerPort(ProxyLayout.ADMIN_PORT)
            .withProtocol("TCP")
        .endPort()
        // Ready only once routes are loaded; live as long as the admin loop answers.
        .withReadinessProbe(httpProbe("/readyz", 5, 3))
        .withLivenessProbe(httpProbe("/healthz", 10, 3))
        .withResources(proxy.resources())
        .withSecurityContext(securityContext())
        .withVolumeMounts(
            mount(KEYS_VOLUME, ProxyLayout.KEYS_DIR, true),
            mount(TMP_VOLUME, ProxyLayout.TMP_DIR, false))
        .build();
  }

  /** readOnly false is left out, as the API server stores it, so applies show no false drift. */
  private static VolumeMount mount(String volume, String path, boolean readOnly) {
    return new VolumeMountBuilder()
        .withName(volume).withMountPath(path).withReadOnly(readOnly ? true : null).build();
  }

  private static Probe httpProbe(String path, int periodSeconds, int failureThreshold) {
    return new ProbeBuilder()
        .withNewHttpGet()
            .withPath(path)
            .withPort(new IntOrString(ProxyLayout.ADMIN_PORT_NAME))
        .endHttpGet()
        .withPeriodSeconds(periodSeconds)
        .withFailureThreshold(failureThreshold)
        .build();
  }

  static SecurityContext securityContext() {
    return new SecurityContextBuilder()
        .withRunAsNonRoot(true)
        .withRunAsUser(RUN_AS_USER)
        .withAllowPrivilegeEscalation(false)
        .withReadOnlyRootFilesystem(true)
        .withNewCapabilities().withDrop("ALL").endCapabilities()
        .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
        .build();
  }

  private static List<Volume> volumes(PoolIdentity pool) {
    return List.of(
        new VolumeBuilder().withName(KEYS_VOLUME)
            .withNewSecret().withSecretName(pool.keysName()).endSecret().build(),
        // The JVM writes perf data and temp files; the root filesystem is read-only.
        new VolumeBuilder().withName(TMP_VOLUME)
            .withNewEmptyDir().endEmptyDir().build());
  }
}
