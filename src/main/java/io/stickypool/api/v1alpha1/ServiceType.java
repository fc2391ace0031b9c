package io.stickypool.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonEnumDefaultValue;
import com.fasterxml.jackson.annotation.JsonIgnore;

/** The Service type of the proxy's Service; the Kubernetes values we support. */
public enum ServiceType {
  ClusterIP,
  NodePort,
  LoadBalancer,
  /**
   * Not a value: what a value this operator does not know reads as (a CRD newer than the
   * operator), so that one such pool does not stop the informer; the pool is reported invalid.
   */
  @JsonIgnore
  @JsonEnumDefaultValue
  Unrecognized
}
