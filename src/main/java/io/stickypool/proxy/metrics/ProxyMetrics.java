package io.stickypool.proxy.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.stickypool.core.backend.BackendId;
import io.stickypool.core.route.AffinityOutcome;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * The proxy's Prometheus metrics. Meters are created once per backend (and label set) and cached,
 * so the request path pays a map lookup and an adder increment, never a registry lookup.
 * Backend labels are pod names, so {@link #retainBackends} removes the meters of backends that
 * left the routes (the caller decides when): a rollout must not add series for ever. Thread-safe.
 */
public final class ProxyMetrics {
  private static final String NO_BACKEND = "none";
  /** Tags whose value is a backend id; "none" and "unknown" stand for no backend and stay. */
  private static final List<String> BACKEND_TAGS = List.of("backend", "from");
  private static final Set<String> NOT_A_BACKEND = Set.of(NO_BACKEND, "unknown");
  private static final AffinityOutcome[] OUTCOMES = AffinityOutcome.values();
  /** Latency buckets: fine below 10 ms where a proxy hop lives, coarse above. */
  private static final Duration[] BUCKETS = {
    Duration.ofNanos(250_000), Duration.ofNanos(500_000), Duration.ofMillis(1), Duration.ofMillis(2),
    Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
    Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
    Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30)
  };

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Map<String, Counter[]> requests = new ConcurrentHashMap<>();
  private final Map<String, Timer> latency = new ConcurrentHashMap<>();
  private final Map<String, Counter> labelled = new ConcurrentHashMap<>();
  private final Map<String, Counter[]> results = new ConcurrentHashMap<>();

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** Prometheus text exposition of every meter. */
  public String scrape() {
    return registry.scrape();
  }

  /** Counts a routed request by backend and affinity outcome. */
  public void request(BackendId backend, AffinityOutcome outcome) {
    String id = backend == null ? NO_BACKEND : backend.value();
    requests.computeIfAbsent(id, this::outcomeCounters)[outcome.ordinal()].increment();
  }

  private Counter[] outcomeCounters(String backend) {
    Counter[] counters = new Counter[OUTCOMES.length];
    for (AffinityOutcome o : OUTCOMES) {
      counters[o.ordinal()] =
          Counter.builder("stickypool_requests")
              .description("Requests routed, by backend and affinity outcome")
              .tag("backend", backend)
              .tag("outcome", o.label())
              .register(registry);
    }
    return counters;
  }

  /** Records a finished exchange's duration (client request head to last response byte). */
  public void latency(BackendId backend, long nanos) {
    latency.computeIfAbsent(backend.value(), this::timer).record(nanos, TimeUnit.NANOSECONDS);
  }

  private Timer timer(String backend) {
    return Timer.builder("stickypool_request_duration")
        .description("Time from request head to the last response byte, by backend")
        .tag("backend", backend)
        .serviceLevelObjectives(BUCKETS)
        .register(registry);
  }

  /** Counts an event with one label, e.g. ejections by backend or cookie decodes by status. */
  public void count(String name, String description, String label, String value) {
    labelled
        .computeIfAbsent(name + '\u0000' + value, k ->
            Counter.builder(name).description(description).tag(label, value).register(registry))
        .increment();
  }

  /** How an exchange with a backend ended, as counted. */
  public enum BackendResult {
    RESPONDED, SERVER_ERROR, CONNECT_FAILED, BROKEN_RESPONSE, TIMED_OUT;

    final String label = name().toLowerCase(java.util.Locale.ROOT);
  }

  public void backendResult(BackendId backend, BackendResult result) {
    results.computeIfAbsent(backend.value(), this::resultCounters)[result.ordinal()].increment();
  }

  private Counter[] resultCounters(String backend) {
    BackendResult[] all = BackendResult.values();
    Counter[] counters = new Counter[all.length];
    for (BackendResult r : all) {
      counters[r.ordinal()] =
          Counter.builder("stickypool_backend_exchanges")
              .description("Exchanges with backends by how they ended")
              .tag("backend", backend)
              .tag("result", r.label)
              .register(registry);
    }
    return counters;
  }

  /**
   * Removes every meter labelled with a backend that is not in {@code listed} (backend ids), from
   * the registry and from the caches. A request still in flight to a removed backend may record
   * again and bring its meter back; the next call removes it again.
   */
  public void retainBackends(Set<String> listed) {
    removeDeparted(requests, listed, counters -> counters);
    removeDeparted(latency, listed, timer -> new Meter[] {timer});
    removeDeparted(results, listed, counters -> counters);
    for (Iterator<Counter> it = labelled.values().iterator(); it.hasNext(); ) {
      Counter counter = it.next();
      if (departed(counter.getId(), listed)) {
        it.remove();
        registry.remove(counter);
      }
    }
  }

  /** Every per-backend meter is created through a cache, so the registry is never scanned. */
  private <M> void removeDeparted(Map<String, M> cache, Set<String> listed, Function<M, Meter[]> meters) {
    for (Iterator<Map.Entry<String, M>> it = cache.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, M> entry = it.next();
      if (departed(entry.getKey(), listed)) {
        it.remove();
        for (Meter meter : meters.apply(entry.getValue())) {
          registry.remove(meter);
        }
      }
    }
  }

  private static boolean departed(Meter.Id meter, Set<String> listed) {
    for (String tag : BACKEND_TAGS) {
      String value = meter.getTag(tag);
      if (value != null && departed(value, listed)) {
        return true;
      }
    }
    return false;
  }

  private static boolean departed(String backend, Set<String> listed) {
    return !listed.contains(backend) && !NOT_A_BACKEND.contains(backend);
  }

  /** Registers a gauge read from {@code source} on each scrape. */
  public <T> void gauge(String name, String description, T source, ToDoubleFunction<T> value) {
    Gauge.builder(name, source, value).description(description).register(registry);
  }
}
