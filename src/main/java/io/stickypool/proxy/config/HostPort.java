package io.stickypool.proxy.config;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * A {@code HOST:PORT} pair as people write it in flags and config files: {@code 0.0.0.0:8080},
 * {@code localhost:9901}, {@code [::1]:8080} (an IPv6 address goes in brackets). Immutable.
 */
public record HostPort(String host, int port) {
  public static final String EXPECTED = "HOST:PORT, such as 127.0.0.1:8080 or [::1]:8080";

  public HostPort {
    Objects.requireNonNull(host, "host");
    if (host.isBlank()) {
      throw new IllegalArgumentException("host must not be blank");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port " + port + " is not 0..65535");
    }
  }

  /**
   * Reads {@code HOST:PORT}. Port 0 is accepted (a listener then picks a free port).
   *
   * @throws IllegalArgumentException whose message says what is wrong, without the input
   */
  public static HostPort parse(String text) {
    Objects.requireNonNull(text, "address");
    int colon = text.lastIndexOf(':');
    if (colon <= 0 || colon == text.length() - 1) {
      throw new IllegalArgumentException("expected " + EXPECTED);
    }
    String host = text.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    } else if (host.indexOf(':') >= 0) {
      throw new IllegalArgumentException("an IPv6 address needs brackets: [" + host + "]:PORT");
    }
    if (host.isBlank() || host.chars().anyMatch(c -> c <= ' ' || c == '[' || c == ']')) {
      throw new IllegalArgumentException("expected " + EXPECTED);
    }
    return new HostPort(host, port(text.substring(colon + 1)));
  }

  private static int port(String digits) {
    if (digits.length() > 5 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw new IllegalArgumentException("port '" + digits + "' is not a number 0..65535");
    }
    int port = Integer.parseInt(digits);
    if (port > 65535) {
      throw new IllegalArgumentException("port " + port + " is not 0..65535");
    }
    return port;
  }

  /**
   * The address to bind. A host name is looked up here, once.
   *
   * @throws IllegalArgumentException if the host name does not resolve
   */
  public InetSocketAddress toSocketAddress() {
    InetSocketAddress address = new InetSocketAddress(host, port);
    if (address.isUnresolved()) {
      throw new IllegalArgumentException("host '" + host + "' does not resolve");
    }
    return address;
  }

  @Override
  public String toString() {
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }
}
