/**
 * Gather: every informer a reconcile reads from, filtered by label where the objects are the
 * operator's and pruned where they are not, and the lookups in them. A reconcile reads the API
 * server nowhere else.
 */
package io.stickypool.operator.caches;
