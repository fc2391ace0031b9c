package io.stickypool.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.SeccompProfile;
import java.util.List;

/**
 * The proxy pod's securityContext, limited to fields that keep the pod within the restricted Pod
 * Security profile whatever their value: the proxy container's own settings (non-root, no
 * privilege escalation, every capability dropped, read-only root filesystem) are fixed and not
 * offered here, so a user value can only choose among restricted settings, never loosen them.
 */
@ValidationRule(value = "!has(self.seccompProfile) || self.seccompProfile.type in ['RuntimeDefault', 'Localhost']",
    message = "seccompProfile.type must be RuntimeDefault or Localhost (the restricted profile)")
public class ProxyPodSecurityContext {
  @Min(1)
  @JsonPropertyDescription("User the proxy runs as, instead of the image's 10001 (never 0: the"
      + " restricted profile); e.g. a UID from the namespace's range where a platform assigns them.")
  private Long runAsUser;

  @Min(0)
  @JsonPropertyDescription("Primary group the proxy runs as.")
  private Long runAsGroup;

  @Min(0)
  @JsonPropertyDescription("Group that owns the pod's volumes.")
  private Long fsGroup;

  @JsonPropertyDescription("Further groups of the proxy's process.")
  private List<Long> supplementalGroups;

  @JsonPropertyDescription("RuntimeDefault (the default) or a Localhost profile on the node.")
  private SeccompProfile seccompProfile;

  public Long getRunAsUser() { return runAsUser; }
  public void setRunAsUser(Long runAsUser) { this.runAsUser = runAsUser; }
  public Long getRunAsGroup() { return runAsGroup; }
  public void setRunAsGroup(Long runAsGroup) { this.runAsGroup = runAsGroup; }
  public Long getFsGroup() { return fsGroup; }
  public void setFsGroup(Long fsGroup) { this.fsGroup = fsGroup; }
  public List<Long> getSupplementalGroups() { return supplementalGroups; }
  public void setSupplementalGroups(List<Long> supplementalGroups) { this.supplementalGroups = supplementalGroups; }
  public SeccompProfile getSeccompProfile() { return seccompProfile; }
  public void setSeccompProfile(SeccompProfile seccompProfile) { this.seccompProfile = seccompProfile; }
}
