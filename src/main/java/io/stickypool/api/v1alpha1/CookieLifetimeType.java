package io.stickypool.api.v1alpha1;

/** Gateway API's cookie lifetime types; constants are spelled as on the wire. */
public enum CookieLifetimeType {
  Session,
  Permanent
}
