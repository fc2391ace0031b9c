package io.stickypool.api.v1alpha1;

/** Workload kinds that can take the proxy as a sidecar. */
public enum TargetKind {
  Deployment,
  StatefulSet
}
