package io.stickypool.demo;

/**
 * What the demo's users saw: requests and failures, sessions that moved, and how many of those
 * moves were of sessions that were not on the drained backend (must be zero).
 */
public record DemoSummary(int requests, int failed, int sessionsMoved, int sessionsOnDrained, int wrongMoves) {
  @Override
  public String toString() {
    return "summary: " + requests + " requests, " + failed + " failed; " + sessionsMoved
        + " sessions moved (" + sessionsOnDrained + " were on the drained backend, each moved once);"
        + " sessions of other backends moved: " + wrongMoves;
  }
}
