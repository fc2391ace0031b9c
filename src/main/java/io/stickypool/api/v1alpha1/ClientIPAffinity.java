package io.stickypool.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/**
 * Source-address affinity. X-Forwarded-For is honoured only from the listed proxies, otherwise
 * any client could pick its backend. CIDRs are checked by a CEL regex rather than isCIDR(), which
 * needs Kubernetes 1.31; the item and list bounds keep the rule's estimated cost under the API
 * server's budget (unbounded strings are costed as if megabytes long).
 */
@ValidationRule(
    value = "!has(self.trustedProxies) || self.trustedProxies.all(c,"
        + " c.matches('^([0-9]{1,3}[.]){3}[0-9]{1,3}/[0-9]{1,2}$')"
        + " || c.matches('^[0-9A-Fa-f:]+/[0-9]{1,3}$'))",
    message = "trustedProxies entries must be CIDRs such as 10.0.0.0/8 or fd00::/8")
public class ClientIPAffinity {
  @Size(max = 32)
  @JsonPropertyDescription("CIDRs of proxies in front of StickyPool whose X-Forwarded-For is"
      + " trusted; empty means the TCP peer address is the client.")
  private List<@Size(min = 1, max = 43) String> trustedProxies;

  public List<String> getTrustedProxies() { return trustedProxies; }
  public void setTrustedProxies(List<String> trustedProxies) { this.trustedProxies = trustedProxies; }
}
