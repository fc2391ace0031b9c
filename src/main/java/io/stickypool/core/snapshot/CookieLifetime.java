package io.stickypool.core.snapshot;

/**
 * Whether the browser keeps the affinity cookie after it closes (Gateway API's {@code
 * lifetimeType}). Either way the proxy enforces the signed absolute and idle timeouts itself.
 */
public enum CookieLifetime {
  /** No Max-Age: the browser forgets the cookie when the session ends. */
  SESSION,
  /** Max-Age equal to the absolute timeout. */
  PERMANENT
}
