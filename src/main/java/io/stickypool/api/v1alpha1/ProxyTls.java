package io.stickypool.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/**
 * TLS at the proxy: the certificate comes from a {@code kubernetes.io/tls} Secret (what
 * cert-manager writes), which the proxy watches so a renewal applies without a restart.
 */
public class ProxyTls {
  @Required
  @Size(min = 1, max = 253)
  @Pattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
  @JsonPropertyDescription("Name of a kubernetes.io/tls Secret (keys tls.crt and tls.key, PEM) in the"
      + " pool's namespace. The proxy serves its certificate and reloads it within about a second of"
      + " a change; while the Secret is missing or invalid, proxies keep the last good certificate"
      + " and the pool reports Ready=False (TlsSecretInvalid).")
  private String secretName;

  public String getSecretName() { return secretName; }
  public void setSecretName(String secretName) { this.secretName = secretName; }
}
