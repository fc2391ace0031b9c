/**
 * Sidecar mode: putting the proxy into a user's Deployment or StatefulSet and taking it out again.
 */
package io.stickypool.operator.sidecar;
