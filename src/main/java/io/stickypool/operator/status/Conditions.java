package io.stickypool.operator.status;

import io.fabric8.kubernetes.api.model.Condition;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Pure condition bookkeeping: lastTransitionTime moves only when the status flips (k8s API convention). */
public final class Conditions {
  private Conditions() {}

  public static List<Condition> set(
      List<Condition> current, String type, String status, String reason, String message, Instant now) {
    List<Condition> out = new ArrayList<>(current == null ? List.of() : current);
    Condition old = out.stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
    String since = old != null && status.equals(old.getStatus()) && old.getLastTransitionTime() != null
        ? old.getLastTransitionTime() : now.toString();
    Condition c = new Condition();
    c.setType(type);
    c.setStatus(status);
    c.setReason(reason);
    c.setMessage(message);
    c.setLastTransitionTime(since);
    if (old != null) {
      out.set(out.indexOf(old), c);
    } else {
      out.add(c);
    }
    return out;
  }
}
