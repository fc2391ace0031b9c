package io.stickypool.demo;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What the cluster demo's users saw, judged against what the simulated node removed: every request
 * answered, and a session moved only if its backend was removed, and then exactly once.
 *
 * @param removed backend pods the scale-down removed
 * @param movedFrom per removed backend, how many of its sessions moved (once each)
 * @param wrongMoves sessions that moved although their backend stayed, moved twice, or were stranded
 * @param eventReasons the StickyPool Events' reasons, in the order they were recorded
 */
public record ClusterDemoSummary(int requests, int failed, String firstFailure, int users, Set<String> removed,
    Map<String, Integer> movedFrom, int wrongMoves, List<String> eventReasons) {

  /** Judges each user's journey (backends in answer order, repeats collapsed). */
  static ClusterDemoSummary judge(DemoBrowsers users, List<List<String>> journeys, Set<String> removed,
      List<String> reasons) {
    Map<String, Integer> movedFrom = new TreeMap<>();
    removed.forEach(r -> movedFrom.put(r, 0));
    int wrong = 0;
    for (List<String> j : journeys) {
      boolean onRemoved = !j.isEmpty() && removed.contains(j.get(0));
      if (onRemoved && j.size() == 2 && !removed.contains(j.get(1))) {
        movedFrom.merge(j.get(0), 1, Integer::sum);
      } else if (onRemoved || j.size() > 1) {
        wrong++;
      }
    }
    return new ClusterDemoSummary(users.requests(), users.failed(), users.firstFailure(), journeys.size(),
        Set.copyOf(removed), movedFrom, wrong, List.copyOf(reasons));
  }

  public int sessionsMoved() {
    return movedFrom.values().stream().mapToInt(Integer::intValue).sum();
  }

  public boolean ok() {
    return failed == 0 && wrongMoves == 0;
  }

  @Override
  public String toString() {
    StringBuilder s = new StringBuilder();
    s.append("== summary ==\n");
    s.append(String.format("  requests: %d, failed: %d%s%n", requests, failed,
        failed == 0 ? "" : " (first: " + firstFailure + ")"));
    s.append(String.format("  sessions moved: %d of %d, only users of the removed backends, once each:%n",
        sessionsMoved(), users));
    movedFrom.forEach((b, n) -> s.append(String.format("    %s removed by the scale-down: %d sessions moved after it drained%n", b, n)));
    s.append(String.format("  sessions of surviving backends that moved, or moved twice: %d%n", wrongMoves));
    s.append("  StickyPool Events: ").append(counts()).append('\n');
    s.append(ok() ? "  RESULT: OK, no request failed and no session moved without cause\n"
        : "  RESULT: FAILED\n");
    return s.toString();
  }

  private Map<String, Long> counts() {
    Map<String, Long> c = new TreeMap<>();
    eventReasons.forEach(r -> c.merge(r, 1L, Long::sum));
    return c;
  }
}
