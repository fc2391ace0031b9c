package io.stickypool.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** The Service, in the pool's namespace, whose EndpointSlices list the backends. */
public class BackendRef {
  @Required
  @Size(min = 1, max = 63)
  @Pattern("^[a-z]([-a-z0-9]*[a-z0-9])?$")
  @JsonPropertyDescription("Name of the Service in the pool's namespace (a DNS-1035 label).")
  private String service;

  @Required
  @JsonPropertyDescription("The Service port to balance: exactly one of name or number.")
  private BackendPort port;

  public String getService() { return service; }
  public void setService(String service) { this.service = service; }
  public BackendPort getPort() { return port; }
  public void setPort(BackendPort port) { this.port = port; }
}
