package io.stickypool.core.cookie;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Byte offsets of cookie format version 1 and the code that reads and writes them. The layout is
 * documented in {@link CookieCodec} and docs/affinity-cookie.md; all numbers are big-endian.
 *
 * <p>Stateless and thread-safe; callers own the arrays.
 */
final class CookieLayout {
  static final byte VERSION = 1;
  static final int OFF_VERSION = 0;
  static final int OFF_KEY_ID = 1;
  static final int OFF_SESSION_HIGH = 2;
  static final int OFF_SESSION_LOW = 10;
  static final int OFF_BACKEND_TOKEN = 18;
  static final int OFF_ISSUED_AT = 26;
  static final int OFF_LAST_SEEN = 30;
  /** The tag covers every byte before it. */
  static final int SIGNED_LENGTH = 34;
  /** HMAC-SHA256 truncated to 128 bits (RFC 2104 section 5 allows truncation to half or more). */
  static final int TAG_LENGTH = 16;
  static final int LENGTH = SIGNED_LENGTH + TAG_LENGTH;

  private static final VarHandle LONG =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
  private static final VarHandle INT =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);

  private CookieLayout() {}

  /** Writes everything the tag covers; the tag itself is the caller's job. */
  static void writeSigned(AffinityCookie c, int keyId, byte[] b) {
    b[OFF_VERSION] = VERSION;
    b[OFF_KEY_ID] = (byte) keyId;
    LONG.set(b, OFF_SESSION_HIGH, c.sessionIdHigh());
    LONG.set(b, OFF_SESSION_LOW, c.sessionIdLow());
    LONG.set(b, OFF_BACKEND_TOKEN, c.backendToken());
    INT.set(b, OFF_ISSUED_AT, (int) c.issuedAt());
    INT.set(b, OFF_LAST_SEEN, (int) c.lastSeen());
  }

  static int keyId(byte[] b) {
    return b[OFF_KEY_ID] & 0xff;
  }

  static long issuedAt(byte[] b) {
    return Integer.toUnsignedLong((int) INT.get(b, OFF_ISSUED_AT));
  }

  static long lastSeen(byte[] b) {
    return Integer.toUnsignedLong((int) INT.get(b, OFF_LAST_SEEN));
  }

  /** Reads a cookie whose structure was checked: {@code lastSeen >= issuedAt}. */
  static AffinityCookie read(byte[] b) {
    return new AffinityCookie(
        (long) LONG.get(b, OFF_SESSION_HIGH),
        (long) LONG.get(b, OFF_SESSION_LOW),
        (long) LONG.get(b, OFF_BACKEND_TOKEN),
        issuedAt(b),
        lastSeen(b),
        keyId(b));
  }
}
