package io.stickypool.operator;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.stickypool.api.v1alpha1.ConditionReasons;
import io.stickypool.api.v1alpha1.ConditionTypes;
import io.stickypool.api.v1alpha1.ProxyMode;
import io.stickypool.api.v1alpha1.StickyPool;
import io.stickypool.api.v1alpha1.StickyPoolStatus;
import io.stickypool.core.cookie.KeyRing;
import io.stickypool.operator.endpoints.EndpointSliceMapper;
import io.stickypool.operator.endpoints.EndpointSync;
import io.stickypool.operator.endpoints.PortRef;
import io.stickypool.operator.model.PoolIdentity;
import io.stickypool.operator.model.PoolModel;
import io.stickypool.operator.model.RoutesConfigMapModel;
import io.stickypool.operator.model.SigningSecretModel;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Thin glue: reads the cluster, delegates to the pure model/endpoints packages, writes the result. */
@ControllerConfiguration(name = "stickypool")
public class StickyPoolReconciler implements Reconciler<StickyPool> {
  static final String POOLS_BY_SERVICE = "pools-by-service";
  static final String SLICES_BY_SERVICE = "slices-by-service";
  private static final Duration RETRY = Duration.ofSeconds(10);

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
    var cfg = InformerEventSourceConfiguration.from(EndpointSlice.class, StickyPool.class)
        .withName("endpointslices")
        .withLabelSelector(EndpointSliceMapper.SERVICE_NAME_LABEL)
        .withSecondaryToPrimaryMapper(s -> ctx.getPrimaryCache().byIndex(POOLS_BY_SERVICE, sliceKey(s))
            .stream().map(ResourceID::fromResource).collect(Collectors.toSet()))
        .build();
    var slices = new InformerEventSource<>(cfg, ctx);
    // Our own index: JOSDK's primary->secondary index misses slices that predate the pool.
    slices.addIndexers(Map.of(SLICES_BY_SERVICE, s -> List.of(sliceKey(s))));
    return List.of(slices);
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
    status.setObservedGeneration(pool.getMetadata().getGeneration());
    if (pool.getSpec().getProxy() != null && pool.getSpec().getProxy().getMode() == ProxyMode.Sidecar) {
      notReady(status, ConditionReasons.SIDECAR_NOT_SUPPORTED, "Sidecar mode is not supported yet", now);
      return UpdateControl.patchStatus(pool);
    }
    String ns = pool.getMetadata().getNamespace();
    String svc = pool.getSpec().getBackend().getService();
    Service service = client.services().inNamespace(ns).withName(svc).get();
    if (service == null) {
      // Keep the routes ConfigMap as is: never replace a good snapshot with an empty one.
      notReady(status, ConditionReasons.SERVICE_NOT_FOUND, "Service " + ns + "/" + svc + " not found", now);
      return UpdateControl.patchStatus(pool).rescheduleAfter(RETRY);
    }
    var es = (InformerEventSource<EndpointSlice, StickyPool>)
        ctx.eventSourceRetriever().getEventSourceFor(EndpointSlice.class);
    List<EndpointSlice> slices = es.byIndex(SLICES_BY_SERVICE, ns + "/" + svc);
    PortRef port = portRef(pool);
    EndpointSync sync = memory.sync(pool, readRoutes(pool), EndpointSliceMapper.map(svc, slices, port), now);
    PoolModel.Desired desired = PoolModel.desired(pool, sync.snapshot(), keys(pool), defaultImage);
    for (HasMetadata obj : desired.all()) {
      OwnedObjects.own(obj, pool);
      OwnedObjects.apply(client, obj);
    }
    sync.transitions().forEach(t -> events.transition(pool, t));
    if (sync.snapshotChanged()) {
      events.emit(pool, "RoutesUpdated", PoolStatusWriter.summary(sync.snapshot()), "Normal");
    }
    PoolStatusWriter.write(status, sync, port, readDeployment(pool), now);
    return UpdateControl.patchStatus(pool);
  }

  private static void notReady(StickyPoolStatus status, String reason, String message, Instant now) {
    status.setConditions(Conditions.set(status.getConditions(), ConditionTypes.READY, "False", reason, message, now));
    if (!ConditionReasons.SIDECAR_NOT_SUPPORTED.equals(reason)) {
      status.setConditions(Conditions.set(
          status.getConditions(), ConditionTypes.BACKENDS_RESOLVED, "False", reason, message, now));
    }
  }

  private static PortRef portRef(StickyPool pool) {
    var p = pool.getSpec().getBackend().getPort();
    return p.getName() != null ? PortRef.named(p.getName()) : PortRef.number(p.getNumber());
  }

  private ConfigMap readRoutes(StickyPool pool) {
    PoolIdentity id = PoolIdentity.of(pool);
    return client.configMaps().inNamespace(id.namespace()).withName(id.routesName()).get();
  }

  private Deployment readDeployment(StickyPool pool) {
    PoolIdentity id = PoolIdentity.of(pool);
    return client.apps().deployments().inNamespace(id.namespace()).withName(id.proxyName()).get();
  }

  /** Existing keys are kept as they are: regenerating would invalidate every live session cookie. */
  private KeyRing keys(StickyPool pool) {
    PoolIdentity id = PoolIdentity.of(pool);
    Secret existing = client.secrets().inNamespace(id.namespace()).withName(id.keysName()).get();
    if (existing != null) {
      var ring = SigningSecretModel.keyRing(existing);
      if (ring.isPresent()) {
        return ring.get();
      }
    }
    return KeyRing.generate(random);
  }

  static long annotatedVersion(ConfigMap routes) {
    if (routes == null || routes.getMetadata().getAnnotations() == null) {
      return 0;
    }
    String v = routes.getMetadata().getAnnotations().get(RoutesConfigMapModel.SNAPSHOT_VERSION_ANNOTATION);
    return v == null ? 0 : Long.parseLong(v);
  }
}
