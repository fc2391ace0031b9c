package io.stickypool.proxy;

import io.stickypool.core.cookie.CookieCodec;
import io.stickypool.core.cookie.KeyRing;
import io.stickypool.core.route.AffinityRouter;
import io.stickypool.core.session.SessionTable;
import io.stickypool.core.snapshot.CookieSettings;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The affinity router and the cookie codec it signs and verifies with, rebuilt when either input
 * of the codec changes: the signing keys (a rotated key file) or the cookie settings (a new routes
 * snapshot). The two arrive on their sources' own threads, hence the lock; the request path reads
 * the codec through the router and never takes it.
 */
final class CookieSigning {
  private static final Logger LOG = LoggerFactory.getLogger(CookieSigning.class);

  private final Clock clock;
  private final AffinityRouter router;
  private KeyRing keys;
  private CookieSettings cookie;

  CookieSigning(KeyRing keys, CookieSettings cookie, SessionTable sessions, Clock clock) {
    this.clock = clock;
    this.keys = keys;
    this.cookie = cookie;
    this.router = new AffinityRouter(CookieCodec.of(keys, clock, cookie), sessions, clock);
  }

  AffinityRouter router() {
    return router;
  }

  /** New cookies are signed with the newest key; cookies signed with older ones still verify. */
  synchronized void useKeys(KeyRing newKeys) {
    keys = newKeys;
    router.useCodec(CookieCodec.of(keys, clock, cookie));
    LOG.info("signing keys updated: {} key(s), signing with key id {}", keys.keys().size(), keys.signingKey().id());
  }

  /** The cookie settings of a routes snapshot; the codec is rebuilt only when they changed. */
  synchronized void useCookie(CookieSettings settings) {
    if (!settings.equals(cookie)) {
      cookie = settings;
      router.useCodec(CookieCodec.of(keys, clock, cookie));
    }
  }
}
