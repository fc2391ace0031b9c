package io.stickypool.proxy.http;

import static io.stickypool.proxy.http.RetryPolicy.Decision.CUT_CLIENT;
import static io.stickypool.proxy.http.RetryPolicy.Decision.GIVE_UP;
import static io.stickypool.proxy.http.RetryPolicy.Decision.NO_OTHER_BACKEND;
import static io.stickypool.proxy.http.RetryPolicy.Decision.REPLAY_ELSEWHERE;
import static io.stickypool.proxy.http.RetryPolicy.Decision.REPLAY_SAME_BACKEND;
import static io.stickypool.proxy.routing.RequestRouter.ExchangeResult.BROKEN_RESPONSE;
import static io.stickypool.proxy.routing.RequestRouter.ExchangeResult.CONNECT_FAILED;
import static io.stickypool.proxy.routing.RequestRouter.ExchangeResult.TIMED_OUT;
import static org.assertj.core.api.Assertions.assertThat;

import io.stickypool.proxy.http.RetryPolicy.Decision;
import io.stickypool.proxy.routing.RequestRouter.ExchangeResult;
import java.util.List;
import org.junit.jupiter.api.Test;

/** When a failed exchange is replayed, and where; one row per case. */
class RetryPolicyTest {
  private record Row(String why, ExchangeResult result, int attempts, boolean reused, boolean started,
      boolean idempotent, boolean bodySent, boolean rerouted, Decision expected, boolean stale) {}

  private static final List<Row> TABLE = List.of(
      new Row("response started: only a cut is honest", BROKEN_RESPONSE, 1, true, true, true, false, false, CUT_CLIENT, false),
      new Row("connect failed: nothing was sent, try another backend", CONNECT_FAILED, 1, false, false, false, true, false, REPLAY_ELSEWHERE, false),
      new Row("connect failed after a reroute already", CONNECT_FAILED, 2, false, false, true, false, true, NO_OTHER_BACKEND, false),
      new Row("stale pooled connection, idempotent: same backend, fresh connection", BROKEN_RESPONSE, 1, true, false, true, false, false, REPLAY_SAME_BACKEND, true),
      new Row("stale pooled connection after a reroute: same backend still", BROKEN_RESPONSE, 2, true, false, true, false, true, REPLAY_SAME_BACKEND, true),
      new Row("fresh connection broke on an idempotent request: another backend", BROKEN_RESPONSE, 1, false, false, true, false, false, REPLAY_ELSEWHERE, false),
      new Row("POST broke: may have been processed", BROKEN_RESPONSE, 1, true, false, false, false, false, GIVE_UP, true),
      new Row("body already sent: it cannot be sent again", BROKEN_RESPONSE, 1, true, false, true, true, false, GIVE_UP, true),
      new Row("attempts used up", CONNECT_FAILED, RetryPolicy.MAX_ATTEMPTS, false, false, true, false, false, GIVE_UP, false),
      new Row("timeouts are not replayed", TIMED_OUT, 1, false, false, true, false, false, GIVE_UP, false));

  @Test
  void decidesEachCaseAsTheTableSays() {
    for (Row r : TABLE) {
      RetryPolicy.Failure f = new RetryPolicy.Failure(r.result(), r.attempts(), r.reused(), r.started(),
          r.idempotent(), r.bodySent(), r.rerouted());
      assertThat(RetryPolicy.decide(f)).as(r.why()).isEqualTo(r.expected());
      assertThat(f.staleConnection()).as(r.why() + " (stale)").isEqualTo(r.stale());
    }
  }
}
