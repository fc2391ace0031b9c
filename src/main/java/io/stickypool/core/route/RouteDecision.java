package io.stickypool.core.route;

import io.stickypool.core.backend.Backend;
import io.stickypool.core.backend.BackendId;
import io.stickypool.core.cookie.AffinityCookie;
import io.stickypool.core.cookie.CookieStatus;

/**
 * Where one request goes and why. {@code cookieToSet} is non-null when the client must get a new
 * or refreshed affinity cookie; {@code previousBackend} names the backend a re-pinned session came
 * from (null when unknown or not re-pinned). Immutable; one per request.
 *
 * @param sessionKey the session table key of this request's session (0 when it has none)
 */
public record RouteDecision(
    Backend backend,
    AffinityOutcome outcome,
    CookieStatus cookieStatus,
    AffinityCookie cookieToSet,
    BackendId previousBackend,
    long sessionKey,
    AffinityCookie cookie) {

  static RouteDecision noBackend(CookieStatus status) {
    return new RouteDecision(null, AffinityOutcome.NO_BACKEND, status, null, null, 0, null);
  }

  public boolean hasBackend() {
    return backend != null;
  }
}
