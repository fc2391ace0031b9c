package io.stickypool.proxy.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class FlushBatchTest {

  @Test
  void writesLeaveTogetherWhenTheLoopRunsItsTasks() {
    EmbeddedChannel first = new EmbeddedChannel();
    EmbeddedChannel second = new EmbeddedChannel();
    first.write(ascii("GET /a HTTP/1.1\r\n\r\n"));
    second.write(ascii("GET /b HTTP/1.1\r\n\r\n"));

    FlushBatch.flushAfterReads(first);
    FlushBatch.flushAfterReads(second);
    FlushBatch.flushAfterReads(first);
    assertThat((Object) first.readOutbound()).as("nothing leaves while the loop still reads").isNull();
    assertThat((Object) second.readOutbound()).isNull();

    first.runPendingTasks();
    assertThat(text(first.readOutbound())).isEqualTo("GET /a HTTP/1.1\r\n\r\n");
    assertThat(text(second.readOutbound())).isEqualTo("GET /b HTTP/1.1\r\n\r\n");
    assertThat(first.finish()).isFalse();
    assertThat(second.finish()).isFalse();
  }

  @Test
  void aChannelClosedBeforeTheBatchRunsIsSkippedQuietly() {
    EmbeddedChannel open = new EmbeddedChannel();
    EmbeddedChannel closed = new EmbeddedChannel();
    FlushBatch.flushAfterReads(open);
    FlushBatch.flushAfterReads(closed);
    closed.close();
    open.write(ascii("x"));

    open.runPendingTasks();
    assertThat(text(open.readOutbound())).isEqualTo("x");
    assertThat(open.finish()).isFalse();
  }

  private static ByteBuf ascii(String s) {
    return Unpooled.copiedBuffer(s, StandardCharsets.US_ASCII);
  }

  private static String text(ByteBuf buf) {
    try {
      return buf.toString(StandardCharsets.US_ASCII);
    } finally {
      buf.release();
    }
  }
}
