package io.stickypool.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * A Service port by name or by number. Two typed fields and a CEL rule instead of IntOrString:
 * each field gets its own schema validation (IANA_SVC_NAME pattern, 1..65535), and the operator
 * never has to guess whether "8080" is a name.
 */
@ValidationRule(
    value = "has(self.name) != has(self.number)",
    message = "port: exactly one of name or number must be set")
public class BackendPort {
  @Size(min = 1, max = 15)
  @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
  @JsonPropertyDescription("Name of the Service port (spec.ports[].name), e.g. http.")
  private String name;

  @Min(1)
  @Max(65535)
  @JsonPropertyDescription("Number of the Service port (spec.ports[].port), e.g. 8080.")
  private Integer number;

  public String getName() { return name; }
  public void setName(String name) { this.name = name; }
  public Integer getNumber() { return number; }
  public void setNumber(Integer number) { this.number = number; }
}
