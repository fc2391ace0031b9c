/**
 * Report, as Kubernetes Events: the catalogue of reasons, the recorder that counts repeats and never
 * blocks a reconcile, and the texts users read in {@code kubectl get events}.
 */
package io.stickypool.operator.events;
