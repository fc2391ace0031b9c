package io.stickypool.operator.caches;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import java.util.function.UnaryOperator;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.javaoperatorsdk.operator.api.config.informer.InformerConfiguration;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.stickypool.api.v1alpha1.ProxyMode;
import io.stickypool.api.v1alpha1.StickyPool;
import io.stickypool.operator.drain.BackendPods;
import io.stickypool.operator.endpoints.EndpointSliceMapper;
import io.stickypool.operator.model.PoolIdentity;
import io.stickypool.operator.model.SidecarInjection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The informers a pool reconciles from, and lookups in their caches. Every one follows the
 * controller's watched namespaces. Reads come from the caches, so a reconcile costs no GET for
 * them and sees the same state the triggering event came from.
 */
public final class PoolEventSources {
  private static final String POOLS_BY_SERVICE = "pools-by-service";
  private static final String SLICES_BY_SERVICE = "slices-by-service";
  private static final String SLICES = "endpointslices";
  private static final String SERVICES = "services";
  private static final String DEPLOYMENTS = "deployments";
  private static final String STATEFUL_SETS = "statefulsets";
  private static final String POOLS_BY_TARGET = "pools-by-target";
  private static final String WORKLOADS_BY_INJECTED_POOL = "workloads-by-injected-pool";
  private static final String PODS = "proxy-pods";
  private static final String PODS_BY_POOL = "proxy-pods-by-pool";
  private static final String BACKEND_PODS = "backend-pods";
  private static final String SIDECAR_PODS_BY_ROUTES = "sidecar-pods-by-routes";
  private static final String POOLS_BY_ROUTES = "pools-by-routes";
  private static final String MANAGED_BY = "app.kubernetes.io/managed-by=" + PoolIdentity.MANAGED_BY;

  private PoolEventSources() {}

  public static List<EventSource<?, StickyPool>> create(EventSourceContext<StickyPool> ctx) {
    ctx.getPrimaryCache().addIndexer(POOLS_BY_SERVICE, p -> List.of(serviceKey(p)));
    var sliceConfig = InformerEventSourceConfiguration.from(EndpointSlice.class, StickyPool.class)
        .withName(SLICES)
        .withNamespacesInheritedFromController()
        .withLabelSelector(EndpointSliceMapper.SERVICE_NAME_LABEL)
        .withSecondaryToPrimaryMapper(s -> poolsOf(ctx, sliceKey(s)))
        .withItemStore(pruned(ctx, CachePruning::bookkeeping))
        .build();
    var slices = new InformerEventSource<>(sliceConfig, ctx);
    // Our own index: JOSDK's primary->secondary index misses slices that predate the pool.
    slices.addIndexers(Map.of(SLICES_BY_SERVICE, s -> List.of(sliceKey(s))));
    // The target Services, so a Service that appears (or vanishes) reconciles its pools at once.
    var serviceConfig = InformerEventSourceConfiguration.from(Service.class, StickyPool.class)
        .withName(SERVICES)
        .withNamespacesInheritedFromController()
        .withSecondaryToPrimaryMapper(s -> poolsOf(ctx, key(s)))
        .withItemStore(pruned(ctx, CachePruning::bookkeeping))
        .build();
    ctx.getPrimaryCache().addIndexer(POOLS_BY_TARGET, p -> targetKey(p).map(List::of).orElse(List.of()));
    List<EventSource<?, StickyPool>> sources = new java.util.ArrayList<>(List.of(slices,
        new InformerEventSource<>(serviceConfig, ctx), workloads(ctx, Deployment.class, DEPLOYMENTS),
        workloads(ctx, StatefulSet.class, STATEFUL_SETS), proxyPods(ctx), backendPods(ctx)));
    OWNED_ONLY.forEach((type, name) -> sources.add(owned(ctx, type, name)));
    return sources;
  }

  /**
   * A pruning store, where the informer is the only one over its resource: JOSDK gives one store to
   * the informer of each watched namespace, and an informer's relist drops from its store what it
   * did not list, the other namespaces' objects included. Over several namespaces the objects are
   * kept whole (the operator is then also bounded by those namespaces).
   */
  private static <R extends HasMetadata> ItemStore<R> pruned(
      EventSourceContext<StickyPool> ctx, UnaryOperator<R> prune) {
    Set<String> namespaces = ctx.getControllerConfiguration().getInformerConfig().getNamespaces();
    return namespaces.size() == 1 ? new PrunedItemStore<>(prune) : null;
  }

  /**
   * The kinds of owned object that only the operator creates, watched by the operator's label: the
   * routes ConfigMap, the signing Secret, the proxies' RBAC and PodDisruptionBudget. (The owned Services and Deployment
   * come from the Services and Deployments informers, which also hold the targets.) A change by
   * someone else, a deletion included, reconciles the owning pool.
   */
  private static final Map<Class<? extends HasMetadata>, String> OWNED_ONLY = Map.of(
      ConfigMap.class, "owned-configmaps", Secret.class, "owned-secrets",
      ServiceAccount.class, "owned-serviceaccounts", Role.class, "owned-roles",
      RoleBinding.class, "owned-rolebindings", PodDisruptionBudget.class, "owned-poddisruptionbudgets");

  private static <R extends HasMetadata> InformerEventSource<R, StickyPool> owned(
      EventSourceContext<StickyPool> ctx, Class<R> type, String name) {
    var config = InformerEventSourceConfiguration.from(type, StickyPool.class)
        .withName(name)
        .withNamespacesInheritedFromController()
        .withLabelSelector(MANAGED_BY)
        .withSecondaryToPrimaryMapper(o -> ownerPool(o).map(Set::of).orElse(Set.of()))
        .build();
    return new InformerEventSource<>(config, ctx);
  }

  private static Optional<ResourceID> ownerPool(HasMetadata o) {
    return Optional.ofNullable(o.getMetadata().getOwnerReferences()).orElse(List.of()).stream()
        .filter(r -> Boolean.TRUE.equals(r.getController()) && PoolIdentity.KIND.equals(r.getKind()))
        .findFirst().map(r -> new ResourceID(r.getName(), o.getMetadata().getNamespace()));
  }

  /**
   * The cache that holds objects of {@code desired}'s kind, where the pool's own objects of that
   * kind are: what a write compares with and records its result in.
   */
  @SuppressWarnings("unchecked")
  public static <R extends HasMetadata> InformerEventSource<R, StickyPool> cacheFor(
      Context<StickyPool> ctx, R desired) {
    Class<R> type = (Class<R>) desired.getClass();
    String name = desired instanceof Service ? SERVICES : desired instanceof Deployment ? DEPLOYMENTS
        : desired instanceof StatefulSet ? STATEFUL_SETS : OWNED_ONLY.get(type);
    if (name == null) {
      throw new IllegalArgumentException("no cache holds " + desired.getKind());
    }
    return source(ctx, type, name);
  }

  /** A Deployment or StatefulSet as the cache holds it (pruned unless it is a proxy or carries one). */
  public static <W extends HasMetadata> Optional<W> workload(
      Context<StickyPool> ctx, Class<W> type, String namespace, String name) {
    return source(ctx, type, type == StatefulSet.class ? STATEFUL_SETS : DEPLOYMENTS)
        .get(new ResourceID(name, namespace));
  }

  /** The pool's object of this kind and name, as the cache holds it. */
  public static <R extends HasMetadata> Optional<R> cached(
      Context<StickyPool> ctx, Class<R> type, String namespace, String name) {
    String source = OWNED_ONLY.get(type);
    return source(ctx, type, source).get(new ResourceID(name, namespace));
  }

  /**
   * Every pod of the watched namespaces, pruned to what the drain package reads and, for pods that
   * run a pool's sidecar, what a session round reads ({@link SidecarPods#essentials}): backend
   * pods for grace periods and deletion costs, sidecar pods for session rounds. A backend pod
   * triggers nothing (pods change all the time; the slices already tell when a backend starts
   * terminating); a sidecar pod triggers its pool. With several watched namespaces JOSDK runs one
   * informer each but hands them one store, so the pods stay whole there.
   */
  private static InformerEventSource<Pod, StickyPool> backendPods(EventSourceContext<StickyPool> ctx) {
    ctx.getPrimaryCache().addIndexer(POOLS_BY_ROUTES, p -> List.of(key(p.getMetadata().getNamespace(),
        PoolIdentity.of(p).routesName())));
    var config = InformerEventSourceConfiguration.from(Pod.class, StickyPool.class)
        .withName(BACKEND_PODS)
        .withNamespacesInheritedFromController()
        .withSecondaryToPrimaryMapper(p -> sidecarPoolOf(ctx, p));
    var pods = new InformerEventSource<>(config.withItemStore(pruned(ctx, SidecarPods::essentials)).build(), ctx);
    pods.addIndexers(Map.of(SIDECAR_PODS_BY_ROUTES, p -> SidecarPods.routesName(p)
        .map(routes -> List.of(key(p.getMetadata().getNamespace(), routes))).orElse(List.of())));
    return pods;
  }

  /**
   * The pool whose sidecar this pod runs: its pods turning ready or going start the pool's
   * reconcile, so a new replica is asked for its sessions at once. Other pods trigger nothing.
   */
  private static Set<ResourceID> sidecarPoolOf(EventSourceContext<StickyPool> ctx, Pod pod) {
    return SidecarPods.routesName(pod).map(routes -> ctx.getPrimaryCache()
            .byIndex(POOLS_BY_ROUTES, key(pod.getMetadata().getNamespace(), routes)).stream()
            .map(ResourceID::fromResource).collect(Collectors.toSet()))
        .orElse(Set.of());
  }

  /** The pods that run this pool's sidecar, whichever workload they belong to. */
  public static List<Pod> sidecarPods(Context<StickyPool> ctx, StickyPool pool) {
    PoolIdentity id = PoolIdentity.of(pool);
    return source(ctx, Pod.class, BACKEND_PODS).byIndex(SIDECAR_PODS_BY_ROUTES, key(id.namespace(), id.routesName()));
  }

  public static BackendPods backendPods(Context<StickyPool> ctx) {
    var pods = source(ctx, Pod.class, BACKEND_PODS);
    return (namespace, name) -> pods.get(new ResourceID(name, namespace));
  }

  /**
   * Every Deployment or StatefulSet in the watched namespaces, not only the operator's: a proxy
   * Deployment's readiness reaches ProxyAvailable, a sidecar target that appears gets its sidecar
   * at once, and a user's edit to a target is checked against the injection. Mapped to the pool
   * that controls it, the pools that target it, and the pool whose sidecar it carries.
   */
  private static <W extends HasMetadata> InformerEventSource<W, StickyPool> workloads(
      EventSourceContext<StickyPool> ctx, Class<W> type, String name) {
    var config = InformerEventSourceConfiguration.from(type, StickyPool.class)
        .withName(name)
        .withNamespacesInheritedFromController()
        .withSecondaryToPrimaryMapper(w -> poolsOfWorkload(ctx, w))
        .withItemStore(pruned(ctx, CachePruning::workload))
        .build();
    var informer = new InformerEventSource<>(config, ctx);
    informer.addIndexers(Map.of(WORKLOADS_BY_INJECTED_POOL, w -> SidecarInjection.record(w)
        .map(r -> List.of(w.getMetadata().getNamespace() + "/" + r.pool())).orElse(List.of())));
    return informer;
  }

  private static Set<ResourceID> poolsOfWorkload(EventSourceContext<StickyPool> ctx, HasMetadata w) {
    String ns = w.getMetadata().getNamespace();
    Set<ResourceID> pools = ctx.getPrimaryCache()
        .byIndex(POOLS_BY_TARGET, w.getKind() + "/" + ns + "/" + w.getMetadata().getName()).stream()
        .map(ResourceID::fromResource).collect(Collectors.toCollection(java.util.HashSet::new));
    SidecarInjection.record(w).ifPresent(r -> pools.add(new ResourceID(r.pool(), ns)));
    ownerPool(w).ifPresent(pools::add);
    return pools;
  }

  private static Optional<String> targetKey(StickyPool p) {
    var proxy = p.getSpec() == null ? null : p.getSpec().getProxy();
    if (proxy == null || proxy.getMode() != ProxyMode.Sidecar || proxy.getTargetRef() == null) {
      return Optional.empty();
    }
    return Optional.of(proxy.getTargetRef().getKind() + "/" + p.getMetadata().getNamespace() + "/"
        + proxy.getTargetRef().getName());
  }

  /** Workloads the cache shows carrying this pool's sidecar. */
  public static List<HasMetadata> injectedWorkloads(Context<StickyPool> ctx, StickyPool pool) {
    List<HasMetadata> all = new java.util.ArrayList<>();
    all.addAll(source(ctx, Deployment.class, DEPLOYMENTS).byIndex(WORKLOADS_BY_INJECTED_POOL, key(pool)));
    all.addAll(source(ctx, StatefulSet.class, STATEFUL_SETS).byIndex(WORKLOADS_BY_INJECTED_POOL, key(pool)));
    return all;
  }

  /**
   * The proxy pods, whose admin ports report live sessions. A pod that turns ready (or goes) starts
   * a reconcile, so a new replica is asked at once rather than at the next refresh.
   */
  private static InformerEventSource<Pod, StickyPool> proxyPods(EventSourceContext<StickyPool> ctx) {
    var podConfig = InformerEventSourceConfiguration.from(Pod.class, StickyPool.class)
        .withName(PODS)
        .withNamespacesInheritedFromController()
        .withLabelSelector(MANAGED_BY + ",app.kubernetes.io/name=" + PoolIdentity.APP_NAME)
        .withSecondaryToPrimaryMapper(p -> poolOf(p).map(pool ->
            Set.of(new ResourceID(pool, p.getMetadata().getNamespace()))).orElse(Set.of()))
        .build();
    var pods = new InformerEventSource<>(podConfig, ctx);
    pods.addIndexers(Map.of(PODS_BY_POOL, p -> poolOf(p)
        .map(pool -> List.of(p.getMetadata().getNamespace() + "/" + pool)).orElse(List.of())));
    return pods;
  }

  public static List<Pod> proxyPods(Context<StickyPool> ctx, StickyPool pool) {
    return source(ctx, Pod.class, PODS).byIndex(PODS_BY_POOL, key(pool));
  }

  private static Optional<String> poolOf(Pod pod) {
    Map<String, String> labels = pod.getMetadata().getLabels();
    return Optional.ofNullable(labels == null ? null : labels.get(PoolIdentity.POOL_LABEL));
  }

  public static Optional<Service> targetService(Context<StickyPool> ctx, StickyPool pool) {
    return source(ctx, Service.class, SERVICES).get(
        new ResourceID(pool.getSpec().getBackend().getService(), pool.getMetadata().getNamespace()));
  }

  public static List<EndpointSlice> targetSlices(Context<StickyPool> ctx, StickyPool pool) {
    return source(ctx, EndpointSlice.class, SLICES).byIndex(SLICES_BY_SERVICE, serviceKey(pool));
  }

  public static Optional<Deployment> proxyDeployment(Context<StickyPool> ctx, StickyPool pool) {
    PoolIdentity id = PoolIdentity.of(pool);
    return source(ctx, Deployment.class, DEPLOYMENTS).get(new ResourceID(id.proxyName(), id.namespace()));
  }

  @SuppressWarnings("unchecked")
  private static <R extends HasMetadata> InformerEventSource<R, StickyPool> source(
      Context<StickyPool> ctx, Class<R> type, String name) {
    return (InformerEventSource<R, StickyPool>) ctx.eventSourceRetriever().getEventSourceFor(type, name);
  }

  private static Set<ResourceID> poolsOf(EventSourceContext<StickyPool> ctx, String serviceKey) {
    return ctx.getPrimaryCache().byIndex(POOLS_BY_SERVICE, serviceKey).stream()
        .map(ResourceID::fromResource).collect(Collectors.toSet());
  }

  private static String key(HasMetadata o) {
    return key(o.getMetadata().getNamespace(), o.getMetadata().getName());
  }

  private static String key(String namespace, String name) {
    return namespace + "/" + name;
  }

  private static String serviceKey(StickyPool p) {
    return p.getMetadata().getNamespace() + "/" + p.getSpec().getBackend().getService();
  }

  private static String sliceKey(EndpointSlice s) {
    return s.getMetadata().getNamespace() + "/"
        + s.getMetadata().getLabels().get(EndpointSliceMapper.SERVICE_NAME_LABEL);
  }
}
