package io.stickypool.operator;

import io.stickypool.operator.lease.LeaderElectionSettings;
import io.stickypool.operator.lease.Leadership;
import io.stickypool.operator.lease.LeaseRelease;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.RuntimeInfo;
import io.javaoperatorsdk.operator.api.config.ConfigurationServiceOverrider;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.health.EventSourceHealthIndicator;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.stickypool.operator.admin.AdminServer;
import io.stickypool.operator.admin.Readiness;
import io.stickypool.operator.view.LiveView;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the controller, the optional Lease election and the optional admin server. SSA is off
 * everywhere so production runs the same paths the CRUD-mock tests cover. start/stop are
 * synchronized; the lost-leadership callback runs on fabric8's election thread.
 */
public final class StickyPoolOperator {
  private static final Logger LOG = LoggerFactory.getLogger(StickyPoolOperator.class);

  private Operator operator;
  private StickyPoolReconciler reconciler;
  private AdminServer admin;
  private Leadership leadership;
  private KubernetesClient client;
  private Optional<LeaderElectionSettings> lease = Optional.empty();
  private volatile boolean stopping;
  private Clock clock = Clock.systemUTC();

  /** All namespaces, no leader election, no admin server. */
  public void start(KubernetesClient client, String defaultImage) {
    start(client, OperatorSettings.builder(defaultImage).build());
  }

  public synchronized void start(KubernetesClient client, OperatorSettings settings) {
    stopping = false;
    this.client = client;
    this.lease = settings.leaderElection();
    this.clock = settings.clock();
    new JvmMemoryMetrics().bindTo(settings.metrics());
    new ProcessorMetrics().bindTo(settings.metrics());
    leadership = settings.leaderElection().map(l -> new Leadership(l.identity())).orElse(null);
    operator = new Operator(o -> configure(o, client, settings));
    reconciler = new StickyPoolReconciler(client, settings);
    operator.register(reconciler, c -> {
      if (!settings.namespaces().isEmpty()) {
        c.settingNamespaces(settings.namespaces());
      }
    });
    // Bind first: a taken port fails before we touch the cluster; /readyz says "starting" meanwhile.
    admin = settings.admin().map(a -> AdminServer.start(a, this::readiness, settings.metrics()::scrape,
        this::liveView)).orElse(null);
    try {
      operator.start();
    } catch (RuntimeException e) {
      stop();
      throw e;
    }
  }

  private void configure(ConfigurationServiceOverrider o, KubernetesClient client, OperatorSettings settings) {
    o.withKubernetesClient(client)
        .withCloseClientOnStop(false)
        // A stop (SIGTERM) lets in-flight reconciles finish their writes, instead of cutting one
        // between the routes ConfigMap and the status (JOSDK's default waits for nothing). Each
        // is short: one session round is bounded at 1.5 s.
        .withReconciliationTerminationTimeout(java.time.Duration.ofSeconds(10))
        .withUseSSAToPatchPrimaryResource(false)
        .withSSABasedCreateUpdateMatchForDependentResources(false)
        .withMetrics(MicrometerMetrics.withoutPerResourceMetrics(settings.metrics()));
    // exitOnStopLeading=false: we decide in lostLeadership, because JOSDK would also exit while a
    // clean stop() releases the lease. The builder refuses false outside tests; the constructor takes it.
    settings.leaderElection().ifPresent(l -> o.withLeaderElectionConfiguration(new LeaderElectionConfiguration(
        l.leaseName(), l.leaseNamespace(), l.leaseDuration(), l.renewDeadline(), l.retryPeriod(), l.identity(),
        leadership.callbacks(() -> lostLeadership(l)), false)));
  }

  /**
   * JOSDK keeps processing events after the lease is gone, so a replica must not stay up as a
   * second leader: exit (Kubernetes restarts the pod as a standby), or in tests stop the operator.
   */
  private void lostLeadership(LeaderElectionSettings l) {
    if (stopping) {
      return; // our own stop() gives the lease up
    }
    if (l.exitOnLostLeadership()) {
      LOG.error("{} lost lease {}/{}; exiting so the pod restarts as a standby", l.identity(),
          l.leaseNamespace(), l.leaseName());
      System.exit(1);
    }
    LOG.warn("{} lost lease {}/{}; stopping the operator", l.identity(), l.leaseNamespace(), l.leaseName());
    new Thread(this::stop, "stickypool-operator-lost-lease").start();
  }

  /** The admin server's address once started (port 0 resolves to the bound port). */
  public synchronized Optional<InetSocketAddress> adminAddress() {
    return Optional.ofNullable(admin).map(AdminServer::address);
  }

  /** True while this replica holds the Lease; always false without leader election. */
  public synchronized boolean isLeader() {
    return leadership != null && leadership.isLeader();
  }

  /** For tests: what JOSDK reports about the running controllers. */
  synchronized RuntimeInfo runtimeInfo() {
    return operator.getRuntimeInfo();
  }

  /** What the admin server's threads read, taken at once: start and stop change it under the lock. */
  private record Running(Operator operator, StickyPoolReconciler reconciler, Leadership lease, Clock clock) {}

  private synchronized Running running() {
    return new Running(operator, reconciler, leadership, clock);
  }

  Readiness readiness() {
    Running now = running();
    Operator current = now.operator();
    Leadership lease = now.lease();
    String leaderLine = (lease == null ? "leader election: off" : lease.describe()) + "\n";
    if (current == null) {
      return new Readiness(false, "operator: stopped\n" + leaderLine);
    }
    RuntimeInfo info = current.getRuntimeInfo();
    if (!info.isStarted()) {
      return new Readiness(false, "operator: starting\n" + leaderLine);
    }
    if (!info.allEventSourcesAreHealthy()) {
      return new Readiness(false, "operator: unhealthy event sources\n" + unhealthy(info) + leaderLine);
    }
    return new Readiness(true, "operator: ready\n" + leaderLine);
  }

  /** What the live view shows: the reconciler's caches and recent Events, never a request. */
  LiveView liveView() {
    Running now = running();
    String replica = now.lease() == null ? "single" : now.lease().isLeader() ? "leader" : "standby";
    StickyPoolReconciler current = now.reconciler();
    return current == null ? LiveView.of(now.clock().instant(), replica, List.of(), List.of())
        : LiveView.of(now.clock().instant(), replica, current.cachedPools(), current.recentEvents());
  }

  private static String unhealthy(RuntimeInfo info) {
    StringBuilder out = new StringBuilder();
    for (Map.Entry<String, Map<String, EventSourceHealthIndicator>> c : info.unhealthyEventSources().entrySet()) {
      out.append(c.getValue().entrySet().stream()
          .map(e -> "  " + c.getKey() + "/" + e.getKey() + ": " + e.getValue().getStatus() + "\n")
          .collect(Collectors.joining()));
    }
    return out.toString();
  }

  public synchronized void stop() {
    stopping = true;
    if (admin != null) {
      admin.stop();
      admin = null;
    }
    boolean held = leadership != null && leadership.isLeader();
    if (operator != null) {
      operator.stop();
      operator = null;
    }
    if (reconciler != null) {
      reconciler.close(); // the Events of the last reconciles go out
      reconciler = null;
    }
    if (held) {
      lease.ifPresent(l -> LeaseRelease.release(client, l));
    }
  }
}
