package io.stickypool.bench.operator;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.stickypool.operator.ChartRbac;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The operator under test runs as the Helm chart's ServiceAccount with the chart's RBAC, from a
 * kubeconfig holding that account's token: as a user installs it, and so that the audit log tells
 * its requests (user {@link #user()}) from the harness's (the admin).
 */
record OperatorIdentity(String user, Path kubeconfig) {
  static final String NAMESPACE = "stickypool-system";
  private static final String RELEASE = "stickypool";
  private static final long TOKEN_SECONDS = 24 * 3600L;

  static OperatorIdentity create(KubernetesClient admin, String serverUrl, Path dir) throws IOException {
    admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NAMESPACE).endMetadata()
        .build()).create();
    ChartRbac chart = ChartRbac.render(RELEASE, NAMESPACE, admin.getKubernetesVersion().getGitVersion());
    chart.apply(admin);
    String token = admin.serviceAccounts().inNamespace(NAMESPACE).withName(chart.serviceAccountName())
        .tokenRequest(new TokenRequestBuilder().withNewSpec().withExpirationSeconds(TOKEN_SECONDS).endSpec()
            .build())
        .getStatus().getToken();
    Path kubeconfig = dir.resolve("operator.kubeconfig");
    Files.writeString(kubeconfig, String.join("\n",
        "apiVersion: v1",
        "kind: Config",
        "clusters:",
        "- name: bench",
        "  cluster: {server: '" + serverUrl + "', insecure-skip-tls-verify: true}",
        "users:",
        "- name: operator",
        "  user: {token: '" + token + "'}",
        "contexts:",
        "- name: bench",
        "  context: {cluster: bench, user: operator}",
        "current-context: bench",
        ""));
    return new OperatorIdentity(chart.operatorUser(), kubeconfig);
  }
}
