package io.stickypool.proxy.tls;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client side's TLS: the one place that builds the server {@link SslContext} (protocols,
 * ciphers, ALPN list) and holds the one in use. A new pair from the {@link TlsSource} replaces the
 * context for new handshakes; connections already open keep theirs. A pair that is refused keeps
 * the current one and is reported through {@link #problem()} (readiness detail and metric).
 *
 * <p>Threading: sources call {@link #onPair}/{@link #onProblem} on their threads; event loops read
 * the context through one volatile read per connection.
 */
public final class ServerTls implements TlsListener {
  private static final Logger LOG = LoggerFactory.getLogger(ServerTls.class);
  /** TLS 1.2 and 1.3 only: 1.0 and 1.1 are deprecated (RFC 8996). */
  public static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};
  /** ALPN for HTTP/1.1 only; an HTTP/2 listener passes {@code h2} first. */
  public static final List<String> HTTP_1_1 = List.of("http/1.1");
  /** AEAD suites with forward secrecy (Mozilla's "intermediate" profile). */
  static final List<String> CIPHERS = List.of(
      "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
      "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
      "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
      "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

  private final SslProvider provider;
  private final List<String> alpn;
  private volatile Installed current;
  private volatile String problem;
  private String origin = "";

  private record Installed(SslContext context, CertifiedKey pair) {}

  public ServerTls(TlsEngine engine, List<String> alpn) {
    this.provider = engine.provider();
    this.alpn = List.copyOf(alpn);
  }

  /** A handler for a new client connection, or null while no pair was ever installed. */
  public SslHandler newHandler(ByteBufAllocator alloc) {
    Installed in = current;
    return in == null ? null : in.context().newHandler(alloc);
  }

  /** The pair new handshakes use, or null before the first one. */
  public CertifiedKey pair() {
    Installed in = current;
    return in == null ? null : in.pair();
  }

  /** The last problem since the last good pair, or null. */
  public String problem() {
    return problem;
  }

  /** Why no connection can be served yet (no pair was ever installed), or null. */
  public String blocker() {
    if (current != null) {
      return null;
    }
    String why = problem;
    return "no TLS certificate loaded yet from " + origin + (why == null ? "" : " (" + why + ")");
  }

  public String engine() {
    return provider == SslProvider.JDK ? "jdk" : "openssl";
  }

  @Override
  public void onPair(CertifiedKey pair, String from) {
    SslContext context;
    try {
      context = build(pair);
    } catch (SSLException | RuntimeException e) {
      onProblem(from, "the TLS context cannot be built: " + e.getMessage());
      return;
    }
    synchronized (this) {
      origin = from;
      current = new Installed(context, pair);
      problem = null;
    }
    LOG.info("{}: serving TLS certificate {} ({})", from, pair.describe(), engine());
  }

  @Override
  public synchronized void onProblem(String from, String detail) {
    origin = from;
    if (!Objects.equals(detail, problem)) {
      LOG.warn("{}: {}; {}", from, detail,
          current == null ? "no certificate to serve yet" : "keeping the current certificate");
    }
    problem = detail;
  }

  private SslContext build(CertifiedKey pair) throws SSLException {
    return SslContextBuilder.forServer(pair.key(), pair.chain())
        .sslProvider(provider)
        .protocols(PROTOCOLS)
        .ciphers(CIPHERS, SupportedCipherSuiteFilter.INSTANCE)
        .applicationProtocolConfig(new ApplicationProtocolConfig(
            ApplicationProtocolConfig.Protocol.ALPN,
            ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
            ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
            alpn))
        .build();
  }
}
