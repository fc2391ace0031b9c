package io.stickypool.proxy.routes.kubernetes;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.stickypool.contract.GoDurations;
import io.stickypool.core.snapshot.RoutingSnapshot;
import io.stickypool.proxy.config.ProxyConfig;
import io.stickypool.proxy.routes.RestartOnlySettings;
import io.stickypool.proxy.routes.RoutesListener;
import io.stickypool.proxy.routes.RoutesSource;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes from the pool's ConfigMap, watched through the API server so a change reaches the proxy
 * in milliseconds (a mounted ConfigMap lags by the kubelet's 60-90 s sync). The informer is
 * restricted to the one name, which is all the proxy's Role allows (list/watch by
 * {@code metadata.name} field selector).
 *
 * <p>Static stability: a missing ConfigMap or key, invalid content or a broken watch is reported
 * through {@link RoutesListener#onRoutesError} and nothing is delivered in its place, so the proxy
 * keeps serving its last good snapshot. Once the source is healthy again its snapshot is delivered
 * again, even at the same version, so the listener knows the routes are current.
 *
 * <p>Broken watch: fabric8 reconnects by itself. Its exception handler reports a failed list or
 * relist at once, but a watch that drops with an error is retried inside the watch manager, forever
 * and silently: {@code isWatching()} stays true and no handler is called (seen on the mock API
 * server). So a probe also reads the ConfigMap by name every few seconds: a failed read reports
 * the API server unreachable; the first successful one after that applies what it read, ending
 * the outage; any later read applies only a snapshot newer than the watch delivered (one the watch
 * missed). The probe is one GET per period, which the proxy's Role allows.
 *
 * <p>Only the routes are reloaded; a change to the {@code proxy:} block is logged as needing a
 * restart, as with the file source.
 *
 * <p>Threading: informer callbacks, the exception handler and the probe run on different
 * threads; every state change goes through the synchronized {@link #apply} and {@link #report}.
 */
public final class ConfigMapRoutesSource implements RoutesSource {
  private static final Logger LOG = LoggerFactory.getLogger(ConfigMapRoutesSource.class);
  static final Duration DEFAULT_START_WAIT = Duration.ofSeconds(10);
  static final Duration DEFAULT_PROBE_PERIOD = Duration.ofSeconds(5);

  private final KubernetesClient client;
  private final ConfigMapRef ref;
  private final Duration startWait;
  private final Duration probePeriod;
  private final String origin;
  private final CompletableFuture<Void> firstOutcome = new CompletableFuture<>();
  private SharedIndexInformer<ConfigMap> informer;
  private ScheduledExecutorService probe;
  private RoutesListener listener;
  private RoutingSnapshot delivered;
  private ProxyConfig lastGood;
  private String problem;
  private boolean unreachable;

  public ConfigMapRoutesSource(KubernetesClient client, ConfigMapRef ref) {
    this(client, ref, DEFAULT_START_WAIT, DEFAULT_PROBE_PERIOD);
  }

  ConfigMapRoutesSource(KubernetesClient client, ConfigMapRef ref, Duration startWait, Duration probePeriod) {
    this.client = Objects.requireNonNull(client, "client");
    this.ref = Objects.requireNonNull(ref, "ref");
    this.startWait = startWait;
    this.probePeriod = probePeriod;
    this.origin = ref.origin();
  }

  /**
   * Starts watching and returns once the first snapshot is delivered or a problem is reported, or
   * after the start wait (10 s) with a report; the watch carries on in every case.
   */
  @Override
  public void start(RoutesListener routes) throws InterruptedException {
    this.listener = Objects.requireNonNull(routes, "listener");
    informer = client.configMaps().inNamespace(ref.namespace()).withName(ref.name())
        .runnableInformer(0);
    informer.exceptionHandler((started, failure) -> {
      apiFailed(failure);
      return true;
    });
    informer.addEventHandler(new Events());
    informer.start();
    probe = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "sp-routes-probe");
      t.setDaemon(true);
      return t;
    });
    long period = probePeriod.toMillis();
    probe.scheduleWithFixedDelay(this::probe, period, period, TimeUnit.MILLISECONDS);
    awaitFirstOutcome();
  }

  private void awaitFirstOutcome() throws InterruptedException {
    try {
      firstOutcome.get(startWait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      report("no answer from the API server for ConfigMap " + ref + " within "
          + GoDurations.format(startWait) + "; still trying");
    } catch (ExecutionException e) {
      throw new IllegalStateException("the first outcome is only ever completed normally", e);
    }
  }

  /**
   * Whether the watch is open. A deletion made before then is seen only on a real API server,
   * which replays from the list's resourceVersion; the mock API server does not, so tests that
   * change the ConfigMap right after {@link #start} wait for this first.
   */
  boolean watching() {
    return informer != null && informer.isWatching();
  }

  @Override
  public String describe() {
    return origin;
  }

  @Override
  public void close() {
    if (probe != null) {
      probe.shutdownNow();
    }
    if (informer != null) {
      informer.close();
    }
  }

  /**
   * A valid document is delivered when it is newer than the last delivered, or, when {@code
   * current} (the watch's ordered view, or the probe's first read after an outage), also when a
   * problem was reported since, so the listener learns the routes are current again. Otherwise the
   * probe's reads never undo the watch's: a read that raced a deletion or a fix would hide it. For
   * the same reason only a current document's problems are reported.
   */
  private synchronized void apply(ConfigMap configMap, boolean current) {
    ProxyConfig config;
    try {
      config = RoutesDocument.parse(configMap, ref);
    } catch (RoutesUnavailableException e) {
      if (current) {
        report(e.getMessage());
      }
      return;
    }
    RoutingSnapshot routes = config.routes();
    boolean newer = delivered == null || routes.version() > delivered.version();
    if (!newer && !(current && problem != null)) {
      LOG.debug("{}: snapshot version {} is not newer than {}", origin, routes.version(), delivered.version());
      return;
    }
    RestartOnlySettings.warnIfChanged(LOG, origin, lastGood, config);
    lastGood = config;
    delivered = routes;
    problem = null;
    listener.onRoutes(routes, origin);
    firstOutcome.complete(null);
  }

  /** Reports a problem once, however often a retrying informer repeats it. */
  private synchronized void report(String detail) {
    if (!detail.equals(problem)) {
      problem = detail;
      LOG.warn("{}: {}; keeping the last good routes", origin, detail);
      listener.onRoutesError(origin, detail);
    }
    firstOutcome.complete(null);
  }

  private void apiFailed(Throwable failure) {
    synchronized (this) {
      unreachable = true;
    }
    report("API server unreachable: " + describe(failure));
  }

  /** The client's message and, when it wraps one, the root cause (such as ConnectException). */
  private static String describe(Throwable failure) {
    Throwable root = failure;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root == failure ? failure.toString() : failure.getMessage() + " (" + root + ")";
  }

  /** Reads the ConfigMap directly: an outage the watch hides shows here, and so does its end. */
  private void probe() {
    ConfigMap current;
    try {
      current = client.configMaps().inNamespace(ref.namespace()).withName(ref.name()).get();
    } catch (RuntimeException e) {
      apiFailed(e);
      return;
    }
    synchronized (this) {
      boolean recovering = unreachable;
      unreachable = false;
      if (recovering) {
        LOG.info("{}: API server reachable again", origin);
      }
      if (current != null) {
        apply(current, recovering);
      } else if (recovering) {
        report(RoutesDocument.notFound(ref).getMessage());
      }
    }
  }

  private final class Events implements ResourceEventHandler<ConfigMap> {
    @Override
    public void onAdd(ConfigMap configMap) {
      apply(configMap, true);
    }

    @Override
    public void onUpdate(ConfigMap before, ConfigMap after) {
      apply(after, true);
    }

    @Override
    public void onDelete(ConfigMap configMap, boolean finalStateUnknown) {
      report(RoutesDocument.notFound(ref).getMessage());
    }

    /** The list came back empty: the ConfigMap does not exist (yet). */
    @Override
    public void onNothing() {
      report(RoutesDocument.notFound(ref).getMessage());
    }
  }
}
