package io.stickypool.operator.status;

import io.fabric8.kubernetes.api.model.Secret;
import io.stickypool.api.v1alpha1.ConditionReasons;
import io.stickypool.api.v1alpha1.ConditionTypes;
import io.stickypool.api.v1alpha1.StickyPoolStatus;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Pure: whether the Secret that {@code spec.proxy.tls.secretName} names can serve TLS, and the
 * Ready=False it means when it cannot. The operator checks only its shape (present, with non-empty
 * {@code tls.crt} and {@code tls.key}); the proxies parse the pair and report a bad one in their
 * readiness, keeping the last good certificate meanwhile.
 */
public final class TlsSecretStatus {
  /** While the Secret is unusable the pool is looked at again this often (it is not an owned object). */
  public static final Duration RECHECK = Duration.ofSeconds(10);
  static final String CERT = "tls.crt";
  static final String KEY = "tls.key";

  private TlsSecretStatus() {}

  /** The problem with {@code secret} (null: not found), or empty when it holds both PEM parts. */
  public static Optional<String> problem(String namespace, String name, Secret secret) {
    String which = "Secret " + namespace + "/" + name + " (spec.proxy.tls.secretName)";
    if (secret == null) {
      return Optional.of(which + " not found; proxies keep their last good certificate, new ones cannot serve");
    }
    Map<String, String> data = secret.getData() == null ? Map.of() : secret.getData();
    for (String key : new String[] {CERT, KEY}) {
      String value = data.get(key);
      if (value == null || value.isEmpty()) {
        return Optional.of(which + " has no " + key + " (want a kubernetes.io/tls Secret);"
            + " proxies keep their last good certificate");
      }
    }
    return Optional.empty();
  }

  /** Ready=False, TlsSecretInvalid; the other conditions keep what the reconcile wrote. */
  public static void write(StickyPoolStatus status, String problem, java.time.Instant now) {
    status.setConditions(Conditions.set(status.getConditions(), ConditionTypes.READY, "False",
        ConditionReasons.TLS_SECRET_INVALID, problem, now));
  }
}
