/**
 * Apply: the pool's objects reach the API server here, by server-side apply under the field
 * manager {@code stickypool} and only when the cache's copy differs ({@link
 * io.stickypool.operator.apply.OwnedObjectWriter}); what counts as a difference ({@link
 * io.stickypool.operator.apply.OwnedObjectMatcher}, {@link io.stickypool.operator.apply.AppliedShape});
 * and deletion of what a pool no longer needs.
 */
package io.stickypool.operator.apply;
