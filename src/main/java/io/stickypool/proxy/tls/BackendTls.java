package io.stickypool.proxy.tls;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;

/**
 * TLS toward the backends, as HAProxy's {@code ssl verify required ca-file}: every backend
 * connection is TLS and the backend's certificate must chain to the given CA (the JDK's trust store
 * when none is given). With a server name, it is sent as SNI and the certificate must be for that
 * name (HAProxy's {@code verifyhost}); without one only the chain is checked, since backends are
 * usually addressed by pod IP. Immutable; built once at start.
 */
public final class BackendTls {
  private final SslContext context;
  private final String serverName;

  private BackendTls(SslContext context, String serverName) {
    this.context = context;
    this.serverName = serverName;
  }

  /**
   * @param caFile PEM CA certificates to trust, or null for the JDK's trust store
   * @param serverName the name to send and verify, or null
   * @throws TlsUnavailableException naming the CA file when it cannot be read or parsed
   */
  public static BackendTls of(Path caFile, String serverName) {
    try {
      SslContextBuilder b = SslContextBuilder.forClient()
          .protocols(ServerTls.PROTOCOLS)
          .ciphers(ServerTls.CIPHERS, SupportedCipherSuiteFilter.INSTANCE);
      if (caFile != null) {
        List<X509Certificate> cas = CertifiedKey.certificates(Files.readString(caFile));
        b.trustManager(cas.toArray(X509Certificate[]::new));
      }
      return new BackendTls(b.build(), serverName);
    } catch (SSLException e) {
      throw new TlsUnavailableException("backend TLS: " + e.getMessage());
    } catch (IOException | IllegalArgumentException e) {
      throw new TlsUnavailableException("backend TLS CA file " + caFile + ": " + e.getMessage());
    }
  }

  /** The handler for a new connection to {@code backend}, verifying as described above. */
  public SslHandler newHandler(ByteBufAllocator alloc, InetSocketAddress backend) {
    if (serverName == null) {
      return context.newHandler(alloc, backend.getHostString(), backend.getPort());
    }
    SslHandler handler = context.newHandler(alloc, serverName, backend.getPort());
    SSLEngine engine = handler.engine();
    SSLParameters params = engine.getSSLParameters();
    params.setEndpointIdentificationAlgorithm("HTTPS");
    engine.setSSLParameters(params);
    return handler;
  }
}
