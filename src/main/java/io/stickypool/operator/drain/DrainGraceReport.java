package io.stickypool.operator.drain;

import io.stickypool.operator.status.Conditions;
import io.stickypool.operator.events.PoolEvents;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.stickypool.api.v1alpha1.ConditionReasons;
import io.stickypool.api.v1alpha1.ConditionTypes;
import io.stickypool.api.v1alpha1.StickyPool;
import io.stickypool.api.v1alpha1.StickyPoolStatus;
import io.stickypool.operator.drain.BackendGracePeriods;
import io.stickypool.operator.drain.BackendPods;
import io.stickypool.operator.drain.GracePeriodCheck;
import io.stickypool.operator.endpoints.ObservedEndpoints;
import io.stickypool.operator.model.PoolSettings;
import java.time.Instant;
import java.util.Collection;
import java.util.List;

/**
 * The {@code DrainFitsGracePeriod} condition: whether backend pods outlive the drainTimeout, with
 * one Warning Event {@code TerminationGraceTooShort} each time it turns False.
 */
public final class DrainGraceReport {
  private final PoolEvents events;

  public DrainGraceReport(PoolEvents events) {
    this.events = events;
  }

  public void report(StickyPool pool, StickyPoolStatus status, ObservedEndpoints endpoints,
      Collection<EndpointSlice> slices, BackendPods pods, Instant now) {
    var grace = BackendGracePeriods.of(pods, pool.getMetadata().getNamespace(), endpoints.byId().keySet(), slices);
    GracePeriodCheck.Result r = GracePeriodCheck.check(
        PoolSettings.of(pool.getSpec()).drain().drainTimeout(), grace);
    boolean wasFalse = isFalse(status.getConditions());
    String reason = switch (r.fit()) {
      case FITS -> ConditionReasons.GRACE_PERIOD_SUFFICIENT;
      case TOO_SHORT -> ConditionReasons.TERMINATION_GRACE_TOO_SHORT;
      case UNKNOWN -> ConditionReasons.BACKEND_PODS_UNREAD;
    };
    String value = switch (r.fit()) {
      case FITS -> "True";
      case TOO_SHORT -> "False";
      case UNKNOWN -> "Unknown";
    };
    status.setConditions(Conditions.set(status.getConditions(),
        ConditionTypes.DRAIN_FITS_GRACE_PERIOD, value, reason, r.message(), now));
    if (!wasFalse && r.fit() == GracePeriodCheck.Fit.TOO_SHORT) {
      events.emit(pool, io.stickypool.operator.events.EventReason.TERMINATION_GRACE_TOO_SHORT, r.message());
    }
  }

  private static boolean isFalse(List<Condition> conditions) {
    return conditions != null && conditions.stream().anyMatch(c ->
        ConditionTypes.DRAIN_FITS_GRACE_PERIOD.equals(c.getType()) && "False".equals(c.getStatus()));
  }
}
