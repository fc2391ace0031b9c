package io.stickypool.demo;

import io.stickypool.operator.apply.OwnedObjectWriter;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;

/**
 * Where the cluster demo's story runs: an API to apply the samples to and the operator to watch,
 * and a {@link DemoNode} that runs the resulting pods on loopback. Closing stops what it started.
 */
interface DemoPlatform extends AutoCloseable {
  KubernetesClient client();

  String namespace();

  DemoNode node();

  /** The kubectl command line a user pastes into another terminal to look at it. */
  String kubectl();

  /** Says what it is, for the first lines of the demo. */
  void introduce(PrintStream out);

  /** samples/backend-app.yaml, as this platform needs it to run the story in a minute. */
  List<HasMetadata> backendApp(Duration drainTimeout);

  /** How the operator writes here: the embedded API has no server-side apply. */
  default OwnedObjectWriter.Method writeMethod() {
    return OwnedObjectWriter.Method.SERVER_SIDE_APPLY;
  }

  @Override
  void close() throws Exception;
}
