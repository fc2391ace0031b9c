package io.stickypool.demo;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the cluster demo's users saw, judged against what the simulated node removed: every request
 * answered, and a session moved only if its backend was removed, and then exactly once.
 *
 * @param removed backend pods the scale-down removed
 * @param movedFrom per removed backend, how many of its sessions moved (once each)
 * @param wrongMoves sessions that moved although their backend stayed, moved twice, or were stranded
 * @param eventReasons the StickyPool Events' reasons, in the order they were recorded
 * @param toldMovedFrom per removed backend, how many sessions its SessionsRebalanced Event said
 *     moved (absent when it had no such Event)
 */
public record ClusterDemoSummary(int requests, int failed, String firstFailure, int users, Set<String> removed,
    Map<String, Integer> movedFrom, int wrongMoves, List<String> eventReasons, Map<String, Integer> toldMovedFrom) {
  private static final Pattern MOVED = Pattern.compile("^(\\d+) sessions moved from (\\S+) to ");

  /**
   * Judges each user's journey (backends in answer order, repeats collapsed), and reads what each
   * SessionsRebalanced Event ({@code rebalanced}, the messages) said moved.
   */
  static ClusterDemoSummary judge(DemoBrowsers users, List<List<String>> journeys, Set<String> removed,
      List<String> reasons, List<String> rebalanced) {
    Map<String, Integer> told = new TreeMap<>();
    for (String message : rebalanced) {
      Matcher m = MOVED.matcher(message);
      if (m.find()) {
        told.merge(m.group(2), Integer.parseInt(m.group(1)), Integer::sum);
      }
    }
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
        Set.copyOf(removed), movedFrom, wrong, List.copyOf(reasons), told);
  }

  public int sessionsMoved() {
    return movedFrom.values().stream().mapToInt(Integer::intValue).sum();
  }

  /** Each removed backend's SessionsRebalanced Event told as many moves as its users made (none: 0). */
  public boolean eventsAgree() {
    return movedFrom.entrySet().stream().allMatch(e -> toldMovedFrom.getOrDefault(e.getKey(), 0).equals(e.getValue()));
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
    movedFrom.forEach((b, n) -> s.append(String.format(
        "    %s removed by the scale-down: %d sessions moved after it drained (its SessionsRebalanced Event: %s)%n",
        b, n, toldMovedFrom.containsKey(b) ? toldMovedFrom.get(b) + " moved" : "none")));
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
