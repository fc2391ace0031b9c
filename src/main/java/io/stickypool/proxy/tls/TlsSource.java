package io.stickypool.proxy.tls;

/**
 * Where the proxy's server certificate and key come from: files on disk or a Kubernetes Secret.
 * Each source notices changes by itself and hands every valid new pair to its listener.
 */
public interface TlsSource extends AutoCloseable {
  /**
   * Delivers the first pair (or reports why there is none) before it returns, then keeps
   * watching.
   *
   * @throws TlsUnavailableException when the source cannot serve without a first pair (files
   *     named at start must hold a valid pair)
   */
  void start(TlsListener listener) throws InterruptedException;

  /** Where the pair comes from, such as {@code files:/etc/tls/tls.crt} or {@code secret:ns/name}. */
  String describe();

  @Override
  void close();
}
