package io.stickypool.demo;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * Streams the StickyPools' Events to the terminal as the operator records them, like
 * {@code kubectl get events -w --field-selector involvedObject.kind=StickyPool}. The filter is
 * applied here rather than as a field selector because the embedded mock API does not filter
 * watches by field. Watcher callbacks arrive on fabric8's thread; the collections are concurrent.
 */
final class PoolEventStream implements AutoCloseable {
  private final PrintStream out;
  private final Instant started;
  private final Set<String> seen = ConcurrentHashMap.newKeySet();
  private final List<Event> events = new CopyOnWriteArrayList<>();
  private final Watch watch;

  PoolEventStream(KubernetesClient client, String namespace, PrintStream out, Instant started) {
    this.out = out;
    this.started = started;
    this.watch = client.v1().events().inNamespace(namespace).watch(new Watcher<>() {
      @Override
      public void eventReceived(Action action, Event e) {
        if (action == Action.ADDED && e.getInvolvedObject() != null
            && "StickyPool".equals(e.getInvolvedObject().getKind()) && seen.add(e.getMetadata().getName())) {
          synchronized (events) {
            events.add(e);
            events.notifyAll();
          }
          long t = Duration.between(started, Instant.now()).toSeconds();
          out.printf("[event %3ds] StickyPool/%s %s: %s%n", t, e.getInvolvedObject().getName(), e.getReason(),
              e.getMessage());
        }
      }

      @Override
      public void onClose(WatcherException cause) {
        out.println("[demo] the Event watch closed: " + cause.getMessage());
      }
    });
  }

  List<Event> events() {
    return List.copyOf(events);
  }

  /** The messages of the Events with this reason, in the order they were recorded. */
  List<String> messages(String reason) {
    return events.stream().filter(e -> reason.equals(e.getReason())).map(Event::getMessage).toList();
  }

  /**
   * Waits until {@code done} holds over the Events recorded so far, or {@code deadline} passes;
   * woken by each new Event rather than polling.
   *
   * @return whether it holds
   */
  boolean awaitUntil(Predicate<PoolEventStream> done, Instant deadline) throws InterruptedException {
    synchronized (events) {
      while (!done.test(this)) {
        long left = Duration.between(Instant.now(), deadline).toMillis();
        if (left <= 0) {
          return false;
        }
        events.wait(left);
      }
      return true;
    }
  }

  List<String> reasons() {
    return events.stream().map(Event::getReason).toList();
  }

  @Override
  public void close() {
    watch.close();
  }
}
