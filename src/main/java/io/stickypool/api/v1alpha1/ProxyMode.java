package io.stickypool.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonEnumDefaultValue;
import com.fasterxml.jackson.annotation.JsonIgnore;

/** Where the proxy runs; constants are spelled as on the wire. */
public enum ProxyMode {
  /** A Deployment and Service of its own in front of the backend Service. */
  Deployment,
  /** A container injected into the workload named by targetRef. */
  Sidecar,
  /**
   * Not a value: what a value this operator does not know reads as (a CRD newer than the
   * operator), so that one such pool does not stop the informer; the pool is reported invalid.
   */
  @JsonIgnore
  @JsonEnumDefaultValue
  Unrecognized
}
