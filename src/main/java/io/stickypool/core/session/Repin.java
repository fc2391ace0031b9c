package io.stickypool.core.session;

import io.stickypool.core.backend.BackendId;

/**
 * A live session whose current pin is a re-pin this proxy made: from {@code from} to {@code to} at
 * {@code pinnedAtMillis} (epoch millis, the proxy's clock). Immutable.
 *
 * @param key the session key (raw, as the table holds it)
 */
public record Repin(long key, BackendId to, BackendId from, RepinReason reason, long pinnedAtMillis) {}
