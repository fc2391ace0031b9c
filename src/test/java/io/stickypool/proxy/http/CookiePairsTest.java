package io.stickypool.proxy.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The proxy's cookie is found and cut out on the bytes; the application's cookies stay as written. */
class CookiePairsTest {
  private static String without(String value) {
    ByteBuf in = Unpooled.copiedBuffer(value, StandardCharsets.US_ASCII);
    ByteBuf out = Unpooled.buffer();
    try {
      boolean left = CookiePairs.writeWithout(in, 0, in.writerIndex(), "sp", out);
      return left ? out.toString(StandardCharsets.US_ASCII) : null;
    } finally {
      in.release();
      out.release();
    }
  }

  private static String value(String field) {
    ByteBuf in = Unpooled.copiedBuffer(field, StandardCharsets.US_ASCII);
    try {
      int pair = CookiePairs.find(in, 0, in.writerIndex(), "sp");
      return pair < 0 ? null
          : CookiePairs.value(new RequestHead.ByteRange(), in, pair + 3, in.writerIndex()).toString();
    } finally {
      in.release();
    }
  }

  @Test
  void cutsOutOnlyTheProxysPairWhereverItIs() {
    assertThat(without("sp=abc; theme=dark")).isEqualTo("theme=dark");
    assertThat(without("theme=dark; sp=abc")).isEqualTo("theme=dark");
    assertThat(without("a=1; sp=abc; b=2")).isEqualTo("a=1; b=2");
    assertThat(without("a=1;sp=abc;b=2")).isEqualTo("a=1;b=2");
    assertThat(without("sp=1; a=1; sp=2")).isEqualTo("a=1");
  }

  @Test
  void leavesLookalikesAsTheyCame() {
    assertThat(without("spx=1; xsp=2; a=sp=3")).isEqualTo("spx=1; xsp=2; a=sp=3");
    assertThat(without("a=1;  b=2;")).isEqualTo("a=1;  b=2;");
  }

  @Test
  void leavesNothingWhenTheProxysCookieWasAlone() {
    assertThat(without("sp=abc")).isNull();
    assertThat(without("sp=abc; ")).isNull();
  }

  @Test
  void readsTheValueWithoutQuotesOrTrailingSpaces() {
    assertThat(value("a=1; sp=\"b1.k7\" ; c=2")).isEqualTo("b1.k7");
    assertThat(value("spx=1; sp=v")).isEqualTo("v");
    assertThat(value("xsp=1; a=sp=2")).isNull();
  }
}
