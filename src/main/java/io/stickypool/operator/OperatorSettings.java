package io.stickypool.operator;

import io.stickypool.operator.lease.LeaderElectionSettings;

import io.stickypool.operator.apply.OwnedObjectWriter;
import java.time.Clock;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.stickypool.operator.sessions.AdminTargetResolver;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Everything {@link StickyPoolOperator} needs to start.
 *
 * @param namespaces watched namespaces; empty means all namespaces
 * @param leaderElection empty runs without a Lease (single replica)
 * @param admin bind address of the health/metrics server; empty runs without one
 * @param metrics JOSDK and JVM metrics are recorded here and served on /metrics
 * @param sessionRefresh how often each pool asks its proxies for live sessions
 * @param drainRefresh how often instead while one of the pool's backends is draining
 * @param adminTargets where a proxy pod answers {@code /sessions/report} (tests point it at loopback)
 * @param nativeSidecars whether sidecars go in as native sidecars; null asks the API server's version
 */
public record OperatorSettings(
    String defaultImage,
    Set<String> namespaces,
    Optional<LeaderElectionSettings> leaderElection,
    Optional<InetSocketAddress> admin,
    PrometheusMeterRegistry metrics,
    Duration sessionRefresh,
    Duration drainRefresh,
    AdminTargetResolver adminTargets,
    Boolean nativeSidecars,
    OwnedObjectWriter.Method writeMethod,
    Clock clock) {
  public static final Duration DEFAULT_SESSION_REFRESH = Duration.ofSeconds(10);
  public static final Duration DEFAULT_DRAIN_REFRESH = Duration.ofSeconds(2);

  public OperatorSettings {
    Objects.requireNonNull(defaultImage, "defaultImage");
    namespaces = Set.copyOf(namespaces);
    Objects.requireNonNull(leaderElection, "leaderElection");
    Objects.requireNonNull(admin, "admin");
    Objects.requireNonNull(metrics, "metrics");
    positive(sessionRefresh, "sessionRefresh");
    positive(drainRefresh, "drainRefresh");
    Objects.requireNonNull(adminTargets, "adminTargets");
    Objects.requireNonNull(writeMethod, "writeMethod");
    Objects.requireNonNull(clock, "clock");
  }

  private static void positive(Duration d, String name) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, got " + d);
    }
  }

  public static Builder builder(String defaultImage) {
    return new Builder(defaultImage);
  }

  /**
   * Defaults: all namespaces, no leader election, no admin server, a fresh registry, sessions every
   * 10 s (2 s while draining) from each proxy pod's IP.
   */
  public static final class Builder {
    private final String defaultImage;
    private Set<String> namespaces = Set.of();
    private LeaderElectionSettings leaderElection;
    private InetSocketAddress admin;
    private PrometheusMeterRegistry metrics;
    private Duration sessionRefresh = DEFAULT_SESSION_REFRESH;
    private Duration drainRefresh = DEFAULT_DRAIN_REFRESH;
    private AdminTargetResolver adminTargets = AdminTargetResolver.podIp();
    private Boolean nativeSidecars;
    private OwnedObjectWriter.Method writeMethod = OwnedObjectWriter.Method.SERVER_SIDE_APPLY;
    private Clock clock = Clock.systemUTC();

    private Builder(String defaultImage) {
      this.defaultImage = defaultImage;
    }

    public Builder namespaces(Set<String> namespaces) {
      this.namespaces = namespaces;
      return this;
    }

    public Builder leaderElection(LeaderElectionSettings leaderElection) {
      this.leaderElection = leaderElection;
      return this;
    }

    public Builder admin(InetSocketAddress admin) {
      this.admin = admin;
      return this;
    }

    public Builder metrics(PrometheusMeterRegistry metrics) {
      this.metrics = metrics;
      return this;
    }

    public Builder sessionRefresh(Duration sessionRefresh) {
      this.sessionRefresh = sessionRefresh;
      return this;
    }

    public Builder drainRefresh(Duration drainRefresh) {
      this.drainRefresh = drainRefresh;
      return this;
    }

    public Builder adminTargets(AdminTargetResolver adminTargets) {
      this.adminTargets = adminTargets;
      return this;
    }

    /** null (the default) decides from the API server's version. */
    public Builder nativeSidecars(Boolean nativeSidecars) {
      this.nativeSidecars = nativeSidecars;
      return this;
    }

    /**
     * Server-side apply (the default); {@code MERGE_PATCH} for an API server without it, such as
     * the embedded demo API.
     */
    public Builder writeMethod(OwnedObjectWriter.Method writeMethod) {
      this.writeMethod = writeMethod;
      return this;
    }

    /** What the reconciler takes the time from (drain deadlines, key rotation, Event times). */
    public Builder clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    public OperatorSettings build() {
      return new OperatorSettings(defaultImage, namespaces, Optional.ofNullable(leaderElection),
          Optional.ofNullable(admin),
          metrics != null ? metrics : new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
          sessionRefresh, drainRefresh, adminTargets, nativeSidecars, writeMethod, clock);
    }
  }
}
