package io.stickypool.operator.events;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;

/**
 * The last Events this operator recorded, kept in memory for the live view, so that showing them
 * costs no list of Events from the API server. Aggregated as the recorder aggregates: an Event
 * identical to one kept (same object, type, reason and message) counts one more and becomes the
 * newest. Holds what the operator decided, also while the API server was slow to take the Event.
 * Thread-safe: pools reconcile concurrently.
 */
public final class RecentEvents {
  /** One Event as a user reads it in {@code kubectl get events}. */
  public record Entry(String namespace, String object, String type, String reason, String message, int count,
      Instant first, Instant last) {
    boolean sameAs(Entry other) {
      return namespace.equals(other.namespace) && object.equals(other.object) && type.equals(other.type)
          && reason.equals(other.reason) && message.equals(other.message);
    }
  }

  private final int capacity;
  /** Oldest first. */
  private final ArrayDeque<Entry> entries = new ArrayDeque<>();

  public RecentEvents(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be positive, got " + capacity);
    }
    this.capacity = capacity;
  }

  public synchronized void add(String namespace, String object, EventReason reason, String message, Instant at) {
    Entry added = new Entry(namespace, object, reason.type().wire(), reason.wire(), Objects.requireNonNull(message),
        1, at, at);
    for (Iterator<Entry> it = entries.iterator(); it.hasNext(); ) {
      Entry kept = it.next();
      if (kept.sameAs(added)) {
        it.remove();
        added = new Entry(namespace, object, kept.type(), kept.reason(), message, kept.count() + 1, kept.first(), at);
        break;
      }
    }
    entries.addLast(added);
    if (entries.size() > capacity) {
      entries.removeFirst();
    }
  }

  public synchronized List<Entry> newestFirst() {
    List<Entry> out = new ArrayList<>(entries);
    java.util.Collections.reverse(out);
    return out;
  }
}
