package io.stickypool.proxy.server;

/** Handler names in the proxy's pipelines; the initializers are the only places that add them. */
public final class PipelineNames {
  public static final String TLS = "tls";
  public static final String HEADER_TIMEOUT = "header-timeout";
  public static final String HTTP_DECODER = "http-decoder";
  public static final String FRONTEND = "frontend";
  public static final String BACKEND = "backend";
  public static final String TUNNEL = "tunnel";

  private PipelineNames() {}
}
