package io.stickypool.proxy.routing;

import io.stickypool.core.backend.Backend;
import java.net.InetSocketAddress;

/**
 * Where one request goes and what the response must carry back. Created per request by a {@link
 * RequestRouter} on the connection's event loop; not shared between threads.
 */
public interface ProxyRoute {
  Backend backend();

  /** The backend's socket address, resolved once per snapshot rather than per request. */
  InetSocketAddress address();

  /**
   * Adds what affinity needs to the response head (a Set-Cookie, the rebalanced marker) before it
   * goes to the client.
   */
  void decorateResponse(ResponseDecoration response);

  /**
   * Whether {@code client} is a proxy whose forwarding headers are believed, by the same routes
   * this route was chosen from (one snapshot read per exchange).
   */
  boolean trustsProxy(java.net.InetAddress client);

  /**
   * Changes what the backend should see in the forwarded request head: the proxy's own cookie cut
   * out, which backend the session was on before it was re-pinned.
   */
  void decorateRequest(RequestDecoration request);
}
