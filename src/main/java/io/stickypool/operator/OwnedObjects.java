package io.stickypool.operator;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;

/** Plain create-or-update; no server-side apply, so the same path runs on the CRUD mock and a real cluster. */
public final class OwnedObjects {
  private OwnedObjects() {}

  /** Sets a controller ownerReference by hand: fabric8's addOwnerReference leaves controller unset. */
  public static void own(HasMetadata owned, HasMetadata owner) {
    OwnerReference ref = new OwnerReferenceBuilder()
        .withApiVersion(owner.getApiVersion()).withKind(owner.getKind())
        .withName(owner.getMetadata().getName()).withUid(owner.getMetadata().getUid())
        .withController(true).withBlockOwnerDeletion(true).build();
    owned.getMetadata().setOwnerReferences(List.of(ref));
  }

  /**
   * Creates, or updates with the current resourceVersion (a stale one gets 409 and JOSDK retries).
   * Always writes for now: no field-level diff yet, so every reconcile costs one PUT per object.
   */
  public static boolean apply(KubernetesClient client, HasMetadata desired) {
    HasMetadata current = client.resource(desired).get();
    if (current == null) {
      client.resource(desired).create();
      return true;
    }
    desired.getMetadata().setResourceVersion(current.getMetadata().getResourceVersion());
    client.resource(desired).update();
    return true;
  }
}
