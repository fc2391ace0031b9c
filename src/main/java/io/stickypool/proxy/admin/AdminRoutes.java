package io.stickypool.proxy.admin;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The admin port's paths. Reads are open (probes and Prometheus need no credentials); anything that
 * changes state needs {@code Authorization: Bearer <token>}, and is refused outright when no token
 * was configured.
 */
public final class AdminRoutes {
  private final Map<String, AdminEndpoint> reads = new LinkedHashMap<>();
  private final Map<String, AdminEndpoint> writes = new LinkedHashMap<>();
  private final byte[] token;

  /** @param bearerToken the token for state-changing calls, or null to disable them */
  public AdminRoutes(String bearerToken) {
    this.token = bearerToken == null ? null : bearerToken.getBytes(StandardCharsets.UTF_8);
  }

  public AdminRoutes read(String path, AdminEndpoint endpoint) {
    reads.put(path, endpoint);
    return this;
  }

  public AdminRoutes write(String path, AdminEndpoint endpoint) {
    writes.put(path, endpoint);
    return this;
  }

  public AdminResponse dispatch(AdminRequest request) {
    boolean isRead = request.method().equals("GET") || request.method().equals("HEAD");
    AdminEndpoint read = reads.get(request.path());
    AdminEndpoint write = writes.get(request.path());
    if (read == null && write == null) {
      return AdminResponse.text(404, "no such admin path: " + request.path() + "\n");
    }
    if (isRead && read != null) {
      return read.handle(request);
    }
    if (!isRead && write != null) {
      if (token == null) {
        return AdminResponse.text(403, "state-changing admin calls are disabled: no admin token configured\n");
      }
      if (!authorized(request.authorization())) {
        return new AdminResponse(401, AdminResponse.TEXT, "bearer token required\n".getBytes(StandardCharsets.UTF_8));
      }
      return write.handle(request);
    }
    return AdminResponse.text(405, request.method() + " not allowed on " + request.path() + "\n");
  }

  private boolean authorized(String header) {
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return false;
    }
    byte[] given = header.substring(7).trim().getBytes(StandardCharsets.UTF_8);
    return MessageDigest.isEqual(given, token);
  }
}
