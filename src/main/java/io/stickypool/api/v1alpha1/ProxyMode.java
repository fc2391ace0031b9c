package io.stickypool.api.v1alpha1;

/** Where the proxy runs; constants are spelled as on the wire. */
public enum ProxyMode {
  /** A Deployment and Service of its own in front of the backend Service. */
  Deployment,
  /** A container injected into the workload named by targetRef. */
  Sidecar
}
