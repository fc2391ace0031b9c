package io.stickypool.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.authorization.v1.ResourceRuleBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReviewBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Two replicas on one CRUD mock: one holds the Lease and reconciles; the other takes over. */
@EnableKubernetesMockClient(crud = true)
class LeaderElectionMockServerTest {
  private static final String NS = "shop";
  private static final String LEASE_NS = "ops";
  private static final Duration WAIT = Duration.ofSeconds(20);

  KubernetesMockServer server;
  KubernetesClient client;
  private final StickyPoolOperator a = new StickyPoolOperator();
  private final StickyPoolOperator b = new StickyPoolOperator();
  private PoolFixtures fixtures;

  @BeforeEach
  void start() {
    // JOSDK checks RBAC for Leases with a SelfSubjectRulesReview; the CRUD mock would echo it back
    // without a status, so answer it like an API server granting lease access.
    SelfSubjectRulesReview granted = new SelfSubjectRulesReviewBuilder().withNewStatus()
        .withIncomplete(false)
        .addToResourceRules(new ResourceRuleBuilder().withApiGroups("coordination.k8s.io")
            .withResources("leases").withVerbs("get", "create", "update").build())
        .endStatus().build();
    server.expect().post().withPath("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews")
        .andReturn(201, granted).always();
    fixtures = new PoolFixtures(client);
    fixtures.installCrd();
    a.start(client, settings("replica-a"));
    b.start(client, settings("replica-b"));
  }

  @AfterEach
  void stop() {
    a.stop();
    b.stop();
  }

  @Test
  void oneReplicaHoldsTheLeaseAndTheOtherTakesOverWhenItStops() {
    await().atMost(WAIT).until(() -> holder() != null && (a.isLeader() || b.isLeader()));
    assertThat(a.isLeader() ^ b.isLeader()).as("exactly one leader").isTrue();
    StickyPoolOperator leader = a.isLeader() ? a : b;
    StickyPoolOperator standby = leader == a ? b : a;
    assertThat(holder()).startsWith(leader == a ? "replica-a" : "replica-b");

    fixtures.createPool(NS, "first");
    await().atMost(WAIT).until(() -> fixtures.routes(NS, "first") != null);
    assertThat(standby.readiness().ready()).as("a standby is ready: %s", standby.readiness().detail()).isTrue();
    assertThat(standby.readiness().detail()).contains("leader: no");

    leader.stop();
    await().atMost(WAIT).until(standby::isLeader);
    assertThat(holder()).startsWith(standby == a ? "replica-a" : "replica-b");
    fixtures.createPool(NS, "second");
    await().atMost(WAIT).until(() -> fixtures.routes(NS, "second") != null);
  }

  private String holder() {
    Lease lease = client.leases().inNamespace(LEASE_NS).withName("stickypool-operator").get();
    return lease == null || lease.getSpec() == null ? null : lease.getSpec().getHolderIdentity();
  }

  private static OperatorSettings settings(String identity) {
    return OperatorSettings.builder(PoolFixtures.IMAGE)
        .leaderElection(new LeaderElectionSettings("stickypool-operator", LEASE_NS, identity,
            Duration.ofSeconds(2), Duration.ofMillis(1500), Duration.ofMillis(200), false))
        .build();
  }
}
