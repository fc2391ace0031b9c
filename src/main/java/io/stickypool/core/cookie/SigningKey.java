package io.stickypool.core.cookie;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * One HMAC-SHA256 key for the affinity cookie: an id that the cookie names in clear (0..255) and a
 * secret of at least 32 bytes (the SHA-256 output size, as RFC 2104 section 3 advises).
 *
 * <p>Immutable and thread-safe. The secret never appears in {@link #toString()} or in exception
 * messages, and is handed out only inside this package (to write the key file).
 */
public final class SigningKey {
  public static final int MAX_ID = 255;
  public static final int MIN_SECRET_BYTES = 32;
  static final String ALGORITHM = "HmacSHA256";

  private final int id;
  private final SecretKeySpec secret;

  public SigningKey(int id, byte[] secret) {
    Objects.requireNonNull(secret, "secret");
    if (id < 0 || id > MAX_ID) {
      throw new IllegalArgumentException("key id " + id + " is not 0.." + MAX_ID);
    }
    if (secret.length < MIN_SECRET_BYTES) {
      throw new IllegalArgumentException(
          "key " + id + ": secret has " + secret.length + " bytes, at least " + MIN_SECRET_BYTES
              + " are needed");
    }
    this.id = id;
    this.secret = new SecretKeySpec(secret, ALGORITHM); // copies the array
  }

  /** A key with {@value #MIN_SECRET_BYTES} fresh random bytes. */
  public static SigningKey generate(int id, SecureRandom random) {
    byte[] secret = new byte[MIN_SECRET_BYTES];
    random.nextBytes(secret);
    return new SigningKey(id, secret);
  }

  public int id() {
    return id;
  }

  /** A copy of the secret, for writing the key file. */
  byte[] secret() {
    return secret.getEncoded();
  }

  /** A new Mac under this key; Macs are not thread-safe, so each thread needs its own. */
  Mac newMac() {
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(secret);
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every Java platform must provide " + ALGORITHM, e);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SigningKey
        && ((SigningKey) o).id == id
        && MessageDigest.isEqual(((SigningKey) o).secret(), secret());
  }

  @Override
  public int hashCode() {
    return id;
  }

  @Override
  public String toString() {
    return "SigningKey{id=" + id + ", secret=<redacted>}";
  }
}
