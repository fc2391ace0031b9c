package io.stickypool.proxy.config;

import io.stickypool.proxy.tls.TlsEngine;
import java.nio.file.Path;
import java.util.Objects;

/**
 * TLS on the traffic listener: the PEM certificate chain and key files (reloaded when they
 * change), and which engine terminates TLS. Immutable.
 */
public record TlsSettings(Path certFile, Path keyFile, TlsEngine engine) {
  public TlsSettings {
    Objects.requireNonNull(certFile, "certFile");
    Objects.requireNonNull(keyFile, "keyFile");
    Objects.requireNonNull(engine, "engine");
  }
}
