/**
 * Report, as the pool's status: where every condition, count and message a user reads with
 * {@code kubectl get stickypool -o yaml} comes from.
 */
package io.stickypool.operator.status;
