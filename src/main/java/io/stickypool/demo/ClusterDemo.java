package io.stickypool.demo;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.stickypool.api.v1alpha1.StickyPool;
import io.stickypool.operator.OperatorSettings;
import io.stickypool.operator.StickyPoolOperator;
import io.stickypool.operator.events.EventReason;
import io.stickypool.sandbox.controlplane.ControlPlaneBinaries;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.function.BooleanSupplier;

/**
 * The whole story on one machine: a Kubernetes API, the real operator, the samples applied through
 * the API, a node that makes the Deployments real on loopback, and simulated users browsing through
 * the two proxies. Midway the backend Deployment is scaled 4 -> 2 through the API; the pool drains
 * the leaving pods while some of their users leave and the rest are moved at the deadline; its
 * Events scroll above a table of sessions per backend; the summary judges what the users saw and
 * holds every figure printed against the others.
 * Two platforms ({@link DemoPlatform}): the embedded API with a simulated node ({@code make demo},
 * nothing to build), or a real control plane with KWOK's fake node ({@code make demo-cluster}).
 */
public final class ClusterDemo {
  static final String APP = "web";
  /** The cookie a pool sets when spec.affinity leaves the name at its default. */
  static final String COOKIE = "stickypool";
  private static final String REBALANCED = EventReason.SESSIONS_REBALANCED.wire();
  private static final String DRAINING = EventReason.BACKEND_DRAINING.wire();
  /** A session round or two, and the proxies' idle sweep. */
  private static final Duration TABLE_CATCH_UP = Duration.ofSeconds(6);
  /** Past the operator's 30 s patience for a leave's moves. */
  private static final Duration REBALANCED_WAIT = Duration.ofSeconds(35);

  private final PrintStream out;
  private final DemoScreen screen;
  private final ClusterDemoOptions options;
  private final Instant started = Instant.now();

  /** Redraws the table in place when {@code out} is this JVM's ANSI terminal, else plain lines. */
  public ClusterDemo(PrintStream out, ClusterDemoOptions options) {
    this(new DemoScreen(out, DemoScreen.isAnsiTerminal(out)), options);
  }

  ClusterDemo(DemoScreen screen, ClusterDemoOptions options) {
    this.screen = screen;
    this.out = screen.lines();
    this.options = options;
  }

  /** {@code make demo}: the embedded API and a simulated node. */
  public ClusterDemoSummary run() throws Exception {
    try (DemoPlatform platform = EmbeddedPlatform.start(out)) {
      return run(platform);
    }
  }

  /** {@code make demo-cluster}: a control plane of its own from these binaries, stopped at the end. */
  public ClusterDemoSummary runOnControlPlane(ControlPlaneBinaries binaries) throws Exception {
    try (DemoPlatform platform = ControlPlanePlatform.start(binaries, out, false)) {
      return run(platform);
    }
  }

  ClusterDemoSummary run(DemoPlatform platform) throws Exception {
    KubernetesClient client = platform.client();
    DemoNode node = platform.node();
    platform.introduce(out);
    node.start();
    StickyPoolOperator operator = new StickyPoolOperator();
    operator.start(client, OperatorSettings.builder("ghcr.io/stickypool/stickypool:0.1.0")
        .namespaces(Set.of(platform.namespace())).sessionRefresh(Duration.ofSeconds(1))
        .drainRefresh(Duration.ofMillis(500)).adminTargets(node::adminTarget)
        .writeMethod(platform.writeMethod())
        // Port 0: a free port; the live view page is served there for as long as the demo runs.
        .admin(new java.net.InetSocketAddress("127.0.0.1", 0)).build());
    out.println("[demo] operator started against it (the real StickyPoolOperator, this JVM)");
    out.println("[demo] live view of the pool (open it in a browser): http://127.0.0.1:"
        + operator.adminAddress().orElseThrow().getPort() + "/");
    try (PoolEventStream events = new PoolEventStream(client, platform.namespace(), out, started)) {
      ClusterDemoSummary summary = story(platform, events);
      screen.release();
      out.print(summary);
      if (options.keep()) {
        keepRunning(platform);
      }
      return summary;
    } finally {
      operator.stop();
    }
  }

  private ClusterDemoSummary story(DemoPlatform platform, PoolEventStream events) throws Exception {
    KubernetesClient client = platform.client();
    String ns = platform.namespace();
    DemoNode node = platform.node();
    for (HasMetadata item : platform.backendApp(options.drainTimeout())) {
      client.resource(item).inNamespace(ns).create();
    }
    out.println("[demo] applied samples/backend-app.yaml: Deployment web (4 replicas) + Service web");
    StickyPool pool = DemoManifests.demoPool(client, options.drainTimeout(), options.idleThreshold(),
        options.sessionIdle());
    client.resources(StickyPool.class).inNamespace(ns).resource(pool).create();
    out.printf("[demo] applied samples/pool-cookie.yaml with drainTimeout %ds, idleSessionThreshold %ds,"
        + " cookie idleTimeout %ds, podDeletionCost true%n", options.drainTimeout().toSeconds(),
        options.idleThreshold().toSeconds(), options.sessionIdle().toSeconds());
    until(() -> node.proxyPorts().size() == 2 && node.proxiesServeActive(4), Duration.ofSeconds(90),
        "both proxies serving the 4 backends", null);
    DemoTable table = new DemoTable(client, ns, APP, screen, started);
    // The story holds the BackendDraining Events' counts against the users: the operator must be
    // counting on both proxies before the scale-down, or it can only say "an unknown number".
    until(() -> table.reportedByAll(2), Duration.ofSeconds(60), "the operator counting sessions on both proxies", null);

    try (DemoBrowsers users = new DemoBrowsers(node.proxyPorts(), COOKIE, options.crowd())) {
      users.start();
      out.printf("[demo] %d simulated users arrive over %ds through the 2 proxies: they click, go idle now and"
          + " then, and some will leave%n", options.users(), options.crowd().arrivals().toSeconds());
      browseFor(options.warmup(), table, users);
      out.println("[demo] scaling Deployment web 4 -> 2 through the API (an edit of spec.replicas, like kubectl scale)");
      DemoBrowsers.AtScaleDown atScaleDown = users.scaleDown(Duration.ofMillis(500), options.lastLeave(),
          Duration.ofSeconds(2), options.drainTimeout());
      client.apps().deployments().inNamespace(ns).withName(APP).edit(d -> {
        d.getSpec().setReplicas(2);
        return d;
      });
      out.printf("[demo] during the drain some users leave (their sessions end on their own %ds after their"
          + " last click) and new ones arrive; the rest are moved at the deadline%n", options.sessionIdle().toSeconds());
      Duration max = options.drainTimeout().plus(Duration.ofSeconds(40));
      until(() -> node.gone(APP).size() == 2, max, "the 2 leaving pods drained and gone", () -> table.print(users));
      out.println("[demo] the scale-down is complete; the users keep browsing a little longer");
      browseFor(options.after(), table, users);
      String disagreement = awaitTableAgrees(table, users);
      table.print(users);
      awaitRebalanced(events, node.terminated(APP), users);
      users.close();
      return ClusterDemoSummary.judge(users, atScaleDown, node.terminated(APP), new ClusterDemoSummary.Told(
          events.reasons(), events.messages(DRAINING), events.messages(REBALANCED)), disagreement);
    }
  }

  /**
   * The status lags the users by a session round or two: waits (bounded, without failing) for it
   * to count what the users see, and says what still differs.
   */
  private String awaitTableAgrees(DemoTable table, DemoBrowsers users) throws InterruptedException {
    Instant deadline = Instant.now().plus(TABLE_CATCH_UP);
    String differs = table.disagreement(users);
    while (!differs.isEmpty() && Instant.now().isBefore(deadline)) {
      Thread.sleep(200); // polls the API, as a user re-running kubectl get would
      differs = table.disagreement(users);
    }
    return differs;
  }

  /**
   * A leave's SessionsRebalanced Event comes once the proxies' re-pins account for its sessions:
   * waits (a bounded time, without failing) for one per removed backend whose users moved, so the
   * summary can hold each against what the users saw.
   */
  private void awaitRebalanced(PoolEventStream events, Set<String> removed, DemoBrowsers users)
      throws InterruptedException {
    Set<String> moved = new java.util.TreeSet<>();
    users.journeys().stream().map(DemoBrowsers.Journey::backends)
        .filter(j -> j.size() > 1 && removed.contains(j.get(0))).forEach(j -> moved.add(j.get(0)));
    events.awaitUntil(stream -> moved.stream().allMatch(b ->
        stream.messages(REBALANCED).stream().anyMatch(m -> m.contains(" from " + b + " "))),
        Instant.now().plus(REBALANCED_WAIT));
  }

  private void browseFor(Duration d, DemoTable table, DemoBrowsers users) throws InterruptedException {
    Instant end = Instant.now().plus(d);
    while (Instant.now().isBefore(end)) {
      Thread.sleep(Math.min(options.tableEvery().toMillis(), Math.max(1, Duration.between(Instant.now(), end).toMillis())));
      table.print(users);
    }
  }

  /** Polls until the condition holds, printing the table now and then; fails after max. */
  private void until(BooleanSupplier done, Duration max, String what, Runnable every) throws InterruptedException {
    Instant deadline = Instant.now().plus(max);
    Instant nextPrint = Instant.now().plus(options.tableEvery());
    while (!done.getAsBoolean()) {
      if (Instant.now().isAfter(deadline)) {
        throw new IllegalStateException("timed out after " + max.toSeconds() + "s waiting for " + what);
      }
      if (every != null && Instant.now().isAfter(nextPrint)) {
        every.run();
        nextPrint = Instant.now().plus(options.tableEvery());
      }
      Thread.sleep(100);
    }
    out.println("[demo] " + what);
  }

  /** --keep: everything stays up for kubectl until Ctrl-C ends the JVM. */
  private void keepRunning(DemoPlatform platform) throws InterruptedException {
    List<Integer> ports = platform.node().proxyPorts();
    String kubectl = platform.kubectl();
    out.println("[demo] --keep: everything keeps running until Ctrl-C. Try:");
    out.println("         " + kubectl + " get sp,deploy,pods,endpointslices,events");
    out.println("         " + kubectl + " scale deploy web --replicas=3");
    out.println("         " + kubectl + " get events -w --field-selector involvedObject.kind=StickyPool");
    out.println("         " + kubectl + " get sp -w");
    out.println("         " + kubectl + " explain sp.spec.drain");
    out.println("         curl -c /tmp/sp.jar -b /tmp/sp.jar http://127.0.0.1:" + ports.get(0) + "/hostname");
    out.println("       (make demo's embedded API differs from a real one where docs/demo.md says)");
    new CountDownLatch(1).await();
  }
}
