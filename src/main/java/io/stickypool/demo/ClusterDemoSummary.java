package io.stickypool.demo;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the cluster demo's users saw, judged against what the simulated node removed and held
 * against what the pool's Events and status said: every request answered; a session moved only if
 * its backend was removed, and then exactly once; and every figure printed agrees with the others.
 *
 * @param users users that arrived during the story
 * @param left users that left (their sessions ended on their own)
 * @param removed backend pods the scale-down removed
 * @param leaving per removed backend, what became of the sessions it held when the scale-down began
 * @param wrongMoves sessions that moved although their backend stayed, moved twice, or were stranded
 * @param eventReasons the StickyPool Events' reasons, in the order they were recorded
 * @param tableDisagreement empty when the pool's status counted, per backend, the users still
 *     browsing there at the end; else what differed
 */
public record ClusterDemoSummary(int requests, int failed, String firstFailure, int users, int left,
    Set<String> removed, Map<String, Leaving> leaving, int wrongMoves, List<String> eventReasons,
    String tableDisagreement) {
  private static final Pattern DRAINING = Pattern.compile("^Backend (\\S+) draining with (\\d+) live sessions? ");
  private static final Pattern MOVED = Pattern.compile("^(\\d+) sessions moved from (\\S+) to ");

  /**
   * One removed backend's sessions from the moment the scale-down began.
   *
   * @param held users it answered last when the scale-down began
   * @param toldHeld what its BackendDraining Event said it held (null: no such Event)
   * @param ended its users that left during the drain: their sessions ended by themselves
   * @param moved its users re-pinned to a surviving backend at the deadline (once each)
   * @param toldMoved what its SessionsRebalanced Event said moved (0 when it had none)
   */
  public record Leaving(int held, Integer toldHeld, int ended, int moved, int toldMoved) {
    boolean agrees() {
      return toldHeld != null && toldHeld == held && ended + moved == held && toldMoved == moved;
    }
  }

  /** What the pool's Events said, for the summary to hold against the users' journeys. */
  record Told(List<String> reasons, List<String> draining, List<String> rebalanced) {}

  static ClusterDemoSummary judge(DemoBrowsers users, DemoBrowsers.AtScaleDown atScaleDown, Set<String> removed,
      Told told, String tableDisagreement) {
    Map<String, Integer> toldHeld = sum(told.draining(), DRAINING, 1, 2);
    Map<String, Integer> toldMoved = sum(told.rebalanced(), MOVED, 2, 1);
    Map<String, Integer> ended = new TreeMap<>();
    Map<String, Integer> moved = new TreeMap<>();
    int wrong = 0;
    int left = 0;
    List<DemoBrowsers.Journey> journeys = users.journeys();
    for (DemoBrowsers.Journey j : journeys) {
      List<String> b = j.backends();
      left += j.left() ? 1 : 0;
      boolean onRemoved = removed.contains(b.get(0));
      if (onRemoved && b.size() == 1 && j.left()) {
        ended.merge(b.get(0), 1, Integer::sum);
      } else if (onRemoved && b.size() == 2 && !removed.contains(b.get(1))) {
        moved.merge(b.get(0), 1, Integer::sum);
      } else if (onRemoved || b.size() > 1) {
        wrong++;
      }
    }
    Map<String, Leaving> leaving = new TreeMap<>();
    for (String r : removed) {
      leaving.put(r, new Leaving(atScaleDown.perBackend().getOrDefault(r, 0), toldHeld.get(r),
          ended.getOrDefault(r, 0), moved.getOrDefault(r, 0), toldMoved.getOrDefault(r, 0)));
    }
    return new ClusterDemoSummary(users.requests(), users.failed(), users.firstFailure(), journeys.size(), left,
        Set.copyOf(removed), leaving, wrong, List.copyOf(told.reasons()), tableDisagreement);
  }

  /** Per backend, the sum of the counts the messages matching {@code p} give. */
  private static Map<String, Integer> sum(List<String> messages, Pattern p, int backendGroup, int countGroup) {
    Map<String, Integer> sums = new TreeMap<>();
    for (String message : messages) {
      Matcher m = p.matcher(message);
      if (m.find()) {
        sums.merge(m.group(backendGroup), Integer.parseInt(m.group(countGroup)), Integer::sum);
      }
    }
    return sums;
  }

  public int sessionsMoved() {
    return leaving.values().stream().mapToInt(Leaving::moved).sum();
  }

  public int sessionsEnded() {
    return leaving.values().stream().mapToInt(Leaving::ended).sum();
  }

  /** Every figure agrees: Events with the users' journeys, and the status table with the users. */
  public boolean numbersAgree() {
    return leaving.values().stream().allMatch(Leaving::agrees) && tableDisagreement.isEmpty();
  }

  public boolean ok() {
    return failed == 0 && wrongMoves == 0 && numbersAgree();
  }

  @Override
  public String toString() {
    StringBuilder s = new StringBuilder();
    s.append("== summary ==\n");
    s.append(String.format("  requests: %d, failed: %d%s%n", requests, failed,
        failed == 0 ? "" : " (first: " + firstFailure + ")"));
    s.append(String.format("  users: %d arrived, %d left (their sessions ended on their own), %d still browsing%n",
        users, left, users - left));
    s.append(String.format("  the scale-down removed %s: of their sessions %d ended on their own during the drain"
        + " and %d moved at the deadline, once each:%n", String.join(", ", new java.util.TreeSet<>(removed)), sessionsEnded(), sessionsMoved()));
    leaving.forEach((b, l) -> s.append(String.format(
        "    %s: %d sessions when it began draining (BackendDraining said %s); %d ended on their own, %d moved"
            + " (SessionsRebalanced said %d)%s%n",
        b, l.held(), l.toldHeld() == null ? "nothing" : l.toldHeld(), l.ended(), l.moved(), l.toldMoved(),
        l.agrees() ? "" : "  <- DISAGREE")));
    s.append(String.format("  sessions of surviving backends that moved, or moved twice: %d%n", wrongMoves));
    s.append(tableDisagreement.isEmpty()
        ? "  the pool's status counts, per backend, exactly the users still browsing there\n"
        : "  the pool's status and the users DISAGREE: " + tableDisagreement + "\n");
    s.append("  StickyPool Events: ").append(counts()).append('\n');
    s.append(ok() ? "  RESULT: OK, no request failed, no session moved without cause, every number agrees\n"
        : "  RESULT: FAILED (" + String.join("; ", failures()) + ")\n");
    return s.toString();
  }

  private List<String> failures() {
    List<String> why = new ArrayList<>();
    if (failed > 0) {
      why.add(failed + " requests failed");
    }
    if (wrongMoves > 0) {
      why.add(wrongMoves + " sessions moved without cause");
    }
    if (!numbersAgree()) {
      why.add("the numbers disagree");
    }
    return why;
  }

  private Map<String, Long> counts() {
    Map<String, Long> c = new TreeMap<>();
    eventReasons.forEach(r -> c.merge(r, 1L, Long::sum));
    return c;
  }
}
