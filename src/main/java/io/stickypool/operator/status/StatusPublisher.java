package io.stickypool.operator.status;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.stickypool.api.v1alpha1.StickyPool;

/**
 * Writes a pool's status through the status subresource, as one JSON Patch that sets the whole
 * status ({@code add /status}, which replaces it when there is one).
 *
 * <p>Written by the reconciler itself rather than returned to JOSDK ({@code UpdateControl.patchStatus}):
 * JOSDK keeps the response of its own patch and then drops every watch event older than it. A user's
 * edit or a deletion that reached the API server just before the status patch, but whose watch event
 * arrived just after the response, was dropped that way and never reconciled (measured: with the
 * periodic reconcile made rare, 2 runs in 3 of the sidecar tests lost a mode switch or a deletion).
 * Here the status write is an ordinary update the informer delivers in order, and the pool's update
 * filter drops it as status-only.
 */
public final class StatusPublisher {
  private final KubernetesClient client;

  public StatusPublisher(KubernetesClient client) {
    this.client = client;
  }

  public void publish(StickyPool pool) {
    ObjectNode add = JsonNodeFactory.instance.objectNode().put("op", "add").put("path", "/status");
    add.set("value", client.getKubernetesSerialization().convertValue(pool.getStatus(), ObjectNode.class));
    ArrayNode patch = JsonNodeFactory.instance.arrayNode().add(add);
    // From the pool in hand: fabric8 reads a resource named only by its name before patching it.
    client.resource(pool).subresource("status").patch(PatchContext.of(PatchType.JSON), patch.toString());
  }
}
