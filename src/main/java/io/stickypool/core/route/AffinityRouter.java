package io.stickypool.core.route;

import io.stickypool.core.backend.Backend;
import io.stickypool.core.backend.BackendId;
import io.stickypool.core.cookie.AffinityCookie;
import io.stickypool.core.cookie.BackendToken;
import io.stickypool.core.cookie.CookieCodec;
import io.stickypool.core.cookie.CookieDecodeResult;
import io.stickypool.core.cookie.CookieStatus;
import io.stickypool.core.placement.KeyHash;
import io.stickypool.core.placement.SessionLoad;
import io.stickypool.core.session.RepinReason;
import io.stickypool.core.session.SessionTable;
import java.time.Clock;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The affinity decision for one request, pure apart from the session table it updates: given the
 * compiled routing table and what the request carries (its affinity cookie, or its key for the
 * header, client-IP and app-cookie modes), it picks the backend, names the {@link AffinityOutcome}
 * and says which cookie the client must get.
 *
 * <p>Rules: a session stays on its backend while that backend serves pinned sessions (ACTIVE, or
 * DRAINING before its deadline); otherwise it is re-pinned once, keeping its session id, and the
 * decision names the previous backend. New sessions and re-pins go to the least-loaded ACTIVE
 * backend (cookie mode) or the bounded-load ring owner of the key (key modes). Invalid or expired
 * cookies are never trusted: they start a new session.
 *
 * <p>Thread-safe: called from every event loop; the codec is swapped whole on key rotation.
 */
public final class AffinityRouter {
  private final SessionTable sessions;
  private final Clock clock;
  private volatile CookieCodec codec;

  public AffinityRouter(CookieCodec codec, SessionTable sessions, Clock clock) {
    this.codec = codec;
    this.sessions = sessions;
    this.clock = clock;
  }

  /** Installs a codec with new keys or timeouts (key rotation). */
  public void useCodec(CookieCodec newCodec) {
    this.codec = newCodec;
  }

  public CookieCodec codec() {
    return codec;
  }

  public SessionTable sessions() {
    return sessions;
  }

  /** Cookie mode: routes by the request's affinity cookie value (null when it sent none). */
  public RouteDecision routeByCookie(RoutingTable table, CharSequence cookieValue) {
    CookieCodec c = codec;
    CookieDecodeResult result = c.decode(cookieValue);
    CookieStatus status = result.status();
    if (status == CookieStatus.VALID) {
      return routeValidCookie(table, c, result.cookie());
    }
    AffinityOutcome outcome =
        status == CookieStatus.ABSENT
            ? AffinityOutcome.NEW_SESSION
            : status.authenticated() ? AffinityOutcome.COOKIE_EXPIRED : AffinityOutcome.COOKIE_INVALID;
    return newCookieSession(table, c, outcome, status);
  }

  private RouteDecision routeValidCookie(RoutingTable table, CookieCodec c, AffinityCookie cookie) {
    long key = sessionKey(cookie);
    Backend pinned = table.byToken(cookie.backendToken());
    if (pinned != null && pinned.servesPinnedSessionsAt(clock.millis())) {
      sessions.touch(key, pinned.id());
      AffinityCookie refresh = c.needsRefresh(cookie) ? c.refreshed(cookie) : null;
      AffinityOutcome outcome =
          pinned.state() == io.stickypool.core.backend.BackendState.DRAINING
              ? AffinityOutcome.STICKY_DRAINING
              : AffinityOutcome.STICKY;
      return new RouteDecision(pinned, outcome, CookieStatus.VALID, refresh, null, key, cookie);
    }
    AffinityOutcome outcome = repinOutcome(pinned);
    BackendId previous = pinned != null ? pinned.id() : table.departed(cookie.backendToken());
    return repinCookie(table, c, cookie, key, outcome, previous, null, repinReason(pinned, outcome));
  }

  private static RepinReason repinReason(Backend pinned, AffinityOutcome outcome) {
    if (pinned == null) {
      return RepinReason.REMOVED;
    }
    return outcome == AffinityOutcome.REPINNED_FAILOVER ? RepinReason.FAILOVER : RepinReason.DRAINED;
  }

  /** Records the pin: a re-pin when the session had another backend it knows of, else a touch. */
  private void pin(long key, BackendId target, BackendId previous, RepinReason reason) {
    if (previous == null || previous.equals(target)) {
      sessions.touch(key, target);
    } else {
      sessions.repin(key, target, previous, reason);
    }
  }

  /**
   * A backend the proxy found down (or still marked UNAVAILABLE) means failover; one that drained,
   * passed its deadline or left the snapshot means the planned re-pin after a drain.
   */
  private static AffinityOutcome repinOutcome(Backend pinned) {
    if (pinned == null) {
      return AffinityOutcome.REPINNED_DRAINED;
    }
    switch (pinned.state()) {
      case UNAVAILABLE:
        return AffinityOutcome.REPINNED_FAILOVER;
      default:
        return AffinityOutcome.REPINNED_DRAINED;
    }
  }

  private RouteDecision repinCookie(
      RoutingTable table, CookieCodec c, AffinityCookie cookie, long key,
      AffinityOutcome outcome, BackendId previous, BackendId avoid, RepinReason reason) {
    Backend target = table.newSessions().place(avoiding(avoid), key);
    if (target == null || (avoid != null && target.id().equals(avoid))) {
      return RouteDecision.noBackend(CookieStatus.VALID);
    }
    AffinityCookie moved =
        c.refreshed(
            new AffinityCookie(
                cookie.sessionIdHigh(), cookie.sessionIdLow(), BackendToken.of(target.id()),
                cookie.issuedAt(), cookie.lastSeen(), cookie.keyId()));
    pin(key, target.id(), previous, reason);
    return new RouteDecision(target, outcome, CookieStatus.VALID, moved, previous, key, moved);
  }

  private RouteDecision newCookieSession(
      RoutingTable table, CookieCodec c, AffinityOutcome outcome, CookieStatus status) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long tieBreak = random.nextLong();
    Backend target = table.newSessions().place(sessions, tieBreak);
    if (target == null) {
      return RouteDecision.noBackend(status);
    }
    AffinityCookie cookie = c.newSession(BackendToken.of(target.id()), random);
    long key = sessionKey(cookie);
    sessions.touch(key, target.id());
    return new RouteDecision(target, outcome, status, cookie, null, key, cookie);
  }

  /** Key modes: routes by the request's key (header value, client IP, app cookie), or null. */
  public RouteDecision routeByKey(RoutingTable table, CharSequence keyValue) {
    if (keyValue == null || keyValue.length() == 0) {
      Backend b = table.newSessions().place(sessions, ThreadLocalRandom.current().nextLong());
      return b == null
          ? RouteDecision.noBackend(CookieStatus.ABSENT)
          : new RouteDecision(b, AffinityOutcome.NO_KEY, CookieStatus.ABSENT, null, null, 0, null);
    }
    long key = KeyHash.hash(keyValue);
    BackendId pinnedId = sessions.pinned(key);
    Backend pinned = pinnedId == null ? null : table.byId(pinnedId);
    if (pinned != null && pinned.servesPinnedSessionsAt(clock.millis())) {
      sessions.touch(key, pinned.id());
      AffinityOutcome outcome =
          pinned.state() == io.stickypool.core.backend.BackendState.DRAINING
              ? AffinityOutcome.STICKY_DRAINING
              : AffinityOutcome.STICKY;
      return new RouteDecision(pinned, outcome, CookieStatus.ABSENT, null, null, key, null);
    }
    AffinityOutcome outcome = pinnedId == null ? AffinityOutcome.KEY_PLACED : repinOutcome(pinned);
    return placeKey(table, key, outcome, pinnedId, null, repinReason(pinned, outcome));
  }

  private RouteDecision placeKey(
      RoutingTable table, long key, AffinityOutcome outcome, BackendId previous, BackendId avoid,
      RepinReason reason) {
    Backend target =
        avoid == null
            ? table.keys().place(key, sessions)
            : table.ring().pickFirst(key, b -> !b.id().equals(avoid));
    if (target == null) {
      return RouteDecision.noBackend(CookieStatus.ABSENT);
    }
    pin(key, target.id(), previous, reason);
    return new RouteDecision(target, outcome, CookieStatus.ABSENT, null, previous, key, null);
  }

  /**
   * The request's backend could not be reached: re-pins the session to another backend (never the
   * failed one), or answers "no backend" when there is none.
   */
  public RouteDecision failover(RoutingTable table, RouteDecision failed) {
    BackendId from = failed.backend().id();
    if (failed.cookie() != null) {
      return repinCookie(
          table, codec, failed.cookie(), failed.sessionKey(), AffinityOutcome.REPINNED_FAILOVER, from, from,
          RepinReason.FAILOVER);
    }
    if (failed.sessionKey() != 0) {
      return placeKey(table, failed.sessionKey(), AffinityOutcome.REPINNED_FAILOVER, from, from,
          RepinReason.FAILOVER);
    }
    Backend b = table.newSessions().place(avoiding(from), ThreadLocalRandom.current().nextLong());
    return b == null || b.id().equals(from)
        ? RouteDecision.noBackend(failed.cookieStatus())
        : new RouteDecision(b, AffinityOutcome.REPINNED_FAILOVER, failed.cookieStatus(), null, from, 0, null);
  }

  /** The session load with one backend made to look full, so placement picks another. */
  private SessionLoad avoiding(BackendId avoid) {
    if (avoid == null) {
      return sessions;
    }
    return id -> id.equals(avoid) ? Integer.MAX_VALUE / 2 : sessions.liveSessions(id);
  }

  /** The session table key of a cookie session: its random id folded to 64 bits. */
  static long sessionKey(AffinityCookie cookie) {
    return cookie.sessionIdHigh() ^ Long.rotateLeft(cookie.sessionIdLow(), 32);
  }
}
