package io.stickypool.operator.apply;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.ManagedInformerEventSource;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a pool's objects when, and only when, what the cache holds is not what the operator wants.
 *
 * <p>By server-side apply, under one field manager ({@value #FIELD_MANAGER}): the API server
 * merges what the operator sets with what others set, so a user's labels and annotations, an
 * HPA's {@code replicas} or a mesh's injected container stay, and nothing is read first. Conflicts
 * are forced: the operator owns the fields it sets, as a controller should.
 *
 * <p>The write goes through the cache ({@code eventFilteringUpdateAndCacheResource}): its result
 * is what the next reconcile compares with, even before the watch delivers it, and the watch event
 * of the operator's own write does not start another reconcile.
 *
 * <p>The embedded demo API (fabric8's CRUD mock) has no server-side apply; there the writer
 * creates and merge-patches instead ({@link Method#MERGE_PATCH}).
 */
public final class OwnedObjectWriter {
  private static final Logger LOG = LoggerFactory.getLogger(OwnedObjectWriter.class);
  public static final String FIELD_MANAGER = "stickypool";
  public static final String DEFAULTS_MANAGER = "stickypool-defaults";

  /** How objects reach the API server. */
  public enum Method { SERVER_SIDE_APPLY, MERGE_PATCH }

  /** What a write did, so callers can log or count writes. */
  public enum Write { CREATED, UPDATED, UNCHANGED }

  private final KubernetesClient client;
  private final Method method;

  public OwnedObjectWriter(KubernetesClient client, Method method) {
    this.client = client;
    this.method = method;
  }

  public <R extends HasMetadata> Write write(R desired, ManagedInformerEventSource<R, ?, ?> cache) {
    AppliedShape.stamp(desired);
    Optional<R> current = cache.get(ResourceID.fromResource(desired));
    if (current.isPresent()) {
      Optional<String> difference = OwnedObjectMatcher.firstDifference(desired, current.get());
      if (difference.isEmpty()) {
        return Write.UNCHANGED;
      }
      LOG.debug("{} {}: {} differs", desired.getKind(), desired.getMetadata().getName(), difference.get());
    }
    cache.eventFilteringUpdateAndCacheResource(desired, d -> send(d, current.isPresent()));
    return current.isPresent() ? Write.UPDATED : Write.CREATED;
  }

  /**
   * Creates {@code desired}, or writes it when it differs, like {@link #write}; {@code initially}
   * are fields set once at creation under a manager of their own ({@value #DEFAULTS_MANAGER}). Under
   * server-side apply a field the operator's manager set and later leaves out is removed; a field
   * the defaults manager set stays until someone else takes it over. The proxy Deployment's first
   * replica count is one: afterwards it belongs to whoever scales the Deployment (kubectl scale, an
   * HPA), and an apply that echoed it back would race their changes.
   */
  public <R extends HasMetadata> Write write(R desired, R initially, ManagedInformerEventSource<R, ?, ?> cache) {
    Write result = write(desired, cache);
    if (result == Write.CREATED) {
      if (method == Method.SERVER_SIDE_APPLY) {
        client.resource(initially).fieldManager(DEFAULTS_MANAGER).forceConflicts().serverSideApply();
      } else {
        client.resource(initially).patch(PatchContext.of(PatchType.JSON_MERGE));
      }
    }
    return result;
  }

  private <R extends HasMetadata> R send(R desired, boolean exists) {
    if (method == Method.SERVER_SIDE_APPLY) {
      return client.resource(desired).fieldManager(FIELD_MANAGER).forceConflicts().serverSideApply();
    }
    return exists ? client.resource(desired).patch(PatchContext.of(PatchType.JSON_MERGE))
        : client.resource(desired).create();
  }
}
