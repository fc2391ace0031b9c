package io.stickypool.proxy.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import org.junit.jupiter.api.Test;

/** The proxy's cookie is cut out of the Cookie header; the application's cookies stay as written. */
class RequestKeysTest {
  private static HttpHeaders stripped(String... cookieFields) {
    HttpHeaders h = new DefaultHttpHeaders();
    for (String c : cookieFields) {
      h.add("Cookie", c);
    }
    RequestKeys.stripCookie(h, "sp");
    return h;
  }

  @Test
  void cutsOutOnlyTheProxysPairWhereverItIs() {
    assertThat(stripped("sp=abc; theme=dark").getAll("Cookie")).containsExactly("theme=dark");
    assertThat(stripped("theme=dark; sp=abc").getAll("Cookie")).containsExactly("theme=dark");
    assertThat(stripped("a=1; sp=abc; b=2").getAll("Cookie")).containsExactly("a=1; b=2");
    assertThat(stripped("a=1;sp=abc;b=2").getAll("Cookie")).containsExactly("a=1;b=2");
    assertThat(stripped("sp=1; a=1; sp=2").getAll("Cookie")).containsExactly("a=1");
  }

  @Test
  void leavesLookalikesAndOtherHeadersUntouched() {
    assertThat(stripped("spx=1; xsp=2; a=sp=3").getAll("Cookie")).containsExactly("spx=1; xsp=2; a=sp=3");
    String same = "a=1;  b=2";
    assertThat(RequestKeys.without(same, "sp")).isSameAs(same);
  }

  @Test
  void removesTheFieldWhenNothingElseIsLeft() {
    assertThat(stripped("sp=abc").contains("Cookie")).isFalse();
    assertThat(stripped("sp=abc", "a=1").getAll("Cookie")).containsExactly("a=1");
  }
}
