package io.stickypool.testing.cluster;

import io.stickypool.sandbox.controlplane.LocalControlPlane;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Extra KWOK nodes for one test, beside the control plane's own {@code kwok-node-0}, Ready and
 * schedulable ({@link LocalControlPlane#addNode}), deleted by {@link #deleteAll}. Give them a label
 * only this test's pods select, so that no other test's pods land on them.
 */
public final class KwokNodes {
  private final LocalControlPlane plane;
  private final List<String> created = new ArrayList<>();

  public KwokNodes(LocalControlPlane plane) {
    this.plane = plane;
  }

  public void create(String name, Map<String, String> labels) {
    try {
      created.add(name);
      plane.addNode(name, labels);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while adding node " + name, e);
    }
  }

  public void deleteAll() {
    created.forEach(name -> plane.admin().nodes().withName(name).delete());
    created.clear();
  }
}
