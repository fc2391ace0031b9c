package io.stickypool.proxy.tls;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslProvider;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which TLS implementation terminates client connections. {@code auto} is BoringSSL (through
 * netty-tcnative) when its native library loads on this machine, else the JDK's; BoringSSL
 * measured faster in the harness (BENCHMARKS.md).
 */
public enum TlsEngine {
  AUTO, OPENSSL, JDK;

  public static final String NAMES = "auto, openssl or jdk";
  private static final Logger LOG = LoggerFactory.getLogger(TlsEngine.class);

  public static TlsEngine parse(String name) {
    for (TlsEngine e : values()) {
      if (e.configName().equals(name)) {
        return e;
      }
    }
    throw new IllegalArgumentException("'" + name + "': expected " + NAMES);
  }

  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The Netty provider to use; {@code openssl} that cannot load falls back with a warning. */
  SslProvider provider() {
    if (this == JDK) {
      return SslProvider.JDK;
    }
    if (OpenSsl.isAvailable()) {
      return SslProvider.OPENSSL;
    }
    if (this == OPENSSL) {
      LOG.warn("TLS engine openssl: BoringSSL did not load ({}); using the JDK's TLS",
          OpenSsl.unavailabilityCause().toString());
    }
    return SslProvider.JDK;
  }
}
