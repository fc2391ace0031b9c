package io.stickypool.proxy.routes.kubernetes;

import java.io.IOException;

/**
 * The routes ConfigMap gave no usable document: it is missing, lacks the key, holds invalid
 * content, or could not be read. The message is one line fit for /readyz and for the CLI's error.
 */
public final class RoutesUnavailableException extends IOException {
  public RoutesUnavailableException(String message) {
    super(message);
  }

  public RoutesUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
