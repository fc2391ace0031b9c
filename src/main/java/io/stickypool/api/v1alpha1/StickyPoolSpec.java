package io.stickypool.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Required;

/**
 * Desired state of a pool. Only {@code backend} is required. The other blocks default to {@code
 * {}} so the API server fills in their field defaults even when a block is omitted.
 */
public class StickyPoolSpec {
  @Required
  @JsonPropertyDescription("The Service whose endpoints form the pool.")
  private BackendRef backend;

  @Default("{}")
  @JsonPropertyDescription("How a client is bound to a backend. Defaults to a session cookie.")
  private Affinity affinity;

  @Default("{}")
  @JsonPropertyDescription("How new sessions are spread over backends.")
  private Placement placement;

  @Default("{}")
  @JsonPropertyDescription("How sessions bound to a terminating backend are drained.")
  private Drain drain;

  @Default("{}")
  @JsonPropertyDescription("How the proxy in front of the pool is deployed.")
  private Proxy proxy;

  @Default("{}")
  @JsonPropertyDescription("When the keys that sign affinity cookies are rotated.")
  private SigningKeys signingKeys;

  public BackendRef getBackend() { return backend; }
  public void setBackend(BackendRef backend) { this.backend = backend; }
  public Affinity getAffinity() { return affinity; }
  public void setAffinity(Affinity affinity) { this.affinity = affinity; }
  public Placement getPlacement() { return placement; }
  public void setPlacement(Placement placement) { this.placement = placement; }
  public Drain getDrain() { return drain; }
  public void setDrain(Drain drain) { this.drain = drain; }
  public Proxy getProxy() { return proxy; }
  public void setProxy(Proxy proxy) { this.proxy = proxy; }
  public SigningKeys getSigningKeys() { return signingKeys; }
  public void setSigningKeys(SigningKeys signingKeys) { this.signingKeys = signingKeys; }
}
