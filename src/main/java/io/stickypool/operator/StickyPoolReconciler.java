package io.stickypool.operator;

import io.stickypool.operator.status.Conditions;
import io.stickypool.operator.status.PoolStatusWriter;
import io.stickypool.operator.status.TlsSecretStatus;
import io.stickypool.operator.status.SessionStatus;
import io.stickypool.operator.status.StatusPublisher;
import io.stickypool.operator.status.ProxyHealth;
import io.stickypool.operator.status.ProxyDisruptionReport;
import io.stickypool.operator.status.ReconcileFailure;
import io.stickypool.operator.events.PoolEvents;
import io.stickypool.operator.events.DrainEventText;
import io.stickypool.operator.sidecar.SidecarTargets;
import io.stickypool.operator.sidecar.NativeSidecarSupport;
import io.stickypool.operator.sessions.PoolSessionRounds;
import io.stickypool.operator.drain.BackendSharing;
import io.stickypool.operator.drain.DrainGraceReport;
import io.stickypool.operator.endpoints.PoolMemory;
import io.stickypool.operator.apply.PoolCleanup;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.apps.Deployment;
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
import io.stickypool.core.backend.BackendId;
import io.stickypool.operator.apply.InitialReplicas;
import io.stickypool.operator.apply.OwnedObjectWriter;
import io.stickypool.operator.apply.OwnedObjects;
import io.stickypool.operator.caches.PoolEventSources;
import io.stickypool.operator.drain.BackendPods;
import io.stickypool.operator.endpoints.BackendResolver;
import io.stickypool.operator.endpoints.ObservedEndpoints;
import io.stickypool.operator.endpoints.EndpointSync;
import io.stickypool.operator.events.EventReason;
import io.stickypool.operator.events.EventRecorder;
import io.stickypool.operator.model.InvalidSpec;
import io.stickypool.operator.model.KeySchedule;
import io.stickypool.operator.model.PoolIdentity;
import io.stickypool.operator.model.PoolModel;
import io.stickypool.operator.model.PoolSettings;
import io.stickypool.operator.model.PoolSpecCheck;
import io.stickypool.operator.model.EffectiveProxy;
import io.stickypool.operator.model.SidecarModel;
import io.stickypool.operator.model.RoutesConfigMapModel;
import io.stickypool.operator.sessions.HttpReportFetcher;
import io.stickypool.operator.sessions.PoolSessions;
import io.stickypool.operator.sessions.SessionCollector;
import io.stickypool.operator.sessions.SessionRoundSchedule;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One reconcile in four steps: gather (the informer caches, the pool's own objects included, and
 * the last session round), decide (the pure {@code model} and {@code endpoints} packages: the
 * snapshot, drain steps, key rotation and every owned object as wanted), apply (server-side apply
 * of what differs, the sidecar, deletion cost) and report (status and Events). One reconcile per pool at a time (JOSDK); pools reconcile concurrently, so this class
 * keeps no per-reconcile state in fields.
 */
@ControllerConfiguration(
    name = "stickypool",
    generationAwareEventProcessing = false,
    informer = @Informer(onUpdateFilter = PoolUpdateFilter.class))
public class StickyPoolReconciler implements Reconciler<StickyPool>, Cleaner<StickyPool>, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StickyPoolReconciler.class);
  /** A safety net only: Service, slice and Deployment changes each trigger a reconcile at once. */
  private static final Duration RESYNC = Duration.ofMinutes(5);

  private final KubernetesClient client;
  private final Clock clock;
  private final String defaultImage;
  /** Events wait here when the API server is slow, rather than in a reconcile. */
  private static final int EVENT_QUEUE = 10_000;

  private final EventRecorder recorder;
  private final PoolEvents events;
  private final PoolKeys keys;
  private final OwnedObjectWriter writer;
  private final StatusPublisher statusPublisher;
  private final PoolMemory memory = new PoolMemory();
  private final PoolSessionRounds sessionRounds;
  /** Reconciles a pool asks for outside the informers' events: session rounds, pools sharing backends. */
  private final SimpleInboundEventSource<StickyPool> wake = new SimpleInboundEventSource<>("wake-ups");
  private final Duration drainRefresh;
  private final DrainGraceReport grace;
  private final ProxyDisruptionReport disruption;
  private final BackendSharing sharing;
  private final SidecarTargets targets;
  /** Asked of the API server once, at the first sidecar pool, unless the settings decide it. */
  private final Supplier<Boolean> nativeSidecars;
  /** The pools as the informer holds them, for the live view; set when JOSDK prepares the sources. */
  private volatile io.javaoperatorsdk.operator.api.reconciler.ResourceCache<StickyPool> pools;

  public StickyPoolReconciler(KubernetesClient client, String defaultImage) {
    this(client, OperatorSettings.builder(defaultImage).build());
  }

  public StickyPoolReconciler(KubernetesClient client, OperatorSettings settings) {
    this.client = client;
    this.defaultImage = settings.defaultImage();
    this.clock = settings.clock();
    this.recorder = new EventRecorder(client, clock, EVENT_QUEUE);
    this.events = new PoolEvents(recorder);
    this.keys = new PoolKeys(events);
    this.writer = new OwnedObjectWriter(client, settings.writeMethod());
    this.statusPublisher = new StatusPublisher(client);
    // One HTTP client for every pool; each round is bounded, so a dead proxy delays only its pool.
    this.sessionRounds = new PoolSessionRounds(new SessionRoundSchedule<>(new SessionCollector(
        new HttpReportFetcher(), SessionCollector.DEFAULT_DEADLINE, clock),
        settings.sessionRefresh(), settings.drainRefresh()), settings.adminTargets());
    this.drainRefresh = settings.drainRefresh();
    this.grace = new DrainGraceReport(events);
    this.disruption = new ProxyDisruptionReport(events);
    this.sharing = new BackendSharing(client);
    this.targets = new SidecarTargets(client);
    this.nativeSidecars = settings.nativeSidecars() != null ? settings::nativeSidecars
        : memoize(() -> NativeSidecarSupport.detect(client));
  }

  private static <T> Supplier<T> memoize(Supplier<T> supplier) {
    var value = new java.util.concurrent.atomic.AtomicReference<T>();
    return () -> value.updateAndGet(v -> v != null ? v : supplier.get());
  }

  @Override
  public List<EventSource<?, StickyPool>> prepareEventSources(EventSourceContext<StickyPool> ctx) {
    pools = ctx.getPrimaryCache();
    List<EventSource<?, StickyPool>> sources = new java.util.ArrayList<>(PoolEventSources.create(ctx));
    // A session round whose figures changed wakes its pool (an idle pool's rounds wake nothing), and
    // a pool wakes the pools sharing a backend with it when what it does there changed.
    sessionRounds.wakeWith(wake::propagateEvent);
    sources.add(wake);
    return sources;
  }

  @Override
  public UpdateControl<StickyPool> reconcile(StickyPool pool, Context<StickyPool> ctx) {
    Instant now = clock.instant();
    String statusBefore = client.getKubernetesSerialization().asJson(pool.getStatus());
    StickyPoolStatus status = statusOf(pool);
    String readyBefore = PoolStatusWriter.readyReason(status);
    status.setObservedGeneration(pool.getMetadata().getGeneration());
    Optional<InvalidSpec> invalid = PoolSpecCheck.problem(pool.getSpec());
    // An invalid spec writes nothing: the proxies keep their last good routes and keys until it is
    // fixed, and the fix (a spec change) starts the next reconcile.
    invalid.ifPresent(e -> PoolStatusWriter.invalidSpec(status, e.getMessage()
        + "; nothing was changed, the proxies keep their last good routes", now));
    if (invalid.isPresent()) {
      sharing.recordNone(pool).forEach(wake::propagateEvent);
    }
    Optional<Instant> nextDue = invalid.isPresent() ? Optional.empty() : sync(pool, status, ctx, now);
    if (invalid.isEmpty() && tlsSecretInvalid(pool, status, now)) {
      Instant recheck = now.plus(TlsSecretStatus.RECHECK);
      nextDue = Optional.of(nextDue.filter(recheck::isAfter).orElse(recheck));
    }
    PoolStatusWriter.newProblem(readyBefore, status)
        .ifPresent(c -> events.problem(pool, c));
    Duration wakeUp = nextDue.map(due -> Duration.between(now, due))
        .map(d -> d.isNegative() ? Duration.ZERO : d)
        .filter(d -> d.compareTo(RESYNC) < 0).orElse(RESYNC);
    // An idle pool's reconcile changes nothing a user reads: sending the same status again would
    // still cost a request, and every pool does it each refresh.
    boolean changed = !client.getKubernetesSerialization().asJson(status).equals(statusBefore);
    if (changed) {
      statusPublisher.publish(pool);
    }
    return UpdateControl.<StickyPool>noUpdate().rescheduleAfter(wakeUp);
  }

  /**
   * Ready=False (TlsSecretInvalid) when spec.proxy.tls names a Secret that is missing or holds no
   * pair. Read by name from the API server: the Secret is the user's, not in the owned-object
   * caches. An API error leaves the status as the reconcile wrote it.
   */
  private boolean tlsSecretInvalid(StickyPool pool, StickyPoolStatus status, Instant now) {
    String name = io.stickypool.operator.model.EffectiveProxy.tlsSecret(pool);
    if (name == null) {
      return false;
    }
    String ns = pool.getMetadata().getNamespace();
    Optional<String> problem;
    try {
      problem = TlsSecretStatus.problem(ns, name, client.secrets().inNamespace(ns).withName(name).get());
    } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
      LOG.warn("pool {}/{}: cannot read TLS Secret {}: {}", ns, pool.getMetadata().getName(), name, e.getMessage());
      return false;
    }
    problem.ifPresent(p -> TlsSecretStatus.write(status, p, now));
    return problem.isPresent();
  }

  /**
   * Gather, decide, apply, report.
   *
   * @return when the reconcile should come back on its own (quick rounds while draining, a key
   *     rotation step, a held-back deletion cost), whichever comes first; empty: only on a change
   */
  private Optional<Instant> sync(
      StickyPool pool, StickyPoolStatus status, Context<StickyPool> ctx, Instant now) {
    Optional<Gathered> gathered = gather(pool, ctx, now);
    if (gathered.isEmpty()) {
      sharing.recordNone(pool).forEach(wake::propagateEvent);
      // Keep the routes ConfigMap as is: never replace a good snapshot with an empty one.
      PoolStatusWriter.notReady(status, ConditionReasons.SERVICE_NOT_FOUND, "Service "
          + pool.getMetadata().getNamespace() + "/" + pool.getSpec().getBackend().getService()
          + " not found; proxies keep the last good backends", now);
      return Optional.empty();
    }
    Decision decision = decide(pool, gathered.get(), now);
    Applied applied = apply(pool, status, ctx, gathered.get(), decision, now);
    report(pool, status, ctx, gathered.get(), decision, applied, now);
    sessionRounds.follow(pool, gathered.get().proxyPods(), decision.quick());
    return java.util.stream.Stream.of(decision.nextDue(), applied.costsDue()).flatMap(Optional::stream)
        .min(Instant::compareTo);
  }

  /**
   * What one reconcile knows, read from the informer caches (nothing from the API server, except a
   * sidecar target still to be injected) and from the pool's last session round.
   */
  private record Gathered(boolean sidecar, Optional<HasMetadata> target, BackendResolver.Resolved backend,
      List<EndpointSlice> slices, List<Pod> proxyPods, PoolSessions sessions, ConfigMap routes, Secret keys,
      Optional<Deployment> proxyDeployment, Map<BackendId, java.util.SortedSet<String>> holds) {}

  private Optional<Gathered> gather(StickyPool pool, Context<StickyPool> ctx, Instant now) {
    Optional<Service> service = PoolEventSources.targetService(ctx, pool);
    if (service.isEmpty()) {
      return Optional.empty();
    }
    boolean sidecar = isSidecar(pool);
    Optional<HasMetadata> target = sidecar ? targets.get(pool, ctx) : Optional.empty();
    List<EndpointSlice> slices = PoolEventSources.targetSlices(ctx, pool);
    BackendResolver.Resolved backend = BackendResolver.resolve(service.get(), slices,
        pool.getSpec().getBackend().getPort());
    List<Pod> proxyPods = sidecar
        ? PoolEventSources.sidecarPods(ctx, pool) : PoolEventSources.proxyPods(ctx, pool);
    PoolIdentity id = PoolIdentity.of(pool);
    return Optional.of(new Gathered(sidecar, target, backend, slices, proxyPods,
        sessionRounds.latest(pool, now),
        PoolEventSources.cached(ctx, ConfigMap.class, id.namespace(), id.routesName()).orElse(null),
        PoolEventSources.cached(ctx, Secret.class, id.namespace(), id.keysName()).orElse(null),
        PoolEventSources.proxyDeployment(ctx, pool), sharing.holds(pool, ctx, backend.endpoints())));
  }

  /** What the reconcile decided, before anything is written: no client call on the way. */
  /** @param quick session rounds (and reconciles) at the drain pace: draining, or a leave still being counted */
  private record Decision(EndpointSync sync, KeySchedule.Plan keys, PoolModel.Owned desired, boolean quick,
      Optional<Instant> nextDue) {}

  private Decision decide(StickyPool pool, Gathered g, Instant now) {
    EndpointSync sync = memory.sync(pool, g.routes(), g.backend().endpoints(),
        g.sessions().forDrain(g.backend().endpoints().byId().keySet()), g.holds(), now);
    KeySchedule.Plan ring = keys.plan(pool, g.keys(), now);
    PoolModel.Owned desired = g.sidecar()
        ? PoolModel.sidecar(pool, sync.snapshot(), ring.ring(), ring.secretAnnotations(),
            g.target().map(SidecarTargets::describe).orElse(null))
        : PoolModel.desired(pool, sync.snapshot(), ring.ring(), ring.secretAnnotations(), defaultImage,
            g.proxyDeployment().isPresent());
    // Quick rounds while draining, and while a leave's moves are still showing up; then the
    // reconcile also comes back at that pace (deadlines, idle sessions). Otherwise only a change,
    // a round whose figures changed, or a key rotation step brings it back.
    boolean quick = draining(sync) || sessionRounds.settling(pool);
    Optional<Instant> quickly = quick ? Optional.of(now.plus(drainRefresh)) : Optional.empty();
    return new Decision(sync, ring, desired, quick,
        java.util.stream.Stream.of(ring.nextDue(), quickly).flatMap(Optional::stream).min(Instant::compareTo));
  }

  /**
   * What writing the decision did.
   *
   * @param costsDue when a deletion-cost change the writer held back may be written
   */
  private record Applied(ProxyHealth proxy, Optional<Instant> costsDue) {}

  private Applied apply(StickyPool pool, StickyPoolStatus status, Context<StickyPool> ctx, Gathered g,
      Decision d, Instant now) {
    for (HasMetadata obj : d.desired().all()) {
      OwnedObjects.own(obj, pool);
      if (obj instanceof Deployment proxy && !poolSetsReplicas(pool)) {
        writer.write(proxy, InitialReplicas.split(proxy), PoolEventSources.cacheFor(ctx, proxy));
      } else {
        writer.write(obj, PoolEventSources.cacheFor(ctx, obj));
      }
    }
    // Only once the routes are written: a restart then starts from what the proxies were given.
    memory.commit(pool, d.sync());
    // Pools sharing a backend decide from what this one does: a change wakes them.
    sharing.record(pool, d.sync(), completeCounts(g.sessions(), g.backend().endpoints()))
        .forEach(wake::propagateEvent);
    ProxyHealth proxy = g.sidecar() ? placeSidecar(pool, status, g.target(), now)
        : ProxyHealth.of(g.proxyDeployment().orElse(null));
    clearOtherMode(pool, status, ctx, g.target());
    Optional<Instant> costsDue = sharing.updateCosts(pool, ctx, d.sync(), PoolEventSources.backendPods(ctx), now);
    return new Applied(proxy, costsDue);
  }

  private void report(StickyPool pool, StickyPoolStatus status, Context<StickyPool> ctx, Gathered g,
      Decision d, Applied applied, Instant now) {
    EndpointSync sync = d.sync();
    keys.announce(pool, d.keys());
    var drain = PoolSettings.of(pool.getSpec()).drain();
    sync.transitions().forEach(t -> events.transition(pool, t, DrainEventText.message(t, g.sessions(), drain, now)));
    events.holds(pool, sync);
    if (sync.snapshotChanged()) {
      events.routesUpdated(pool, sync);
    }
    sessionRounds.rebalanced(pool, g.sessions(), sync).forEach(m -> events.sessionsRebalanced(pool, m));
    SessionStatus.Shown shownBefore = SessionStatus.shown(status);
    PoolStatusWriter.write(status, sync, g.backend().portProblem(), applied.proxy(), now);
    grace.report(pool, status, g.backend().endpoints(), g.slices(), PoolEventSources.backendPods(ctx), now);
    disruption.report(pool, status, g.proxyDeployment(), now);
    SessionStatus.write(status, shownBefore, g.sessions());
  }

  /** Sidecar mode: puts the sidecar into the target (or says why not) and reports the rollout. */
  private ProxyHealth placeSidecar(
      StickyPool pool, StickyPoolStatus status, Optional<HasMetadata> target, Instant now) {
    boolean nativeSidecar = nativeSidecars.get();
    SidecarTargets.Outcome outcome = target
        .map(t -> targets.inject(pool, t, SidecarModel.sidecar(
            PoolIdentity.of(pool), EffectiveProxy.of(pool, defaultImage), nativeSidecar)))
        .orElseGet(() -> SidecarTargets.missing(pool));
    if (outcome.result() == SidecarTargets.Result.INJECTED) {
      events.emit(pool, EventReason.SIDECAR_INJECTED, outcome.message() + "; its pods roll out");
    }
    PoolStatusWriter.sidecar(status, pool, outcome, nativeSidecar, now);
    return outcome.injected() ? ProxyHealth.ofTarget(outcome.target())
        : ProxyHealth.blocked(SidecarTargets.reason(outcome.result()), outcome.message());
  }

  /**
   * After a switch between Deployment and Sidecar mode, or to another target: deletes what only
   * the other mode used and takes the sidecar out of workloads that should no longer carry it.
   * Checks the caches first, so that a pool that stays in its mode costs no extra call.
   */
  private void clearOtherMode(
      StickyPool pool, StickyPoolStatus status, Context<StickyPool> ctx, Optional<HasMetadata> target) {
    PoolIdentity id = PoolIdentity.of(pool);
    boolean sidecar = isSidecar(pool);
    if (sidecar && PoolEventSources.proxyDeployment(ctx, pool).isPresent()) {
      PoolCleanup.deleteOtherMode(client, id, ProxyMode.Sidecar);
    }
    if (!sidecar && status.getSidecar() != null) {
      PoolCleanup.deleteOtherMode(client, id, ProxyMode.Deployment);
      status.setSidecar(null);
      status.setConditions(status.getConditions().stream()
          .filter(c -> !ConditionTypes.SIDECAR_INJECTED.equals(c.getType())).toList());
    }
    boolean stale = PoolEventSources.injectedWorkloads(ctx, pool).stream()
        .anyMatch(w -> target.map(t -> !SidecarTargets.kindName(t).equals(SidecarTargets.kindName(w))).orElse(true));
    if (stale) {
      targets.removeAll(id, sidecar ? target : Optional.empty()).forEach(w -> events.emit(pool,
          EventReason.SIDECAR_REMOVED, "removed the proxy sidecar from " + w));
    }
  }

  private static boolean poolSetsReplicas(StickyPool pool) {
    return pool.getSpec().getProxy() != null && pool.getSpec().getProxy().getReplicas() != null;
  }

  private static boolean isSidecar(StickyPool pool) {
    return pool.getSpec().getProxy() != null && pool.getSpec().getProxy().getMode() == ProxyMode.Sidecar;
  }

  /**
   * Session counts per backend pod for pod-deletion-cost, only from a round every proxy answered:
   * a partial figure would make a busy pod look cheap to delete.
   */
  private static Map<BackendId, Long> completeCounts(PoolSessions sessions, ObservedEndpoints endpoints) {
    Map<BackendId, Long> counts = new java.util.TreeMap<>();
    if (sessions.complete()) {
      endpoints.endpoints().forEach(e -> counts.put(e.id(), sessions.sessions(e.id()).orElse(0)));
    }
    return counts;
  }

  private static boolean draining(EndpointSync sync) {
    return sync.snapshot().backends().stream()
        .anyMatch(b -> b.state() == io.stickypool.core.backend.BackendState.DRAINING);
  }

  @Override
  public DeleteControl cleanup(StickyPool pool, Context<StickyPool> ctx) {
    // The target first: its pods must not keep mounting a Secret that is about to go.
    List<String> uninjected = targets.removeAll(PoolIdentity.of(pool), Optional.empty());
    uninjected.forEach(w -> LOG.info("StickyPool {}/{} deleted: removed its sidecar from {}",
        pool.getMetadata().getNamespace(), pool.getMetadata().getName(), w));
    int deleted = PoolCleanup.deleteOwned(client, PoolIdentity.of(pool));
    memory.forget(pool.getMetadata().getUid());
    sessionRounds.forget(pool.getMetadata().getUid());
    sharing.forget(pool);
    LOG.info("StickyPool {}/{} deleted: removed {} owned objects",
        pool.getMetadata().getNamespace(), pool.getMetadata().getName(), deleted);
    return DeleteControl.defaultDelete();
  }

  /**
   * Every pool in the informer cache, status included: no request to the API server. These are the
   * cache's own objects: read them, never change them.
   */
  public List<StickyPool> cachedPools() {
    var cache = pools;
    return cache == null ? List.of() : cache.list().toList();
  }

  /** The Events recorded lately, newest first, from memory. */
  public List<io.stickypool.operator.events.RecentEvents.Entry> recentEvents() {
    return recorder.recent().newestFirst();
  }

  /** Writes the Events still queued (a few seconds at most), then stops their writer. */
  @Override
  public void close() {
    sessionRounds.close();
    recorder.close();
  }

  /** A failed reconcile shows on the pool; JOSDK retries with backoff meanwhile. */
  @Override
  public ErrorStatusUpdateControl<StickyPool> updateErrorStatus(
      StickyPool pool, Context<StickyPool> ctx, Exception e) {
    StickyPoolStatus status = statusOf(pool);
    String readyBefore = PoolStatusWriter.readyReason(status);
    status.setConditions(Conditions.set(status.getConditions(), ConditionTypes.READY, "False",
        ConditionReasons.RECONCILE_ERROR, "reconcile failed, retrying: " + ReconcileFailure.describe(e),
        clock.instant()));
    PoolStatusWriter.newProblem(readyBefore, status)
        .ifPresent(c -> events.problem(pool, c));
    try {
      statusPublisher.publish(pool);
    } catch (RuntimeException writeFailed) {
      LOG.warn("StickyPool {}/{}: could not write the failure to its status: {}", pool.getMetadata().getNamespace(),
          pool.getMetadata().getName(), ReconcileFailure.describe(writeFailed));
    }
    return ErrorStatusUpdateControl.noStatusUpdate();
  }

  private static StickyPoolStatus statusOf(StickyPool pool) {
    if (pool.getStatus() == null) {
      pool.setStatus(new StickyPoolStatus());
    }
    return pool.getStatus();
  }

  public static long annotatedVersion(ConfigMap routes) {
    if (routes == null || routes.getMetadata().getAnnotations() == null) {
      return 0;
    }
    String v = routes.getMetadata().getAnnotations().get(RoutesConfigMapModel.SNAPSHOT_VERSION_ANNOTATION);
    return v == null ? 0 : Long.parseLong(v);
  }
}
