package io.stickypool.proxy.admin;

import java.nio.charset.StandardCharsets;

/** What an admin endpoint answers: plain data, no Netty types. */
public record AdminResponse(int status, String contentType, byte[] body) {
  public static final String TEXT = "text/plain; charset=utf-8";
  public static final String JSON = "application/json";
  public static final String PROMETHEUS = "text/plain; version=0.0.4; charset=utf-8";

  public static AdminResponse text(int status, String body) {
    return new AdminResponse(status, TEXT, body.getBytes(StandardCharsets.UTF_8));
  }

  public static AdminResponse json(int status, String body) {
    return new AdminResponse(status, JSON, body.getBytes(StandardCharsets.UTF_8));
  }
}
