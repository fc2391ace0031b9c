package io.stickypool.operator;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetSocketAddress;
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
 */
public record OperatorSettings(
    String defaultImage,
    Set<String> namespaces,
    Optional<LeaderElectionSettings> leaderElection,
    Optional<InetSocketAddress> admin,
    PrometheusMeterRegistry metrics) {

  public OperatorSettings {
    Objects.requireNonNull(defaultImage, "defaultImage");
    namespaces = Set.copyOf(namespaces);
    Objects.requireNonNull(leaderElection, "leaderElection");
    Objects.requireNonNull(admin, "admin");
    Objects.requireNonNull(metrics, "metrics");
  }

  public static Builder builder(String defaultImage) {
    return new Builder(defaultImage);
  }

  /** Defaults: all namespaces, no leader election, no admin server, a fresh registry. */
  public static final class Builder {
    private final String defaultImage;
    private Set<String> namespaces = Set.of();
    private LeaderElectionSettings leaderElection;
    private InetSocketAddress admin;
    private PrometheusMeterRegistry metrics;

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

    public OperatorSettings build() {
      return new OperatorSettings(defaultImage, namespaces, Optional.ofNullable(leaderElection),
          Optional.ofNullable(admin),
          metrics != null ? metrics : new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    }
  }
}
