package io.stickypool.proxy.http;

import java.time.Duration;

/**
 * Limits and timeouts of the HTTP data plane. Immutable.
 *
 * @param maxInitialLineLength longest request line accepted; longer gets 414
 * @param maxHeaderSize largest header block accepted; larger gets 431
 * @param maxHeaderCount most header fields accepted in one request; more gets 431
 * @param headerTimeout a client that started a request must finish its headers within this, or
 *     gets 408 (slowloris protection)
 * @param keepAliveTimeout an idle client connection is closed after this
 * @param connectTimeout how long to wait for a backend TCP connection
 * @param backendTimeout how long to wait for a backend's response to start or to continue, and
 *     for the next piece of a request body (a body that stops short is answered 408, or 504 when
 *     it is the backend that stopped taking it)
 * @param maxIdleConnectionsPerBackend idle keep-alive connections kept per backend per event loop
 * @param pooledConnectionMaxIdle a pooled backend connection unused this long is closed, not reused
 */
public record ProxySettings(
    int maxInitialLineLength,
    int maxHeaderSize,
    int maxHeaderCount,
    Duration headerTimeout,
    Duration keepAliveTimeout,
    Duration connectTimeout,
    Duration backendTimeout,
    int maxIdleConnectionsPerBackend,
    Duration pooledConnectionMaxIdle) {

  public static ProxySettings defaults() {
    return new ProxySettings(
        8192,
        16384,
        100,
        Duration.ofSeconds(10),
        Duration.ofSeconds(60),
        Duration.ofSeconds(3),
        Duration.ofSeconds(60),
        64,
        Duration.ofSeconds(30));
  }

  public ProxySettings withHeaderTimeout(Duration timeout) {
    return new ProxySettings(
        maxInitialLineLength, maxHeaderSize, maxHeaderCount, timeout, keepAliveTimeout, connectTimeout,
        backendTimeout, maxIdleConnectionsPerBackend, pooledConnectionMaxIdle);
  }

  public ProxySettings withBackendTimeout(Duration timeout) {
    return new ProxySettings(
        maxInitialLineLength, maxHeaderSize, maxHeaderCount, headerTimeout, keepAliveTimeout, connectTimeout,
        timeout, maxIdleConnectionsPerBackend, pooledConnectionMaxIdle);
  }
}
