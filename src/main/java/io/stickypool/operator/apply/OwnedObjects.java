package io.stickypool.operator.apply;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import java.util.List;

/** Marks the objects a pool owns, so that deleting the pool deletes them (garbage collection). */
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
}
