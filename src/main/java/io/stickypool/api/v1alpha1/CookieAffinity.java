package io.stickypool.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * The proxy-issued cookie. Defaults follow GEP-1619: a session cookie on "/", HttpOnly. A
 * Permanent cookie needs an absoluteTimeout for its Max-Age, and browsers drop SameSite=None
 * cookies that are not Secure, so both are rejected up front.
 */
@ValidationRule(value = "!has(self.lifetimeType) || self.lifetimeType != 'Permanent' || has(self.absoluteTimeout)",
    message = "absoluteTimeout must be set when lifetimeType is Permanent")
@ValidationRule(value = "!has(self.sameSite) || self.sameSite != 'None' || (has(self.secure) && self.secure)",
    message = "secure must be true when sameSite is None")
public class CookieAffinity {
  /** RFC 6265 cookie-name token. */
  static final String TOKEN = "^[A-Za-z0-9!#$%&'*+.^_`|~-]+$";

  @Default("stickypool")
  @Size(min = 1, max = 64)
  @Pattern(TOKEN)
  @JsonPropertyDescription("Name of the cookie the proxy sets.")
  private String name;

  @Default("/")
  @Size(min = 1, max = 1024)
  @Pattern("^/.*$")
  @JsonPropertyDescription("Path attribute of the cookie.")
  private String path;

  @Size(max = 253)
  @JsonPropertyDescription("Domain attribute of the cookie; unset means host-only.")
  private String domain;

  @Default("Session")
  @JsonPropertyDescription("Session (no Max-Age, gone when the browser closes) or Permanent"
      + " (Max-Age = absoluteTimeout).")
  @JsonFormat(with = JsonFormat.Feature.READ_UNKNOWN_ENUM_VALUES_USING_DEFAULT_VALUE)
  private CookieLifetimeType lifetimeType;

  @ValidationRule(value = Durations.POSITIVE, message = "absoluteTimeout must be longer than 0s")
  @Pattern(Durations.PATTERN)
  @JsonPropertyDescription("Longest life of a session from its first request, as a duration"
      + " such as 8h; enforced by the proxy from the signed cookie, required for Permanent.")
  private String absoluteTimeout;

  @ValidationRule(value = Durations.POSITIVE, message = "idleTimeout must be longer than 0s")
  @Pattern(Durations.PATTERN)
  @JsonPropertyDescription("A session idle longer than this, as a duration such as 30m, is"
      + " placed again; unset means no idle limit.")
  private String idleTimeout;

  @JsonPropertyDescription("Set the Secure attribute. Required true when sameSite is None.")
  private Boolean secure;

  @Default("true")
  @JsonPropertyDescription("Set the HttpOnly attribute, so scripts cannot read the cookie.")
  private Boolean httpOnly;

  @Default("Lax")
  @JsonPropertyDescription("SameSite attribute: Strict, Lax or None (None needs secure).")
  @JsonFormat(with = JsonFormat.Feature.READ_UNKNOWN_ENUM_VALUES_USING_DEFAULT_VALUE)
  private SameSite sameSite;

  public String getName() { return name; }
  public void setName(String name) { this.name = name; }
  public String getPath() { return path; }
  public void setPath(String path) { this.path = path; }
  public String getDomain() { return domain; }
  public void setDomain(String domain) { this.domain = domain; }
  public CookieLifetimeType getLifetimeType() { return lifetimeType; }
  public void setLifetimeType(CookieLifetimeType lifetimeType) { this.lifetimeType = lifetimeType; }
  public String getAbsoluteTimeout() { return absoluteTimeout; }
  public void setAbsoluteTimeout(String absoluteTimeout) { this.absoluteTimeout = absoluteTimeout; }
  public String getIdleTimeout() { return idleTimeout; }
  public void setIdleTimeout(String idleTimeout) { this.idleTimeout = idleTimeout; }
  public Boolean getSecure() { return secure; }
  public void setSecure(Boolean secure) { this.secure = secure; }
  public Boolean getHttpOnly() { return httpOnly; }
  public void setHttpOnly(Boolean httpOnly) { this.httpOnly = httpOnly; }
  public SameSite getSameSite() { return sameSite; }
  public void setSameSite(SameSite sameSite) { this.sameSite = sameSite; }
}
