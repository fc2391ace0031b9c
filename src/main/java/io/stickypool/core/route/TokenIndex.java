package io.stickypool.core.route;

import io.stickypool.core.backend.Backend;
import io.stickypool.core.cookie.BackendToken;
import java.util.Collection;

/**
 * Backend token (from a cookie) to backend, as an open-addressing table of primitive longs: the
 * request path looks a token up without boxing it. Immutable after construction; tokens are
 * SHA-256 prefixes, so their low bits are already well mixed.
 */
final class TokenIndex {
  private final long[] tokens;
  private final Backend[] backends;
  private final int mask;

  TokenIndex(Collection<Backend> members) {
    int capacity = Integer.highestOneBit(Math.max(4, members.size() * 4 - 1)) << 1;
    tokens = new long[capacity];
    backends = new Backend[capacity];
    mask = capacity - 1;
    for (Backend b : members) {
      long token = BackendToken.of(b.id());
      int i = (int) token & mask;
      while (backends[i] != null) {
        if (tokens[i] == token) {
          throw new IllegalArgumentException(
              "backends " + backends[i].id() + " and " + b.id() + " share a cookie token");
        }
        i = (i + 1) & mask;
      }
      tokens[i] = token;
      backends[i] = b;
    }
  }

  /** The backend with this token, or null. */
  Backend get(long token) {
    int i = (int) token & mask;
    Backend b;
    while ((b = backends[i]) != null) {
      if (tokens[i] == token) {
        return b;
      }
      i = (i + 1) & mask;
    }
    return null;
  }
}
