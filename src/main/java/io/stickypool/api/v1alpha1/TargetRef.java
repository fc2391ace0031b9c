package io.stickypool.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** The workload, in the pool's namespace, that receives the proxy sidecar. */
public class TargetRef {
  @Required
  @JsonPropertyDescription("Kind of the workload: Deployment or StatefulSet.")
  @JsonFormat(with = JsonFormat.Feature.READ_UNKNOWN_ENUM_VALUES_USING_DEFAULT_VALUE)
  private TargetKind kind;

  @Required
  @Size(min = 1, max = 253)
  @Pattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
  @JsonPropertyDescription("Name of the workload.")
  private String name;

  public TargetKind getKind() { return kind; }
  public void setKind(TargetKind kind) { this.kind = kind; }
  public String getName() { return name; }
  public void setName(String name) { this.name = name; }
}
