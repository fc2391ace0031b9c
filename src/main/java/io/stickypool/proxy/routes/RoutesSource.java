package io.stickypool.proxy.routes;

/**
 * Where routing snapshots come from: a watched file for standalone use, or (in its own adapter
 * package) a Kubernetes ConfigMap. The rest of the proxy knows only this interface.
 */
public interface RoutesSource extends AutoCloseable {
  /** Starts delivering snapshots; the first valid one is delivered as soon as it is read. */
  void start(RoutesListener listener) throws Exception;

  /** A short description for logs and /readyz, e.g. {@code file:/etc/stickypool/proxy.yaml}. */
  String describe();

  @Override
  void close();
}
