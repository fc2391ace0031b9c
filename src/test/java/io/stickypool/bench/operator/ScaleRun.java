package io.stickypool.bench.operator;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.stickypool.sandbox.controlplane.ControlPlaneBinaries;
import io.stickypool.sandbox.controlplane.LocalControlPlane;
import io.stickypool.testing.cluster.ControlPlaneNamespace;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * One pool count on a fresh control plane (etcd + kube-apiserver, audit log on): pools created
 * first, then the operator started and timed to all Ready, left idle, its heap read, then slice
 * changes timed. Every phase is bounded by the run's budget; what did not finish is recorded in
 * {@link ScaleFigures#problems}, and every process is stopped on the way out.
 */
final class ScaleRun {
  static final String HARNESS_AGENT = "stickypool-bench-harness";

  private final BenchSettings settings;

  ScaleRun(BenchSettings settings) {
    this.settings = settings;
  }

  ScaleFigures run(int n, Path dir) {
    ScaleFigures figures = new ScaleFigures(n);
    long deadline = System.nanoTime() + settings.budget().toNanos();
    try (LocalControlPlane plane = LocalControlPlane.start(ControlPlaneBinaries.locate(), dir.resolve("control-plane"));
        KubernetesClient harness = harnessClient(plane)) {
      ControlPlaneNamespace.installCrd(harness);
      OperatorIdentity identity = OperatorIdentity.create(harness, plane.serverUrl(), dir);
      BenchPools pools = new BenchPools(harness, n);
      long t0 = System.nanoTime();
      pools.createAll(settings.poolsPerSecond());
      if (settings.unrelated() > 0) {
        new UnrelatedObjects(harness).createAll(settings.unrelated(), 3 * settings.poolsPerSecond());
      }
      figures.setupSeconds = seconds(System.nanoTime() - t0);
      try (StandInDeploymentController deployments = new StandInDeploymentController(harness, BenchPools.NAMESPACE);
          PoolObserver observer = new PoolObserver(harness, BenchPools.NAMESPACE)) {
        Phases phases = new Phases(figures, harness, plane.auditLog(), identity.user(), deadline);
        try (OperatorProcess operator = OperatorProcess.start(settings.jar(), identity.kubeconfig(),
            dir.resolve("operator.log"))) {
          System.out.printf("  operator started (pid %d), %d pools pre-created%n", operator.pid(), n);
          phases.measure(operator, observer, pools);
        }
        figures.standInStatusWrites = deployments.statusWrites();
      }
    } catch (Exception e) {
      figures.problems.add("run stopped: " + e);
      e.printStackTrace(System.out);
    }
    return figures;
  }

  /** Admin rights, its own user agent, so its requests stand apart from the operator's in the log. */
  private static KubernetesClient harnessClient(LocalControlPlane plane) throws IOException {
    Config config = Config.fromKubeconfig(Files.readString(plane.kubeconfig()));
    config.setUserAgent(HARNESS_AGENT);
    config.setRequestTimeout(60_000);
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  static double seconds(long nanos) {
    return Math.round(nanos / 1e7) / 100.0;
  }

  /** The measured phases, in order, with the operator running. */
  private final class Phases {
    private final ScaleFigures figures;
    private final KubernetesClient harness;
    private final Path audit;
    private final String user;
    private final long deadline;

    Phases(ScaleFigures figures, KubernetesClient harness, Path audit, String user, long deadline) {
      this.figures = figures;
      this.harness = harness;
      this.audit = audit;
      this.user = user;
      this.deadline = deadline;
    }

    void measure(OperatorProcess operator, PoolObserver observer, BenchPools pools)
        throws IOException, InterruptedException {
      StartupWait startup = new StartupWait(operator, observer, pools.count());
      Instant allReady = startup.awaitAllReady(deadline - settings.reserve().toNanos());
      figures.startupCpuSeconds = operator.cpuSeconds();
      if (allReady != null) {
        figures.startToReadySeconds = startup.readySeconds();
        figures.startToProxyAvailableSeconds = startup.awaitAllProxyAvailable(Duration.ofSeconds(60));
      } else {
        figures.problems.add(startup.shortfall());
      }
      OperatorRequests.catchUp(harness, BenchPools.NAMESPACE, audit);
      figures.startupRequests = OperatorRequests.count(audit, user, operator.started(),
          allReady != null ? allReady : Instant.now());
      if (!operator.isAlive()) {
        figures.problems.add("operator exited; see its log " + operator.log());
        return;
      }
      idle(operator);
      long[] heap = operator.heapAfterGcKib();
      figures.heapUsedAfterGcKib = heap[0];
      figures.heapCommittedKib = heap[1];
      figures.rssKib = operator.rssKib();
      System.out.printf("  heap after GC %d KiB used of %d KiB committed, RSS %d KiB%n", heap[0], heap[1],
          figures.rssKib);
      SliceChangeProbe probe = new SliceChangeProbe(pools, observer, settings.spacing(), Duration.ofSeconds(30));
      SliceChangeProbe.Latencies latencies = probe.run(settings.changes(), deadline);
      figures.latency = ScaleFigures.Latency.of(latencies);
      if (latencies.millis().size() + latencies.timedOut() < settings.changes()) {
        figures.problems.add("only " + latencies.millis().size() + " slice changes within the budget");
      }
      System.out.printf("  slice change -> routes: %s%n", figures.latency);
      figures.operatorLogWarnings = operator.warnings().size();
      figures.operatorLogSample = operator.warnings().stream().map(ScaleRun::shortened).distinct()
          .limit(8).toList();
    }

    /** Settle, then one idle window: the operator's requests and CPU seconds, scaled per minute. */
    private void idle(OperatorProcess operator) throws IOException, InterruptedException {
      System.out.printf("  settling %d s, then an idle window of %d s%n", settings.settle().toSeconds(),
          settings.idle().toSeconds());
      Thread.sleep(settings.settle().toMillis()); // a fixed settling time, not a wait for a condition
      String loadBefore = Files.readString(Path.of("/proc/loadavg")).trim();
      Instant from = Instant.now();
      long t0 = System.nanoTime();
      double cpu0 = operator.cpuSeconds();
      Thread.sleep(settings.idle().toMillis()); // the measured window
      double cpu1 = operator.cpuSeconds();
      Duration window = Duration.ofNanos(System.nanoTime() - t0);
      Instant to = from.plus(window);
      figures.loadAverageIdle = loadBefore + " -> " + Files.readString(Path.of("/proc/loadavg")).trim();
      OperatorRequests.catchUp(harness, BenchPools.NAMESPACE, audit);
      figures.idleWindowSeconds = seconds(window.toNanos());
      figures.idlePerMinute = OperatorRequests.count(audit, user, from, to).perMinute(window);
      figures.idleCpuSecondsPerMinute = Math.round((cpu1 - cpu0) * 60_000.0 / window.toMillis() * 100) / 100.0;
      System.out.printf("  idle: %d reads + %d writes per minute, %.2f CPU s per minute%n",
          figures.idlePerMinute.reads(), figures.idlePerMinute.writes(), figures.idleCpuSecondsPerMinute);
    }
  }

  /** A log line cut to a length a report can show. */
  private static String shortened(String line) {
    return line.length() > 300 ? line.substring(0, 300) + "..." : line;
  }
}
