package io.stickypool.operator.status;

import io.fabric8.kubernetes.client.KubernetesClientException;

/** A failed reconcile in a user's words: what went wrong, without Java class names or stack traces. */
public final class ReconcileFailure {
  private ReconcileFailure() {}

  public static String describe(Exception e) {
    Throwable cause = e;
    // JOSDK wraps the reconciler's exception; the wrapped one says what happened.
    while (cause.getCause() != null && (cause.getMessage() == null || cause instanceof RuntimeException
        && cause.getClass().getName().startsWith("io.javaoperatorsdk"))) {
      cause = cause.getCause();
    }
    if (cause instanceof KubernetesClientException k && k.getStatus() != null && k.getStatus().getMessage() != null) {
      return "the API server answered " + k.getCode() + ": " + k.getStatus().getMessage();
    }
    if (cause instanceof KubernetesClientException k && k.getCode() == 0) {
      return "the API server could not be reached (" + firstLine(k.getMessage()) + ")";
    }
    return cause.getMessage() == null ? "an unexpected " + cause.getClass().getSimpleName() : firstLine(cause.getMessage());
  }

  private static String firstLine(String s) {
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
