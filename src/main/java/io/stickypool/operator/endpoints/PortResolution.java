package io.stickypool.operator.endpoints;

/** Whether the endpoints of a Service could be read for the referenced port. */
public enum PortResolution {
  /** At least one slice exists and the port resolved (the endpoint list may still be empty). */
  RESOLVED,
  /** Slices with endpoints exist, but none of them lists the named port (a misconfiguration). */
  PORT_NOT_FOUND,
  /** No IP slice exists for the Service: deleted, selector-less, or the cache is not synced yet. */
  NO_ENDPOINTS
}
