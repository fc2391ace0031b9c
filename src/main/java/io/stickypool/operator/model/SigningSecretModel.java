package io.stickypool.operator.model;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.stickypool.core.cookie.KeyRing;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

/**
 * The Secret {@code <pool>-keys} holding the cookie key ring in its text form, mounted into every
 * proxy pod as the key file. Replicas share it so that any replica verifies any replica's cookie;
 * the proxy watches the file, so a rotated ring applies without a restart.
 *
 * <p>The operator generates the ring once and afterwards always rewrites the ring it reads back
 * ({@link #keyRing}), so operator restarts keep existing sessions valid.
 */
public final class SigningSecretModel {
  private SigningSecretModel() {}

  public static Secret desired(PoolIdentity pool, KeyRing keys) {
    return desired(pool, keys, Map.of());
  }

  /** @param rotationHistory what {@link KeySchedule} records about past rotation steps */
  public static Secret desired(PoolIdentity pool, KeyRing keys, Map<String, String> rotationHistory) {
    ObjectMeta meta = pool.metadata(pool.keysName());
    if (!rotationHistory.isEmpty()) {
      meta.setAnnotations(new java.util.LinkedHashMap<>(rotationHistory));
    }
    String encoded = Base64.getEncoder()
        .encodeToString(keys.format().getBytes(StandardCharsets.UTF_8));
    return new SecretBuilder()
        .withMetadata(meta)
        .withType("Opaque")
        .withData(Map.of(ProxyLayout.KEYS_KEY, encoded))
        .build();
  }

  /**
   * The ring stored in an existing Secret; empty when there is no Secret or no key in it yet.
   *
   * @throws IllegalArgumentException when the stored ring is not valid; the message never holds
   *     key material. The caller should report it rather than overwrite it, since a new ring would
   *     end every session.
   */
  public static Optional<KeyRing> keyRing(Secret existing) {
    if (existing == null) {
      return Optional.empty();
    }
    String text = null;
    if (existing.getData() != null && existing.getData().get(ProxyLayout.KEYS_KEY) != null) {
      byte[] bytes = decode(existing.getData().get(ProxyLayout.KEYS_KEY));
      text = new String(bytes, StandardCharsets.UTF_8);
    } else if (existing.getStringData() != null) {
      // The API server stores stringData as data; stringData is seen only on objects that never
      // went through it, such as a hand-written Secret read from a file.
      text = existing.getStringData().get(ProxyLayout.KEYS_KEY);
    }
    return text == null ? Optional.empty() : Optional.of(KeyRing.parse(text));
  }

  private static byte[] decode(String base64) {
    try {
      return Base64.getDecoder().decode(base64);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("Secret key '" + ProxyLayout.KEYS_KEY
          + "' is not valid base64");
    }
  }
}
