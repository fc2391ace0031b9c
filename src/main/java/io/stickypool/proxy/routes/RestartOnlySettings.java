package io.stickypool.proxy.routes;

import io.stickypool.proxy.config.ProxyConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;

/**
 * The {@code proxy:} settings a routes source reads but never reloads: listeners, limits and files
 * are bound at start, so a change to them is only worth a warning that a restart is needed.
 */
public final class RestartOnlySettings {
  private RestartOnlySettings() {}

  /** Warns through {@code log} when {@code after} changes a setting of {@code before}. */
  public static void warnIfChanged(Logger log, String origin, ProxyConfig before, ProxyConfig after) {
    if (before == null) {
      return;
    }
    List<String> changed = changes(before, after);
    if (!changed.isEmpty()) {
      log.warn("{}: proxy.{} changed; routes are reloaded now, these settings only after a restart",
          origin, String.join(", proxy.", changed));
    }
  }

  /** The names of the {@code proxy:} settings that differ; none of them is reloaded live. */
  static List<String> changes(ProxyConfig before, ProxyConfig after) {
    List<String> changed = new ArrayList<>();
    addIfChanged(changed, "listen", before.listen(), after.listen());
    addIfChanged(changed, "admin", before.admin(), after.admin());
    addIfChanged(changed, "limits", before.limits(), after.limits());
    addIfChanged(changed, "workerThreads", before.workerThreads(), after.workerThreads());
    addIfChanged(changed, "transport", before.transport(), after.transport());
    addIfChanged(changed, "maxSessions", before.maxSessions(), after.maxSessions());
    addIfChanged(changed, "health", before.health(), after.health());
    addIfChanged(changed, "keyFile", before.keyFile(), after.keyFile());
    addIfChanged(changed, "adminTokenFile", before.adminTokenFile(), after.adminTokenFile());
    return changed;
  }

  private static void addIfChanged(List<String> out, String name, Object before, Object after) {
    if (!Objects.equals(before, after)) {
      out.add(name);
    }
  }
}
