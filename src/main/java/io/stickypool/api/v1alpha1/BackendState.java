package io.stickypool.api.v1alpha1;

/** Lifecycle of one backend as the pool sees it; constants are spelled as on the wire. */
public enum BackendState {
  /** Serving and takes new sessions. */
  Active,
  /** Terminating: keeps its sessions, takes no new ones. */
  Draining,
  /** Terminating with no live sessions left; safe to stop. */
  Drained,
  /** Not serving (failing readiness); its sessions are placed again. */
  Unavailable,
  /** Gone from the EndpointSlices; kept briefly so the status shows where sessions went. */
  Removed
}
