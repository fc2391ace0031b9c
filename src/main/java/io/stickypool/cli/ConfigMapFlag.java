package io.stickypool.cli;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.stickypool.proxy.routes.kubernetes.ConfigMapRef;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.UnaryOperator;

/**
 * {@code proxy --config-map [NAMESPACE/]NAME}: which ConfigMap the proxy runs from. Without a
 * namespace it is the pod's own: {@code POD_NAMESPACE} (set from the downward API), else the
 * service account's namespace file.
 */
final class ConfigMapFlag {
  static final String NAMESPACE_ENV = "POD_NAMESPACE";
  static final Path SERVICE_ACCOUNT_NAMESPACE =
      Path.of("/var/run/secrets/kubernetes.io/serviceaccount/namespace");

  private ConfigMapFlag() {}

  /**
   * @throws IllegalArgumentException with a one-line message naming the flag and its value
   */
  static ConfigMapRef resolve(String value, UnaryOperator<String> env, Path namespaceFile) {
    return resolve("--config-map", value, env, namespaceFile);
  }

  /** As {@link #resolve(String, UnaryOperator, Path)} for another flag that names an object. */
  static ConfigMapRef resolve(String flag, String value, UnaryOperator<String> env, Path namespaceFile) {
    String[] parts = value.split("/", -1);
    if (parts.length > 2 || parts[parts.length - 1].isBlank() || parts[0].isBlank()) {
      throw new IllegalArgumentException(
          flag + " '" + value + "': expected NAMESPACE/NAME or NAME");
    }
    if (parts.length == 2) {
      return new ConfigMapRef(parts[0], parts[1]);
    }
    return new ConfigMapRef(podNamespace(flag, value, env, namespaceFile), value);
  }

  private static String podNamespace(String flag, String value, UnaryOperator<String> env, Path namespaceFile) {
    String fromEnv = env.apply(NAMESPACE_ENV);
    if (fromEnv != null && !fromEnv.isBlank()) {
      return fromEnv.trim();
    }
    try {
      String fromFile = Files.readString(namespaceFile, StandardCharsets.UTF_8).trim();
      if (!fromFile.isEmpty()) {
        return fromFile;
      }
    } catch (IOException e) {
      // Not in a pod with a service account: fall through to the error below.
    }
    throw new IllegalArgumentException(flag + " '" + value + "': no namespace: give"
        + " NAMESPACE/NAME, or set " + NAMESPACE_ENV + " (in a pod: from the downward API)");
  }

  /**
   * In-cluster or kubeconfig, as {@code kubectl} would pick. Requests retry once only: the default
   * ten retries with backoff would hide an unreachable API server for well over a minute.
   */
  static KubernetesClient client() {
    Config config = new ConfigBuilder(Config.autoConfigure(null)).withRequestRetryBackoffLimit(1).build();
    return new KubernetesClientBuilder().withConfig(config).build();
  }
}
