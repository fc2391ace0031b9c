package io.stickypool.proxy.routing;

import java.net.InetSocketAddress;

/**
 * Decides where each request goes. Called on event loops: implementations never block and read
 * their routing state through one volatile snapshot.
 */
public interface RequestRouter {
  /** The route for a new request, or null when no backend can take it (the proxy answers 503). */
  ProxyRoute route(RequestFields request, InetSocketAddress client);

  /**
   * The route for a request whose backend could not be reached: another live backend (the session
   * is re-pinned), or null when there is none.
   */
  ProxyRoute reroute(ProxyRoute failed, RequestFields request, InetSocketAddress client);

  /** Reports how an exchange with a backend ended, for passive health and metrics. */
  void record(ProxyRoute route, ExchangeResult result, int status, long durationNanos);

  /** How an exchange with a backend ended. */
  enum ExchangeResult {
    /** A full response came back (any status). */
    RESPONDED,
    /** The backend could not be connected to. */
    CONNECT_FAILED,
    /** The backend closed or sent garbage before a full response. */
    BROKEN_RESPONSE,
    /** The backend took too long to answer. */
    TIMED_OUT
  }
}
