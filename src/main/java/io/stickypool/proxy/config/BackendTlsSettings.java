package io.stickypool.proxy.config;

import java.nio.file.Path;

/**
 * TLS toward the backends: the CA their certificates must chain to (null: the JDK's trust store)
 * and, optionally, the name sent as SNI and checked against their certificates. Immutable.
 */
public record BackendTlsSettings(Path caFile, String serverName) {}
