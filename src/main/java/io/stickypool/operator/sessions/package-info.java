/**
 * Sessions: asking the proxies for their reports, merging replicas, and telling where a departed
 * backend's sessions went.
 */
package io.stickypool.operator.sessions;
