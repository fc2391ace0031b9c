package io.stickypool.e2e;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;

/**
 * When each milestone of a run was first seen (System.nanoTime), recorded from watch callbacks on
 * any thread, so step durations are measured where they happen rather than at the next poll.
 */
final class Timeline {
  private final Map<String, Long> firstSeen = new ConcurrentHashMap<>();
  private final List<String> lines = new ArrayList<>();

  /** Records {@code milestone} unless it was already seen. */
  void mark(String milestone) {
    firstSeen.putIfAbsent(milestone, System.nanoTime());
  }

  OptionalLong at(String milestone) {
    Long t = firstSeen.get(milestone);
    return t == null ? OptionalLong.empty() : OptionalLong.of(t);
  }

  /** When the last of {@code milestones} was seen, or empty while one is still missing. */
  OptionalLong lastOf(Collection<String> milestones) {
    long last = Long.MIN_VALUE;
    for (String m : milestones) {
      Long t = firstSeen.get(m);
      if (t == null) {
        return OptionalLong.empty();
      }
      last = Math.max(last, t);
    }
    return OptionalLong.of(last);
  }

  /** Adds a report line: {@code label} took from {@code t0} until all of {@code milestones}. */
  synchronized void step(String label, long t0, Collection<String> milestones) {
    OptionalLong end = lastOf(milestones);
    lines.add(String.format("  %-62s %s", label,
        end.isPresent() ? String.format("%6d ms", (end.getAsLong() - t0) / 1_000_000) : "  (not seen)"));
  }

  synchronized void step(String label, long t0, long t1) {
    lines.add(String.format("  %-62s %6d ms", label, (t1 - t0) / 1_000_000));
  }

  synchronized String report() {
    return String.join("\n", lines);
  }
}
