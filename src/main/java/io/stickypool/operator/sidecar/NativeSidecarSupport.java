package io.stickypool.operator.sidecar;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.VersionInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the cluster runs native sidecars (init containers with {@code restartPolicy: Always}):
 * on by default from Kubernetes 1.29, GA in 1.33. Older API servers drop the unknown field, which
 * would turn the proxy into an init container that never exits and blocks the pod, so there the
 * sidecar goes in as a regular container instead.
 */
public final class NativeSidecarSupport {
  private static final Logger LOG = LoggerFactory.getLogger(NativeSidecarSupport.class);
  private static final int FIRST_MINOR = 29;

  private NativeSidecarSupport() {}

  /** Asks the API server's /version; a server that does not say is assumed current. */
  public static boolean detect(KubernetesClient client) {
    try {
      VersionInfo v = client.getKubernetesVersion();
      boolean supported = supports(v.getMajor(), v.getMinor());
      LOG.info("Kubernetes {}.{}: proxy sidecars go in as {}", v.getMajor(), v.getMinor(),
          supported ? "native sidecars" : "regular containers");
      return supported;
    } catch (RuntimeException e) {
      LOG.info("API server version unknown ({}); proxy sidecars go in as native sidecars", e.toString());
      return true;
    }
  }

  /** Minor versions come as "29" or, from some providers, "29+". */
  static boolean supports(String major, String minor) {
    try {
      int maj = Integer.parseInt(major.replaceAll("\\D.*", ""));
      int min = Integer.parseInt(minor.replaceAll("\\D.*", ""));
      return maj > 1 || (maj == 1 && min >= FIRST_MINOR);
    } catch (RuntimeException e) {
      return true;
    }
  }
}
