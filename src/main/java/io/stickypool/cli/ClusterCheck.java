package io.stickypool.cli;

import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.stickypool.api.v1alpha1.StickyPool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Asks the API server, before the operator starts, the two things without which it cannot run:
 * does it answer, and does it serve StickyPools to us. Without this a missing cluster shows as
 * some 180 lines of informer stack traces; with it, as one line saying what was tried and what to
 * do next.
 */
final class ClusterCheck {
  static final String CRD_FILE = "crds/stickypools.stickypool.io-v1.yml";

  private ClusterCheck() {}

  /** What stops the operator from running against {@code client}, in one line; empty if nothing. */
  static Optional<String> problem(KubernetesClient client, Set<String> namespaces,
      Map<String, String> env) {
    // The operator's client retries a refused connection for half a minute; the check asks once.
    try (KubernetesClient once = new KubernetesClientBuilder().withConfig(
        new ConfigBuilder(client.getConfiguration()).withRequestRetryBackoffLimit(0).build()).build()) {
      return problemAsking(once, namespaces, env);
    }
  }

  private static Optional<String> problemAsking(KubernetesClient client, Set<String> namespaces,
      Map<String, String> env) {
    String server = client.getConfiguration().getMasterUrl();
    try {
      client.getKubernetesVersion();
    } catch (KubernetesClientException e) {
      if (e.getCode() == 401) {
        return Optional.of("the API server at " + server + " refused the credentials ("
            + configSource(env) + "); log in again (kubectl cluster-info should work)");
      }
      return Optional.of("cannot reach the Kubernetes API server at " + server + " ("
          + configSource(env) + "): " + rootMessage(e) + "; point KUBECONFIG at a cluster"
          + " (kubectl cluster-info should work), or run `make demo` to try StickyPool with no"
          + " cluster");
    }
    String namespace = namespaces.isEmpty() ? null : namespaces.iterator().next();
    try {
      var pools = client.resources(StickyPool.class);
      var list = new ListOptionsBuilder().withLimit(1L).build();
      if (namespace == null) {
        pools.inAnyNamespace().list(list);
      } else {
        pools.inNamespace(namespace).list(list);
      }
    } catch (KubernetesClientException e) {
      String where = namespace == null ? "in all namespaces" : "in namespace " + namespace;
      return Optional.of(switch (e.getCode()) {
        case 404 -> "the API server at " + server + " does not serve StickyPools: install the CRD"
            + " (kubectl apply -f " + CRD_FILE + ", or helm install the chart)";
        case 401, 403 -> "not allowed to list StickyPools " + where + " at " + server + ": give"
            + " the operator's account the chart's ClusterRole, or pass --namespace with the"
            + " namespaces it may watch";
        default -> "listing StickyPools " + where + " at " + server + " failed: " + rootMessage(e);
      });
    }
    return Optional.empty();
  }

  /** Where the client's configuration came from, in the order fabric8 looks. */
  static String configSource(Map<String, String> env) {
    String kubeconfig = env.get("KUBECONFIG");
    if (kubeconfig != null && !kubeconfig.isBlank()) {
      return "from KUBECONFIG=" + kubeconfig;
    }
    Path home = Path.of(System.getProperty("user.home"), ".kube", "config");
    if (Files.isReadable(home)) {
      return "from " + home;
    }
    if (env.containsKey("KUBERNETES_SERVICE_HOST")) {
      return "from the pod's in-cluster config";
    }
    return "the default: KUBECONFIG is unset, " + home + " does not exist and this is not a pod";
  }

  /** The cause a user can act on, named in words where the JDK's exception names say little. */
  static String rootMessage(Throwable e) {
    Throwable root = e;
    boolean timedOut = false;
    boolean tls = false;
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      root = t;
      timedOut |= t instanceof java.net.http.HttpTimeoutException
          || t instanceof java.net.SocketTimeoutException;
      tls |= t instanceof javax.net.ssl.SSLException;
    }
    if (root instanceof java.nio.channels.UnresolvedAddressException
        || root instanceof java.net.UnknownHostException) {
      return "the host name does not resolve";
    }
    if (timedOut) {
      return "no answer in time";
    }
    if (root instanceof java.nio.channels.ClosedChannelException
        || root instanceof java.net.ConnectException) {
      return "connection refused";
    }
    String message = root.getMessage();
    String what = (tls ? "TLS: " : "") + root.getClass().getSimpleName();
    return message == null || message.isBlank() ? what : what + " " + message;
  }
}
