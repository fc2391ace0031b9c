package io.stickypool.operator.lease;

import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What this replica knows about the Lease, for /readyz; JOSDK 5.3.2 does not expose it. Callbacks run
 * on fabric8's leader-election thread; readers see the volatile state of the last callback.
 */
public final class Leadership {
  private static final Logger LOG = LoggerFactory.getLogger(Leadership.class);

  private final String identity;
  private final AtomicBoolean leader = new AtomicBoolean();
  private final AtomicReference<String> currentLeader = new AtomicReference<>();

  public Leadership(String identity) {
    this.identity = identity;
  }

  /** {@code onLost} runs when this replica loses a Lease it held. */
  public LeaderCallbacks callbacks(Runnable onLost) {
    return new LeaderCallbacks(
        () -> {
          leader.set(true);
          LOG.info("{} acquired the lease and starts reconciling", identity);
        },
        () -> {
          leader.set(false);
          onLost.run();
        },
        currentLeader::set);
  }

  public boolean isLeader() {
    return leader.get();
  }

  public String describe() {
    String holder = currentLeader.get();
    return "leader: " + (leader.get() ? "yes" : "no") + " (identity " + identity + ", lease holder "
        + (holder == null ? "unknown" : holder) + ")";
  }
}
