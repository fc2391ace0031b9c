package io.stickypool.operator.view;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The live view as the admin server serves it: the page, its script and style (plain files in the
 * jar, no build step, nothing loaded from elsewhere) and the JSON the page polls.
 */
public final class LiveViewPage {
  /** Where the page polls {@link LiveView}. */
  public static final String API = "/api/pools";
  private static final String RESOURCES = "/io/stickypool/operator/view/";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One static file and its Content-Type. */
  public record Asset(String contentType, String body) {}

  private static final Map<String, Asset> ASSETS = Map.of(
      "/", load("index.html", "text/html; charset=utf-8"),
      "/view.js", load("view.js", "text/javascript; charset=utf-8"),
      "/view.css", load("view.css", "text/css; charset=utf-8"));

  private LiveViewPage() {}

  /** Path to file, read once from the jar. */
  public static Map<String, Asset> assets() {
    return ASSETS;
  }

  public static String json(LiveView view) {
    try {
      return JSON.writeValueAsString(view);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("the live view did not serialize", e);
    }
  }

  private static Asset load(String file, String contentType) {
    try (InputStream in = LiveViewPage.class.getResourceAsStream(RESOURCES + file)) {
      if (in == null) {
        throw new IllegalStateException("missing from the jar: " + RESOURCES + file);
      }
      return new Asset(contentType, new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
