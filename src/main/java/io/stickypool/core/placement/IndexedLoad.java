package io.stickypool.core.placement;

/**
 * Session counts that can keep a {@link LoadIndex} current for a placer, so that placing a new
 * session does not read every count. The session table implements it; plain {@link SessionLoad}s
 * (maps in tests, a load with one backend made to look full) are scanned instead.
 */
public interface IndexedLoad extends SessionLoad {
  /**
   * The index of {@code placer}'s candidates, kept current from now on (built on the first call
   * for a placer), or null when a newer placer is already indexed: an older routing table still in
   * use by a request in flight then scans, rather than taking the index away from the current one.
   */
  LoadIndex indexFor(NewSessionPlacer placer);
}
