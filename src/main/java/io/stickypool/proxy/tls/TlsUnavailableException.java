package io.stickypool.proxy.tls;

/** A certificate pair that cannot be used, with a one-line message naming where it came from. */
public final class TlsUnavailableException extends RuntimeException {
  public TlsUnavailableException(String message) {
    super(message);
  }
}
