package io.stickypool.proxy.routing;

/**
 * What a route may change in the request head on its way to the backend. Implemented by the HTTP
 * engine over the outgoing head's bytes; valid only during {@link ProxyRoute#decorateRequest}.
 */
public interface RequestDecoration {
  /** Cuts the cookie pairs named {@code name} out of the Cookie fields (a field left empty goes). */
  void removeCookie(CharSequence name);

  /**
   * Replaces whatever the client sent in field {@code name} with {@code value}, or drops the field
   * when {@code value} is null. Name and value are ASCII without line breaks.
   */
  void setHeader(CharSequence name, CharSequence value);
}
