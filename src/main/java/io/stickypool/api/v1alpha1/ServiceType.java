package io.stickypool.api.v1alpha1;

/** The Service type of the proxy's Service; the Kubernetes values we support. */
public enum ServiceType {
  ClusterIP,
  NodePort,
  LoadBalancer
}
