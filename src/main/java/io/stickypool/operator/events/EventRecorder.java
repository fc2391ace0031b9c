package io.stickypool.operator.events;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes core/v1 Events the way client-go's recorder does, so that kubectl shows them as users
 * expect: an Event identical to one already written (same object, reason, type and message) bumps
 * that Event's {@code count} and {@code lastTimestamp} instead of adding a new object. Writes run
 * on one background thread, in order, behind a bounded queue: a reconcile never waits for an Event,
 * and when the API server is slow the oldest news is kept and new Events are dropped, counted and
 * logged. Failures are logged, never thrown: status and the routes ConfigMap are the source of truth.
 */
public final class EventRecorder implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EventRecorder.class);
  private static final String COMPONENT = "stickypool-operator";
  /** Identical Events remembered for aggregation, as client-go's LRU of 4096. */
  private static final int REMEMBERED = 4096;
  /** Events kept in memory for the live view. */
  private static final int RECENT = 200;

  private record Key(String uid, String reason, String type, String message) {}

  private record Written(String namespace, String name, int count, String first) {}

  private final KubernetesClient client;
  private final Clock clock;
  private final ThreadPoolExecutor writer;
  private final AtomicLong dropped = new AtomicLong();
  private final RecentEvents recent = new RecentEvents(RECENT);
  /** Set on the writer thread once the API server refused a patch (403). */
  private boolean patchRefused;
  private final Map<Key, Written> written = new LinkedHashMap<>(64, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<Key, Written> eldest) {
      return size() > REMEMBERED;
    }
  };

  public EventRecorder(KubernetesClient client, Clock clock, int queueCapacity) {
    this.client = client;
    this.clock = clock;
    this.writer = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(queueCapacity), r -> {
      Thread t = new Thread(r, "stickypool-events");
      t.setDaemon(true);
      return t;
    }, (task, pool) -> {
      long n = dropped.incrementAndGet();
      if (Long.bitCount(n) == 1) { // 1st, 2nd, 4th, 8th...: loud enough, never a flood
        LOG.warn("Event queue full: {} Event(s) dropped so far (the API server is slow or unreachable)", n);
      }
    });
  }

  /** Queues an Event on {@code involved}; returns at once. */
  public void record(HasMetadata involved, EventReason reason, String message) {
    if (writer.isShutdown()) {
      return;
    }
    java.time.Instant at = clock.instant(); // when it happened, not when the queue got to it
    recent.add(involved.getMetadata().getNamespace(), involved.getMetadata().getName(), reason, message, at);
    String now = at.toString();
    writer.execute(() -> write(involved, reason, message, now));
  }

  /** What was recorded lately, also Events still queued or dropped: the live view reads it. */
  public RecentEvents recent() {
    return recent;
  }

  /** Events dropped because the queue was full. */
  public long dropped() {
    return dropped.get();
  }

  /** Waits until what was queued before this call is written (or failed); for tests and shutdown. */
  public boolean flush(Duration max) throws InterruptedException {
    var done = new java.util.concurrent.CountDownLatch(1);
    try {
      writer.execute(done::countDown);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      return false;
    }
    return done.await(max.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** On the writer thread only, which alone touches {@link #written}. */
  private void write(HasMetadata involved, EventReason reason, String message, String now) {
    String ns = involved.getMetadata().getNamespace();
    Key key = new Key(involved.getMetadata().getUid(), reason.wire(), reason.type().wire(), message);
    try {
      Written before = written.get(key);
      if (before != null && bump(before, now)) {
        written.put(key, new Written(before.namespace(), before.name(), before.count() + 1, before.first()));
        return;
      }
      String name = involved.getMetadata().getName() + "." + UUID.randomUUID().toString().substring(0, 13);
      client.v1().events().inNamespace(ns).resource(event(involved, reason, message, name, now)).create();
      written.put(key, new Written(ns, name, 1, now));
    } catch (KubernetesClientException e) {
      LOG.warn("could not record Event {} on {}/{} ({}): {}", reason.wire(), ns, involved.getMetadata().getName(),
          message, e.getStatus() != null && e.getStatus().getMessage() != null ? e.getStatus().getMessage() : e.getMessage());
    } catch (RuntimeException e) {
      LOG.warn("could not record Event {} on {}/{}", reason.wire(), ns, involved.getMetadata().getName(), e);
    }
  }

  /**
   * Counts one more of an Event already written; false when it is gone (Events expire after an
   * hour), or when this operator may not patch Events (an older ClusterRole: then every repeat is
   * a new Event, as before, and that is said once).
   */
  private boolean bump(Written w, String now) {
    if (patchRefused) {
      return false;
    }
    try {
      client.v1().events().inNamespace(w.namespace()).withName(w.name()).patch(PatchContext.of(PatchType.JSON_MERGE),
          "{\"count\":" + (w.count() + 1) + ",\"lastTimestamp\":\"" + now + "\"}");
      return true;
    } catch (KubernetesClientException e) {
      if (e.getCode() == 403) {
        patchRefused = true;
        LOG.warn("may not patch Events ({}): repeated Events are written as new ones; grant patch on"
            + " events to the operator (the chart's ClusterRole does)", e.getStatus() == null ? e.getMessage()
            : e.getStatus().getMessage());
        return false;
      }
      if (e.getCode() == 404) {
        return false;
      }
      throw e;
    }
  }

  private static Event event(HasMetadata involved, EventReason reason, String message, String name, String now) {
    return new EventBuilder()
        .withNewMetadata().withNamespace(involved.getMetadata().getNamespace()).withName(name).endMetadata()
        .withInvolvedObject(new ObjectReferenceBuilder().withApiVersion(involved.getApiVersion())
            .withKind(involved.getKind()).withName(involved.getMetadata().getName())
            .withNamespace(involved.getMetadata().getNamespace()).withUid(involved.getMetadata().getUid()).build())
        .withReason(reason.wire()).withMessage(message).withType(reason.type().wire())
        .withFirstTimestamp(now).withLastTimestamp(now).withCount(1)
        .withNewSource().withComponent(COMPONENT).endSource()
        .build();
  }

  /** Writes what is queued (bounded), then stops the writer. */
  @Override
  public void close() {
    writer.shutdown();
    try {
      if (!writer.awaitTermination(5, TimeUnit.SECONDS)) {
        writer.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      writer.shutdownNow();
    }
  }
}
