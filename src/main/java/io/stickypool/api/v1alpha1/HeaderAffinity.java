package io.stickypool.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** The request header that carries the session key (type Header). */
public class HeaderAffinity {
  @Required
  @Size(min = 1, max = 256)
  @Pattern("^[A-Za-z0-9!#$%&'*+.^_`|~-]+$")
  @JsonPropertyDescription("Header name (an RFC 9110 token), e.g. X-Session-Id.")
  private String name;

  public String getName() { return name; }
  public void setName(String name) { this.name = name; }
}
