package io.stickypool.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** The application's own session cookie that the proxy follows (type AppCookie). */
public class AppCookieAffinity {
  @Required
  @Size(min = 1, max = 64)
  @Pattern(CookieAffinity.TOKEN)
  @JsonPropertyDescription("Name of the application cookie, e.g. JSESSIONID.")
  private String name;

  public String getName() { return name; }
  public void setName(String name) { this.name = name; }
}
