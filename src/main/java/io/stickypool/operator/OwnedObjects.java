package io.stickypool.operator;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.HttpURLConnection;
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

  /** Tries of one apply that lose a race (409) before the conflict goes to JOSDK's retry. */
  static final int CONFLICT_ATTEMPTS = 3;

  /**
   * Creates the object, or updates it only when it differs from desired ({@link
   * OwnedObjectMatcher}); the update starts from the current object ({@link OwnedObjectUpdate}),
   * so its resourceVersion makes a concurrent change fail with 409. Then it reads the object
   * again and retries at once, as client-go's RetryOnConflict does: on a real cluster the
   * Deployment controller writes the proxy Deployment's status throughout a rollout, and a
   * conflict that went to JOSDK's retry would turn the pool not Ready (ReconcileError) for the
   * retry's backoff.
   */
  public static Write apply(KubernetesClient client, HasMetadata desired) {
    for (int attempt = 1; ; attempt++) {
      try {
        return applyOnce(client, desired);
      } catch (KubernetesClientException e) {
        if (e.getCode() != HttpURLConnection.HTTP_CONFLICT || attempt == CONFLICT_ATTEMPTS) {
          throw e;
        }
        LOG.debug("{} {} changed between our read and our write; reading it again",
            desired.getKind(), desired.getMetadata().getName());
      }
    }
  }

  private static Write applyOnce(KubernetesClient client, HasMetadata desired) {
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
