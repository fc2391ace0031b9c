package io.stickypool.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * Rotation of the keys that sign the proxy's affinity cookies. A rotation never moves a session:
 * cookies name a backend by its stable id, and old cookies keep verifying until their key retires.
 * A rotation can also be requested at any time by setting a new value on the pool's annotation
 * {@code stickypool.io/rotate-keys}.
 */
public class SigningKeys {
  @ValidationRule(value = Durations.POSITIVE, message = "rotationInterval must be longer than 0s")
  @Pattern(Durations.PATTERN)
  @JsonPropertyDescription("Rotate the signing key this often, e.g. 720h. Unset: only on request"
      + " (annotation stickypool.io/rotate-keys).")
  private String rotationInterval;

  @Default("2m")
  @Pattern(Durations.PATTERN)
  @JsonPropertyDescription("How long a new key is only verified, not used for signing, so that"
      + " every proxy replica has it before any replica signs with it. Cover the kubelet's Secret"
      + " volume sync delay.")
  private String propagationDelay;

  @ValidationRule(value = Durations.POSITIVE, message = "retireAfter must be longer than 0s")
  @Pattern(Durations.PATTERN)
  @JsonPropertyDescription("How long replaced keys keep verifying old cookies. Defaults to the"
      + " cookie's absoluteTimeout, else its idleTimeout, else 24h.")
  private String retireAfter;

  public String getRotationInterval() { return rotationInterval; }
  public void setRotationInterval(String v) { this.rotationInterval = v; }
  public String getPropagationDelay() { return propagationDelay; }
  public void setPropagationDelay(String v) { this.propagationDelay = v; }
  public String getRetireAfter() { return retireAfter; }
  public void setRetireAfter(String v) { this.retireAfter = v; }
}
