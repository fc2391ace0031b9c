package io.stickypool.proxy.http;

import io.stickypool.proxy.routing.RequestRouter.ExchangeResult;

/**
 * What to do when the backend could not be reached or broke before a whole response: a pure
 * function of what the exchange knows. Before any response byte went to the client a request may
 * be replayed where that is safe: nothing reached a backend, or a reused keep-alive connection died
 * before answering an idempotent request with no body (it was closed while idle, RFC 9112 9.3.1);
 * after, the client connection can only be cut.
 */
final class RetryPolicy {
  static final int MAX_ATTEMPTS = 3;

  private RetryPolicy() {}

  enum Decision {
    /** A response already started: the client cannot be told, only cut off. */
    CUT_CLIENT,
    /** A stale pooled connection: replay on a fresh connection to the same backend. */
    REPLAY_SAME_BACKEND,
    /** Replay on another backend, if the router has one. */
    REPLAY_ELSEWHERE,
    /** Replaying is safe but another backend was tried already: answer that none is reachable. */
    NO_OTHER_BACKEND,
    /** Replaying is not safe, or was tried enough: answer that the backend failed. */
    GIVE_UP
  }

  /** What happened, as the exchange saw it. */
  record Failure(
      ExchangeResult result,
      int attempts,
      boolean reusedConnection,
      boolean responseStarted,
      boolean idempotent,
      boolean bodySent,
      boolean rerouted) {

    /** A keep-alive connection the backend closed while idle: says nothing about its health. */
    boolean staleConnection() {
      return reusedConnection && result == ExchangeResult.BROKEN_RESPONSE && !responseStarted;
    }
  }

  static Decision decide(Failure f) {
    if (f.responseStarted()) {
      return Decision.CUT_CLIENT;
    }
    if (f.attempts() >= MAX_ATTEMPTS || !mayReplay(f)) {
      return Decision.GIVE_UP;
    }
    if (f.staleConnection() && f.idempotent()) {
      return Decision.REPLAY_SAME_BACKEND;
    }
    return f.rerouted() ? Decision.NO_OTHER_BACKEND : Decision.REPLAY_ELSEWHERE;
  }

  private static boolean mayReplay(Failure f) {
    if (f.result() == ExchangeResult.CONNECT_FAILED) {
      return true; // nothing reached any backend; the body is still pending here
    }
    return f.result() == ExchangeResult.BROKEN_RESPONSE && f.idempotent() && !f.bodySent();
  }
}
