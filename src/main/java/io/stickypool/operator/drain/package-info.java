/**
 * Backend drains beyond the routing snapshot: pods shared by several pools, pod-deletion cost,
 * the backend pods' grace periods, and the warning when a grace period is shorter than the drain.
 */
package io.stickypool.operator.drain;
