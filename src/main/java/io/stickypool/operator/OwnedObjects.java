package io.stickypool.operator;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Create, or update on a real difference; no server-side apply, so the same path runs on the CRUD mock and a real cluster. */
public final class OwnedObjects {
  private static final Logger LOG = LoggerFactory.getLogger(OwnedObjects.class);

  private OwnedObjects() {}

  /** Sets a controller ownerReference by hand: fabric8's addOwnerReference leaves controller unset. */
  public static void own(HasMetadata owned, HasMetadata owner) {
    OwnerReference ref = new OwnerReferenceBuilder()
        .withApiVersion(owner.getApiVersion()).withKind(owner.getKind())
        .withName(owner.getMetadata().getName()).withUid(owner.getMetadata().getUid())
        .withController(true).withBlockOwnerDeletion(true).build();
    owned.getMetadata().setOwnerReferences(List.of(ref));
  }

  /** What {@link #apply} did, so callers can log or count writes. */
  public enum Write { CREATED, UPDATED, UNCHANGED }

  /**
   * Creates the object, or updates it only when it differs from desired ({@link
   * OwnedObjectMatcher}); the update starts from the current object ({@link OwnedObjectUpdate}),
   * so its resourceVersion makes a concurrent change fail with 409 and JOSDK retry.
   */
  public static Write apply(KubernetesClient client, HasMetadata desired) {
    HasMetadata current = client.resource(desired).get();
    if (current == null) {
      client.resource(desired).create();
      LOG.debug("created {} {}", desired.getKind(), desired.getMetadata().getName());
      return Write.CREATED;
    }
    Optional<String> difference = OwnedObjectMatcher.firstDifference(desired, current);
    if (difference.isEmpty()) {
      return Write.UNCHANGED;
    }
    LOG.debug("updating {} {}: {} differs", desired.getKind(), desired.getMetadata().getName(),
        difference.get());
    client.resource(OwnedObjectUpdate.mergedOnto(current, desired)).update();
    return Write.UPDATED;
  }
}
