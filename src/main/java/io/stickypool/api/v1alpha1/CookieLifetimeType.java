package io.stickypool.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonEnumDefaultValue;
import com.fasterxml.jackson.annotation.JsonIgnore;

/** Gateway API's cookie lifetime types; constants are spelled as on the wire. */
public enum CookieLifetimeType {
  Session,
  Permanent,
  /**
   * Not a value: what a value this operator does not know reads as (a CRD newer than the
   * operator), so that one such pool does not stop the informer; the pool is reported invalid.
   */
  @JsonIgnore
  @JsonEnumDefaultValue
  Unrecognized
}
