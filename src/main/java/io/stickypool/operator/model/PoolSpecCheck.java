package io.stickypool.operator.model;

import io.stickypool.api.v1alpha1.Affinity;
import io.stickypool.api.v1alpha1.CookieAffinity;
import io.stickypool.api.v1alpha1.Proxy;
import io.stickypool.api.v1alpha1.StickyPoolSpec;
import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Pure: everything in a pool's spec the operator will parse, parsed once up front, so that a pool
 * it cannot act on is reported as such (Ready=False, InvalidSpec) before anything is written, and
 * never reaches a reconcile step as an exception. Most of it the CRD's schema already refuses;
 * this is for what gets past it: a pool stored under an older CRD, or a CRD newer than the
 * operator (a value it does not know reads as {@code Unrecognized}).
 */
public final class PoolSpecCheck {
  private PoolSpecCheck() {}

  /** The first problem found, if any. */
  public static Optional<InvalidSpec> problem(StickyPoolSpec spec) {
    try {
      knownValues(spec);
      PoolSettings.of(spec);
      PoolSettings.keySchedule(spec);
      return Optional.empty();
    } catch (InvalidSpec e) {
      return Optional.of(e);
    }
  }

  private static void knownValues(StickyPoolSpec spec) {
    Affinity a = spec.getAffinity();
    if (a != null) {
      known("spec.affinity.type", a.getType());
      CookieAffinity c = a.getCookie();
      if (c != null) {
        known("spec.affinity.cookie.lifetimeType", c.getLifetimeType());
        known("spec.affinity.cookie.sameSite", c.getSameSite());
      }
    }
    Proxy p = spec.getProxy();
    if (p != null) {
      known("spec.proxy.mode", p.getMode());
      known("spec.proxy.serviceType", p.getServiceType());
      if (p.getTargetRef() != null) {
        known("spec.proxy.targetRef.kind", p.getTargetRef().getKind());
      }
    }
  }

  /** Each spec enum's last constant, {@code Unrecognized}, is what an unknown value reads as. */
  private static <E extends Enum<E>> void known(String field, E value) {
    if (value != null && value.name().equals("Unrecognized")) {
      String knows = Arrays.stream(value.getDeclaringClass().getEnumConstants())
          .filter(v -> v != value).map(Enum::name).collect(Collectors.joining(", "));
      throw new InvalidSpec(field, "holds a value this operator does not know (it knows " + knows
          + "); the StickyPool CRD is newer than the operator: upgrade the operator, or change the field");
    }
  }
}
