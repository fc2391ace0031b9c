package io.stickypool.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonEnumDefaultValue;
import com.fasterxml.jackson.annotation.JsonIgnore;

/** The discriminator of {@link Affinity}. Constants are spelled as on the wire. */
public enum AffinityType {
  /** The proxy inserts and signs its own cookie. */
  Cookie,
  /** A request header carries the session key; the proxy answers with the same header. */
  Header,
  /** Clients are bound by source address (after trusted proxies). */
  ClientIP,
  /** The application's own cookie (e.g. JSESSIONID) is the session key; the proxy learns it. */
  AppCookie,
  /**
   * Not a value: what a value this operator does not know reads as (a CRD newer than the
   * operator), so that one such pool does not stop the informer; the pool is reported invalid.
   */
  @JsonIgnore
  @JsonEnumDefaultValue
  Unrecognized
}
