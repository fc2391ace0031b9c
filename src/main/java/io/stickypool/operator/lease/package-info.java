/**
 * Leader election: which operator replica reconciles, and giving the Lease up on shutdown.
 */
package io.stickypool.operator.lease;
