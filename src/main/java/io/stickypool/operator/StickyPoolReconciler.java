package io.stickypool.operator;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.stickypool.api.v1alpha1.BackendPort;
import io.stickypool.api.v1alpha1.ConditionReasons;
import io.stickypool.api.v1alpha1.ConditionTypes;
import io.stickypool.api.v1alpha1.ProxyMode;
import io.stickypool.api.v1alpha1.StickyPool;
import io.stickypool.api.v1alpha1.StickyPoolStatus;
import io.stickypool.core.cookie.KeyRing;
import io.stickypool.operator.endpoints.EndpointSliceMapper;
import io.stickypool.operator.endpoints.EndpointSync;
import io.stickypool.operator.endpoints.ObservedEndpoints;
import io.stickypool.operator.endpoints.PortRef;
import io.stickypool.operator.endpoints.ServicePorts;
import io.stickypool.operator.model.PoolIdentity;
import io.stickypool.operator.model.KeySchedule;
import io.stickypool.operator.model.PoolModel;
import io.stickypool.operator.model.PoolSettings;
import io.stickypool.operator.model.RoutesConfigMapModel;
import io.stickypool.operator.model.SigningSecretModel;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Thin glue: reads the cluster, delegates to the pure model/endpoints packages, writes the result. */
@ControllerConfiguration(name = "stickypool")
public class StickyPoolReconciler
    implements Reconciler<StickyPool>, Cleaner<StickyPool> {
  static final String POOLS_BY_SERVICE = "pools-by-service";
  static final String SLICES_BY_SERVICE = "slices-by-service";
  private static final String SLICES = "endpointslices";
  private static final String SERVICES = "services";
  private static final String DEPLOYMENTS = "proxy-deployments";
  private static final Logger LOG = LoggerFactory.getLogger(StickyPoolReconciler.class);
  /** A safety net only: Service, slice and Deployment changes each trigger a reconcile at once. */
  private static final Duration RESYNC = Duration.ofMinutes(5);

  private final KubernetesClient client;
  private final String defaultImage;
  private final PoolEvents events;
  private final PoolMemory memory = new PoolMemory();
  private final SecureRandom random = new SecureRandom();

  public StickyPoolReconciler(KubernetesClient client, String defaultImage) {
    this.client = client;
    this.defaultImage = defaultImage;
    this.events = new PoolEvents(client);
  }

  @Override
  public List<EventSource<?, StickyPool>> prepareEventSources(EventSourceContext<StickyPool> ctx) {
    ctx.getPrimaryCache().addIndexer(POOLS_BY_SERVICE, p -> List.of(poolKey(p)));
    var sliceConfig = InformerEventSourceConfiguration.from(EndpointSlice.class, StickyPool.class)
        .withName(SLICES)
        .withNamespacesInheritedFromController()
        .withLabelSelector(EndpointSliceMapper.SERVICE_NAME_LABEL)
        .withSecondaryToPrimaryMapper(s -> poolsOf(ctx, sliceKey(s)))
        .build();
    var slices = new InformerEventSource<>(sliceConfig, ctx);
    // Our own index: JOSDK's primary->secondary index misses slices that predate the pool.
    slices.addIndexers(Map.of(SLICES_BY_SERVICE, s -> List.of(sliceKey(s))));
    // The target Services, so a Service that appears (or vanishes) reconciles its pools at once.
    var serviceConfig = InformerEventSourceConfiguration.from(Service.class, StickyPool.class)
        .withName(SERVICES)
        .withNamespacesInheritedFromController()
        .withSecondaryToPrimaryMapper(s -> poolsOf(ctx, key(s)))
        .build();
    // The proxy Deployments, mapped back through their controller ownerReference, so replica
    // readiness reaches ProxyAvailable as it changes.
    var deploymentConfig = InformerEventSourceConfiguration.from(Deployment.class, StickyPool.class)
        .withName(DEPLOYMENTS)
        .withNamespacesInheritedFromController()
        .withLabelSelector("app.kubernetes.io/managed-by=" + PoolIdentity.MANAGED_BY)
        .build();
    return List.of(slices, new InformerEventSource<>(serviceConfig, ctx),
        new InformerEventSource<>(deploymentConfig, ctx));
  }

  private static Set<ResourceID> poolsOf(EventSourceContext<StickyPool> ctx, String serviceKey) {
    return ctx.getPrimaryCache().byIndex(POOLS_BY_SERVICE, serviceKey).stream()
        .map(ResourceID::fromResource).collect(Collectors.toSet());
  }

  private static String key(HasMetadata o) {
    return o.getMetadata().getNamespace() + "/" + o.getMetadata().getName();
  }

  static String poolKey(StickyPool p) {
    return p.getMetadata().getNamespace() + "/" + p.getSpec().getBackend().getService();
  }

  static String sliceKey(EndpointSlice s) {
    return s.getMetadata().getNamespace() + "/"
        + s.getMetadata().getLabels().get(EndpointSliceMapper.SERVICE_NAME_LABEL);
  }

  @Override
  @SuppressWarnings("unchecked")
  public UpdateControl<StickyPool> reconcile(StickyPool pool, Context<StickyPool> ctx) {
    Instant now = Instant.now();
    StickyPoolStatus status = pool.getStatus() == null ? new StickyPoolStatus() : pool.getStatus();
    pool.setStatus(status);
    String readyBefore = readyReason(status);
    status.setObservedGeneration(pool.getMetadata().getGeneration());
    Optional<Instant> keyStepDue = sync(pool, status, ctx, now);
    warnOnNewProblem(pool, readyBefore, status);
    Duration wakeUp = keyStepDue.map(due -> Duration.between(now, due))
        .filter(d -> d.compareTo(RESYNC) < 0).map(d -> d.isNegative() ? Duration.ZERO : d).orElse(RESYNC);
    return UpdateControl.patchStatus(pool).rescheduleAfter(wakeUp);
  }

  @SuppressWarnings("unchecked")
  /** @return when the next key rotation step is due, if one is scheduled */
  private Optional<Instant> sync(
      StickyPool pool, StickyPoolStatus status, Context<StickyPool> ctx, Instant now) {
    if (pool.getSpec().getProxy() != null && pool.getSpec().getProxy().getMode() == ProxyMode.Sidecar) {
      notReady(status, ConditionReasons.SIDECAR_NOT_SUPPORTED,
          "spec.proxy.mode Sidecar is not supported by this operator version; use Deployment", now);
      return Optional.empty();
    }
    String ns = pool.getMetadata().getNamespace();
    String svc = pool.getSpec().getBackend().getService();
    var services = (InformerEventSource<Service, StickyPool>)
        ctx.eventSourceRetriever().getEventSourceFor(Service.class, SERVICES);
    Service service = services.get(new ResourceID(svc, ns)).orElse(null);
    if (service == null) {
      // Keep the routes ConfigMap as is: never replace a good snapshot with an empty one.
      notReady(status, ConditionReasons.SERVICE_NOT_FOUND,
          "Service " + ns + "/" + svc + " not found; proxies keep the last good backends", now);
      return Optional.empty();
    }
    var slices = (InformerEventSource<EndpointSlice, StickyPool>)
        ctx.eventSourceRetriever().getEventSourceFor(EndpointSlice.class, SLICES);
    BackendPort wanted = pool.getSpec().getBackend().getPort();
    Optional<PortRef> port = ServicePorts.sliceRef(service, wanted.getName(), wanted.getNumber());
    ObservedEndpoints observed = port
        .map(p -> EndpointSliceMapper.map(svc, slices.byIndex(SLICES_BY_SERVICE, ns + "/" + svc), p))
        .orElse(ObservedEndpoints.portNotFound());
    String portNotFound = port.isEmpty()
        ? "Service " + svc + " has no TCP port " + describe(wanted) + " (it has " + ServicePorts.describe(service) + ")"
        : "port " + describe(wanted) + " of Service " + svc + " is on none of its EndpointSlices";
    EndpointSync sync = memory.sync(pool, readRoutes(pool), observed, now);
    KeySchedule.Plan keys = keys(pool, now);
    PoolModel.Desired desired = PoolModel.desired(
        pool, sync.snapshot(), keys.ring(), keys.secretAnnotations(), defaultImage);
    for (HasMetadata obj : desired.all()) {
      OwnedObjects.own(obj, pool);
      OwnedObjects.apply(client, obj);
    }
    sync.transitions().forEach(t -> events.transition(pool, t));
    if (sync.snapshotChanged()) {
      events.routesUpdated(pool, sync);
    }
    var deployments = (InformerEventSource<Deployment, StickyPool>)
        ctx.eventSourceRetriever().getEventSourceFor(Deployment.class, DEPLOYMENTS);
    Deployment proxy = deployments.get(new ResourceID(PoolIdentity.of(pool).proxyName(), ns)).orElse(null);
    PoolStatusWriter.write(status, sync, portNotFound, proxy, now);
    return keys.nextDue();
  }

  @Override
  public DeleteControl cleanup(StickyPool pool, Context<StickyPool> ctx) {
    int deleted = PoolCleanup.deleteOwned(client, PoolIdentity.of(pool));
    memory.forget(pool.getMetadata().getUid());
    LOG.info("StickyPool {}/{} deleted: removed {} owned objects",
        pool.getMetadata().getNamespace(), pool.getMetadata().getName(), deleted);
    return DeleteControl.defaultDelete();
  }

  /** A failed reconcile shows on the pool (JOSDK retries with backoff meanwhile). */
  @Override
  public ErrorStatusUpdateControl<StickyPool> updateErrorStatus(
      StickyPool pool, Context<StickyPool> ctx, Exception e) {
    StickyPoolStatus status = pool.getStatus() == null ? new StickyPoolStatus() : pool.getStatus();
    pool.setStatus(status);
    String message = e.getClass().getSimpleName() + ": " + e.getMessage();
    status.setConditions(Conditions.set(status.getConditions(), ConditionTypes.READY, "False",
        ConditionReasons.RECONCILE_ERROR, message, Instant.now()));
    return ErrorStatusUpdateControl.patchStatus(pool);
  }

  /** A Warning Event when Ready turns False for a new reason, so `kubectl get events` shows it once. */
  private void warnOnNewProblem(StickyPool pool, String readyBefore, StickyPoolStatus status) {
    status.getConditions().stream()
        .filter(c -> ConditionTypes.READY.equals(c.getType()) && "False".equals(c.getStatus()))
        .filter(c -> !c.getReason().equals(readyBefore))
        .filter(c -> !ConditionReasons.NO_READY_BACKENDS.equals(c.getReason()))
        .findFirst()
        .ifPresent(c -> events.emit(pool, c.getReason(), c.getMessage(), "Warning"));
  }

  private static void notReady(StickyPoolStatus status, String reason, String message, Instant now) {
    status.setConditions(Conditions.set(status.getConditions(), ConditionTypes.READY, "False", reason, message, now));
    if (!ConditionReasons.SIDECAR_NOT_SUPPORTED.equals(reason)) {
      status.setConditions(Conditions.set(
          status.getConditions(), ConditionTypes.BACKENDS_RESOLVED, "False", reason, message, now));
    }
  }

  private static String readyReason(StickyPoolStatus status) {
    return status.getConditions() == null ? null : status.getConditions().stream()
        .filter(c -> ConditionTypes.READY.equals(c.getType()))
        .map(io.fabric8.kubernetes.api.model.Condition::getReason).findFirst().orElse(null);
  }

  private static String describe(BackendPort port) {
    return port.getName() != null ? "named " + port.getName() : port.getNumber().toString();
  }

  private ConfigMap readRoutes(StickyPool pool) {
    PoolIdentity id = PoolIdentity.of(pool);
    return client.configMaps().inNamespace(id.namespace()).withName(id.routesName()).get();
  }

  /**
   * The key ring to publish: the existing one, stepped by the rotation schedule when a step is
   * due. A fresh ring only when there is none: regenerating would invalidate every live cookie.
   */
  private KeySchedule.Plan keys(StickyPool pool, Instant now) {
    PoolIdentity id = PoolIdentity.of(pool);
    Secret existing = client.secrets().inNamespace(id.namespace()).withName(id.keysName()).get();
    KeyRing ring = SigningSecretModel.keyRing(existing).orElseGet(() -> KeyRing.generate(random));
    Map<String, String> history = existing == null || existing.getMetadata().getAnnotations() == null
        ? Map.of() : existing.getMetadata().getAnnotations();
    String request = pool.getMetadata().getAnnotations() == null
        ? null : pool.getMetadata().getAnnotations().get(KeySchedule.REQUEST_ANNOTATION);
    KeySchedule.Plan plan = PoolSettings.keySchedule(pool.getSpec())
        .plan(ring, history, request, random, now);
    // Never the key material: only which step and which key id now signs.
    plan.step().ifPresent(step -> events.emit(pool, "SigningKeysRotated", "Signing keys " + step
        .name().toLowerCase(java.util.Locale.ROOT) + "; key " + plan.ring().signingKey().id()
        + " signs, " + plan.ring().keys().size() + " key(s) verify", "Normal"));
    return plan;
  }

  static long annotatedVersion(ConfigMap routes) {
    if (routes == null || routes.getMetadata().getAnnotations() == null) {
      return 0;
    }
    String v = routes.getMetadata().getAnnotations().get(RoutesConfigMapModel.SNAPSHOT_VERSION_ANNOTATION);
    return v == null ? 0 : Long.parseLong(v);
  }
}
