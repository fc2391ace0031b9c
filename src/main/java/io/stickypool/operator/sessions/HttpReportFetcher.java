package io.stickypool.operator.sessions;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * {@code GET http://host:port/sessions/report} over one shared {@link HttpClient}. Both timeouts
 * are short: a proxy that cannot answer within them is counted as missing, and the pool's figure
 * becomes partial rather than holding up the reconcile. Thread-safe.
 */
public final class HttpReportFetcher implements ReportFetcher {
  public static final Duration CONNECT_TIMEOUT = Duration.ofMillis(500);
  public static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(1);
  static final String PATH = "/sessions/report";

  private final HttpClient http;
  private final Duration requestTimeout;

  public HttpReportFetcher() {
    this(CONNECT_TIMEOUT, REQUEST_TIMEOUT);
  }

  public HttpReportFetcher(Duration connectTimeout, Duration requestTimeout) {
    this.http = HttpClient.newBuilder().connectTimeout(connectTimeout)
        .followRedirects(HttpClient.Redirect.NEVER).version(HttpClient.Version.HTTP_1_1).build();
    this.requestTimeout = requestTimeout;
  }

  @Override
  public CompletableFuture<String> fetch(AdminTarget target) {
    HttpRequest request = HttpRequest.newBuilder(uri(target)).timeout(requestTimeout)
        .header("Accept", "application/json").GET().build();
    return http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).thenApply(response -> {
      if (response.statusCode() != 200) {
        throw new IllegalStateException(new IOException("HTTP " + response.statusCode()));
      }
      return response.body();
    });
  }

  private static URI uri(AdminTarget target) {
    String host = target.host().contains(":") ? "[" + target.host() + "]" : target.host();
    return URI.create("http://" + host + ":" + target.port() + PATH);
  }
}
