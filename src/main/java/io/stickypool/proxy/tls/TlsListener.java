package io.stickypool.proxy.tls;

/**
 * Receives certificate pairs from a {@link TlsSource}: every valid new pair, and a one-line
 * description of every problem (the pair that was there stays in use).
 */
public interface TlsListener {
  void onPair(CertifiedKey pair, String origin);

  void onProblem(String origin, String detail);
}
