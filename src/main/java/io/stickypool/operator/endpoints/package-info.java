/**
 * Decide, for backends: EndpointSlices to observed endpoints, the drain state machine's steps, and
 * the routing snapshot the proxies read, with the per-pool memory of the last one published.
 */
package io.stickypool.operator.endpoints;
