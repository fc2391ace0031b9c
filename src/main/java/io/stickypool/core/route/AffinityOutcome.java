package io.stickypool.core.route;

/**
 * How a request's affinity was decided: the proxy classifies every request into exactly one of
 * these and counts it (metric label {@code outcome}, lower-case). HAProxy's {@code TX_CK_*} cookie
 * flags play the same part there.
 */
public enum AffinityOutcome {
  /** A valid cookie or known key, and its backend serves: routed to it. */
  STICKY(false),
  /** As {@link #STICKY}, but the backend is draining; still routed there until its deadline. */
  STICKY_DRAINING(false),
  /** No cookie: a new session was placed on the least-loaded active backend. */
  NEW_SESSION(false),
  /** Key-based affinity (header, client IP, app cookie) placed a key seen for the first time. */
  KEY_PLACED(false),
  /** Key-based affinity, but the request carried no key: placed without stickiness. */
  NO_KEY(false),
  /** The session's backend finished draining or was removed: re-pinned once elsewhere. */
  REPINNED_DRAINED(true),
  /** The session's backend is down (unavailable, ejected, or refused the connection): re-pinned. */
  REPINNED_FAILOVER(true),
  /** The cookie was forged, tampered with, malformed or signed by an unknown key: ignored. */
  COOKIE_INVALID(false),
  /** The cookie was authentic but past its idle or absolute timeout: a new session. */
  COOKIE_EXPIRED(false),
  /** No backend can take the request (the proxy answers 503). */
  NO_BACKEND(false);

  private final boolean repinned;

  AffinityOutcome(boolean repinned) {
    this.repinned = repinned;
  }

  /** Whether an existing session moved to another backend (the response tells the client so). */
  public boolean repinned() {
    return repinned;
  }

  /** The metric label value, e.g. {@code sticky_draining}. */
  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
