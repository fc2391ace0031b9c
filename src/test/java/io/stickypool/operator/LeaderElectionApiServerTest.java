package io.stickypool.operator;

import io.stickypool.operator.lease.LeaderElectionSettings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.stickypool.testing.cluster.ControlPlaneNamespace;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two replicas on one real API server: one holds the Lease (in a namespace of its own, as in a
 * real install) and reconciles; the other takes over when it stops. JOSDK's lease-access check (a
 * SelfSubjectRulesReview) is answered by the API server itself.
 */
class LeaderElectionApiServerTest {
  @RegisterExtension
  static final ControlPlaneNamespace K8S = ControlPlaneNamespace.apiServer();
  private static final Duration WAIT = Duration.ofSeconds(45);

  private final KubernetesClient client = K8S.client();
  private final TestCluster shop = new TestCluster(client, K8S.namespace());
  private final StickyPoolOperator a = new StickyPoolOperator();
  private final StickyPoolOperator b = new StickyPoolOperator();
  private TestCluster ops;

  @BeforeEach
  void start() {
    ops = TestCluster.inNewNamespace(client, "ops");
    shop.createService("web");
    shop.writeSlice("web", 1);
    a.start(client, settings("replica-a"));
    b.start(client, settings("replica-b"));
  }

  @AfterEach
  void stop() {
    a.stop();
    b.stop();
    ops.deleteNamespace();
  }

  @Test
  void oneReplicaHoldsTheLeaseAndTheOtherTakesOverWhenItStops() {
    await().atMost(WAIT).until(() -> holder() != null && (a.isLeader() || b.isLeader()));
    assertThat(a.isLeader() ^ b.isLeader()).as("exactly one leader").isTrue();
    StickyPoolOperator leader = a.isLeader() ? a : b;
    StickyPoolOperator standby = leader == a ? b : a;
    assertThat(holder()).startsWith(leader == a ? "replica-a" : "replica-b");

    createPool("first");
    await().atMost(WAIT).until(() -> shop.routes("first") != null);
    assertThat(standby.readiness().ready()).as("a standby is ready: %s", standby.readiness().detail()).isTrue();
    assertThat(standby.readiness().detail()).contains("leader: no");

    String stopped = holder();
    leader.stop();
    // A clean stop gives the Lease up (JOSDK alone would leave it to expire).
    assertThat(holder()).as("the Lease right after the leader stopped").isNotEqualTo(stopped);
    await().atMost(WAIT).until(standby::isLeader);
    assertThat(holder()).startsWith(standby == a ? "replica-a" : "replica-b");
    createPool("second");
    await().atMost(WAIT).until(() -> shop.routes("second") != null);
  }

  private void createPool(String name) {
    var pool = shop.samplePool("pool-cookie.yaml");
    pool.getMetadata().setName(name);
    shop.createPool(pool);
  }

  private String holder() {
    Lease lease = client.leases().inNamespace(ops.namespace()).withName("stickypool-operator").get();
    return lease == null || lease.getSpec() == null ? null : lease.getSpec().getHolderIdentity();
  }

  /**
   * Short timings so that a takeover is quick, but a renew deadline of seconds: on a loaded
   * machine a real API server can take hundreds of milliseconds to answer a renewal, and a lost
   * lease stops the leader mid-test.
   */
  private OperatorSettings settings(String identity) {
    return shop.operatorSettings()
        .leaderElection(new LeaderElectionSettings("stickypool-operator", ops.namespace(), identity,
            Duration.ofSeconds(6), Duration.ofSeconds(4), Duration.ofMillis(300), false))
        .build();
  }
}
