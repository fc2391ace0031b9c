package io.stickypool.operator;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.stickypool.api.v1alpha1.ConditionReasons;
import io.stickypool.api.v1alpha1.ConditionTypes;
import io.stickypool.api.v1alpha1.ProxyMode;
import io.stickypool.api.v1alpha1.StickyPool;
import io.stickypool.api.v1alpha1.StickyPoolStatus;
import io.stickypool.operator.endpoints.BackendResolver;
import io.stickypool.operator.endpoints.EndpointSync;
import io.stickypool.operator.model.KeySchedule;
import io.stickypool.operator.model.PoolIdentity;
import io.stickypool.operator.model.PoolModel;
import io.stickypool.operator.model.RoutesConfigMapModel;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Thin glue: reads the caches and the pool's own objects, delegates every decision to the pure
 * {@code model} and {@code endpoints} packages, writes the result, and reports it as status and
 * Events. One reconcile per pool at a time (JOSDK); pools reconcile concurrently, so this class
 * keeps no per-reconcile state in fields.
 */
@ControllerConfiguration(
    name = "stickypool",
    generationAwareEventProcessing = false,
    informer = @Informer(onUpdateFilter = PoolUpdateFilter.class))
public class StickyPoolReconciler implements Reconciler<StickyPool>, Cleaner<StickyPool> {
  private static final Logger LOG = LoggerFactory.getLogger(StickyPoolReconciler.class);
  /** A safety net only: Service, slice and Deployment changes each trigger a reconcile at once. */
  private static final Duration RESYNC = Duration.ofMinutes(5);

  private final KubernetesClient client;
  private final String defaultImage;
  private final PoolEvents events;
  private final PoolKeys keys;
  private final PoolMemory memory = new PoolMemory();
  private final DrainGraceReport grace;

  public StickyPoolReconciler(KubernetesClient client, String defaultImage) {
    this.client = client;
    this.defaultImage = defaultImage;
    this.events = new PoolEvents(client);
    this.keys = new PoolKeys(client, events);
    this.grace = new DrainGraceReport(client, events);
  }

  @Override
  public List<EventSource<?, StickyPool>> prepareEventSources(EventSourceContext<StickyPool> ctx) {
    return PoolEventSources.create(ctx);
  }

  @Override
  public UpdateControl<StickyPool> reconcile(StickyPool pool, Context<StickyPool> ctx) {
    Instant now = Instant.now();
    StickyPoolStatus status = statusOf(pool);
    String readyBefore = PoolStatusWriter.readyReason(status);
    status.setObservedGeneration(pool.getMetadata().getGeneration());
    Optional<Instant> keyStepDue = sync(pool, status, ctx, now);
    PoolStatusWriter.newProblem(readyBefore, status)
        .ifPresent(c -> events.emit(pool, c.getReason(), c.getMessage(), "Warning"));
    Duration wakeUp = keyStepDue.map(due -> Duration.between(now, due))
        .map(d -> d.isNegative() ? Duration.ZERO : d)
        .filter(d -> d.compareTo(RESYNC) < 0).orElse(RESYNC);
    return UpdateControl.patchStatus(pool).rescheduleAfter(wakeUp);
  }

  /** @return when the next key rotation step is due, if one is scheduled */
  private Optional<Instant> sync(
      StickyPool pool, StickyPoolStatus status, Context<StickyPool> ctx, Instant now) {
    if (pool.getSpec().getProxy() != null && pool.getSpec().getProxy().getMode() == ProxyMode.Sidecar) {
      PoolStatusWriter.notReady(status, ConditionReasons.SIDECAR_NOT_SUPPORTED,
          "spec.proxy.mode Sidecar is not supported by this operator version; use Deployment", now);
      return Optional.empty();
    }
    Optional<Service> service = PoolEventSources.targetService(ctx, pool);
    if (service.isEmpty()) {
      // Keep the routes ConfigMap as is: never replace a good snapshot with an empty one.
      PoolStatusWriter.notReady(status, ConditionReasons.SERVICE_NOT_FOUND, "Service "
          + pool.getMetadata().getNamespace() + "/" + pool.getSpec().getBackend().getService()
          + " not found; proxies keep the last good backends", now);
      return Optional.empty();
    }
    BackendResolver.Resolved backend = BackendResolver.resolve(service.get(),
        PoolEventSources.targetSlices(ctx, pool), pool.getSpec().getBackend().getPort());
    EndpointSync sync = memory.sync(pool, readRoutes(pool), backend.endpoints(), now);
    KeySchedule.Plan ring = keys.plan(pool, now);
    PoolModel.Desired desired = PoolModel.desired(
        pool, sync.snapshot(), ring.ring(), ring.secretAnnotations(), defaultImage);
    for (HasMetadata obj : desired.all()) {
      OwnedObjects.own(obj, pool);
      OwnedObjects.apply(client, obj);
    }
    sync.transitions().forEach(t -> events.transition(pool, t));
    if (sync.snapshotChanged()) {
      events.routesUpdated(pool, sync);
    }
    PoolStatusWriter.write(status, sync, backend.portProblem(),
        PoolEventSources.proxyDeployment(ctx, pool).orElse(null), now);
    grace.report(pool, status, backend.endpoints(), PoolEventSources.targetSlices(ctx, pool), now);
    return ring.nextDue();
  }

  @Override
  public DeleteControl cleanup(StickyPool pool, Context<StickyPool> ctx) {
    int deleted = PoolCleanup.deleteOwned(client, PoolIdentity.of(pool));
    memory.forget(pool.getMetadata().getUid());
    grace.forget(pool.getMetadata().getUid());
    LOG.info("StickyPool {}/{} deleted: removed {} owned objects",
        pool.getMetadata().getNamespace(), pool.getMetadata().getName(), deleted);
    return DeleteControl.defaultDelete();
  }

  /** A failed reconcile shows on the pool; JOSDK retries with backoff meanwhile. */
  @Override
  public ErrorStatusUpdateControl<StickyPool> updateErrorStatus(
      StickyPool pool, Context<StickyPool> ctx, Exception e) {
    StickyPoolStatus status = statusOf(pool);
    status.setConditions(Conditions.set(status.getConditions(), ConditionTypes.READY, "False",
        ConditionReasons.RECONCILE_ERROR, e.getClass().getSimpleName() + ": " + e.getMessage(),
        Instant.now()));
    return ErrorStatusUpdateControl.patchStatus(pool);
  }

  private static StickyPoolStatus statusOf(StickyPool pool) {
    if (pool.getStatus() == null) {
      pool.setStatus(new StickyPoolStatus());
    }
    return pool.getStatus();
  }

  private ConfigMap readRoutes(StickyPool pool) {
    PoolIdentity id = PoolIdentity.of(pool);
    return client.configMaps().inNamespace(id.namespace()).withName(id.routesName()).get();
  }

  static long annotatedVersion(ConfigMap routes) {
    if (routes == null || routes.getMetadata().getAnnotations() == null) {
      return 0;
    }
    String v = routes.getMetadata().getAnnotations().get(RoutesConfigMapModel.SNAPSHOT_VERSION_ANNOTATION);
    return v == null ? 0 : Long.parseLong(v);
  }
}
