package io.stickypool.proxy.routing;

/**
 * What a route may add to the response head on its way to the client. Implemented by the HTTP
 * engine over the outgoing head's bytes; valid only during {@link ProxyRoute#decorateResponse}.
 */
public interface ResponseDecoration {
  /** Adds a header field; name and value are ASCII without line breaks. */
  void addHeader(CharSequence name, CharSequence value);

  /**
   * The response carries something meant for this client alone (a new affinity cookie): no shared
   * cache may store it.
   */
  void keepOutOfSharedCaches();

  /** The client reached us over TLS, or a trusted proxy in front says it did: cookies get Secure. */
  boolean clientSecure();
}
