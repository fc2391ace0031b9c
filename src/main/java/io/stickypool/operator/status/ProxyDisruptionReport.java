package io.stickypool.operator.status;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.stickypool.api.v1alpha1.ConditionTypes;
import io.stickypool.api.v1alpha1.Proxy;
import io.stickypool.api.v1alpha1.ProxyMode;
import io.stickypool.api.v1alpha1.StickyPool;
import io.stickypool.api.v1alpha1.StickyPoolStatus;
import io.stickypool.operator.events.EventReason;
import io.stickypool.operator.events.PoolEvents;
import io.stickypool.operator.model.PoolIdentity;
import io.stickypool.operator.model.ProxyDisruptionBudgetModel;
import java.time.Instant;
import java.util.Optional;

/**
 * The {@code ProxyDisruptionTolerant} condition: whether a node drain can take some proxies but
 * never all at once, with a Warning Event each time it turns False (or False for another reason).
 * Deployment mode only; in Sidecar mode the target's owner decides its budget and the condition
 * is left out.
 */
public final class ProxyDisruptionReport {
  private final PoolEvents events;

  public ProxyDisruptionReport(PoolEvents events) {
    this.events = events;
  }

  public void report(StickyPool pool, StickyPoolStatus status, Optional<Deployment> proxyDeployment, Instant now) {
    Proxy proxy = pool.getSpec().getProxy();
    if (proxy != null && proxy.getMode() == ProxyMode.Sidecar) {
      if (status.getConditions() != null) {
        status.setConditions(status.getConditions().stream()
            .filter(c -> !ConditionTypes.PROXY_DISRUPTION_TOLERANT.equals(c.getType())).toList());
      }
      return;
    }
    int replicas = ProxyDisruptionBudgetModel.replicas(proxy == null ? null : proxy.getReplicas(),
        proxyDeployment.map(d -> d.getSpec().getReplicas()).orElse(null));
    var tolerance = ProxyDisruptionBudgetModel.tolerance(PoolIdentity.of(pool),
        proxy == null ? null : proxy.getDisruption(), replicas);
    String reason = tolerance.verdict().reason();
    boolean newProblem = !tolerance.tolerant() && (status.getConditions() == null
        || status.getConditions().stream().noneMatch(c -> ConditionTypes.PROXY_DISRUPTION_TOLERANT.equals(c.getType())
            && "False".equals(c.getStatus()) && reason.equals(c.getReason())));
    status.setConditions(Conditions.set(status.getConditions(), ConditionTypes.PROXY_DISRUPTION_TOLERANT,
        tolerance.tolerant() ? "True" : "False", reason, tolerance.message(), now));
    if (newProblem) {
      EventReason.of(reason).ifPresent(r -> events.emit(pool, r, tolerance.message()));
    }
  }
}
