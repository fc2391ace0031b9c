package io.stickypool.core.cookie;

import io.stickypool.core.backend.BackendId;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The 64-bit backend token a cookie carries: the first 8 bytes (big-endian) of SHA-256 over the
 * backend id's UTF-8 bytes.
 *
 * <p>It depends on the id alone, not on any signing key, so rotating keys never moves a session,
 * and every proxy replica computes the same token. The proxy maps token to backend through a map
 * it builds once per routing snapshot, never per request. The token is unkeyed: it keeps backend
 * names out of the cookie text, but someone who can guess pod names can match tokens to them. It
 * is an identifier, not a secret; the signature is what stops clients choosing a backend. Two of n
 * ids share a token with probability about n²/2⁶⁵; the map builder should still check.
 *
 * <p>Stateless and thread-safe.
 */
public final class BackendToken {
  private static final VarHandle LONG =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

  private BackendToken() {}

  public static long of(BackendId id) {
    byte[] digest = sha256().digest(id.value().getBytes(StandardCharsets.UTF_8));
    return (long) LONG.get(digest, 0);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform must provide SHA-256", e);
    }
  }
}
