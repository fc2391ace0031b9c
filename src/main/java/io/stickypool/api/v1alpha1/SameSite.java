package io.stickypool.api.v1alpha1;

/** The cookie SameSite attribute; constants are spelled as on the wire. */
public enum SameSite {
  Strict,
  Lax,
  None
}
